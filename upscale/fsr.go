package upscale

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// FSR is AMD FidelityFX Super Resolution 1 (ffx_fsr1.h, v1.20210629), the
// 32-bit float path: EASU (Edge Adaptive Spatial Upsampling) followed by
// RCAS (Robust Contrast Adaptive Sharpening). Arithmetic is float32 and uses
// AMD's bit-trick reciprocal and reciprocal-square-root approximations
// exactly where the shader does, so results follow the shader's, not an
// idealised Lanczos.
//
// Input should be perceptual (sRGB or gamma 2-encoded) colour in [0,1], as
// AMD requires; see [ResizePerceptual]. Grey images are treated as R = G = B.
// Alpha is resampled with EASU's weights and passed through RCAS unchanged
// (FSR_RCAS_PASSTHROUGH_ALPHA).
//
// On amd64 CPUs with AVX2, assembly kernels compute eight output pixels at
// a time with the same operations in the same order, so the results equal
// the portable code's bit for bit (in the default GOAMD64=v1 build, where Go
// does not fuse multiply-adds).
type FSR struct {
	// Sharpness is RCAS's strength in stops: 0 is the maximum, each +1
	// halves it.
	Sharpness float64
	// Denoise scales sharpening down where the 5-tap cross looks like noise
	// (FSR_RCAS_DENOISE).
	Denoise bool
	// EASUOnly skips RCAS.
	EASUOnly bool
}

// Name reports "easu" or "fsr1".
func (f *FSR) Name() string {
	if f.EASUOnly {
		return "easu"
	}
	return "fsr1"
}

// MaxScale is 4 per axis; AMD rates EASU for 1× to 4× in area (2× per axis)
// and ships 3× ("ultra performance") presets.
func (f *FSR) MaxScale() float64 { return 4 }

// Upscale runs EASU and then RCAS. Each goroutine takes bands of output
// rows, computes EASU for the band plus one row above and below into a
// small scratch buffer and sharpens the band from it, so no full-size
// intermediate image is made; the result is the same as EASU into an image
// followed by RCAS over it.
func (f *FSR) Upscale(ctx context.Context, dst, src *raster.Image) error {
	if err := checkArgs(f, dst, src); err != nil {
		return err
	}
	if f.EASUOnly {
		if err := EASU(ctx, dst, src); err != nil {
			return fmt.Errorf("upscale easu: %w", err)
		}
		return nil
	}
	if err := fsr1(ctx, dst, src, f.Sharpness, f.Denoise, fsrKernels()); err != nil {
		return fmt.Errorf("upscale fsr1: %w", err)
	}
	return nil
}

// fsrBand is how many output rows a goroutine takes at a time; EASU
// recomputes two rows (and RCAS's neighbours) per band.
const fsrBand = 32

// fsr1 is EASU followed by RCAS, band by band, with the vector kernels k
// or the scalar code when k is nil.
func fsr1(ctx context.Context, dst, src *raster.Image, sharpness float64, denoise bool, k *fsrSIMD) error {
	sharp, err := rcasSharpness(sharpness)
	if err != nil {
		return err
	}
	p := newEASUPlan(dst.Width, dst.Height, src, k)
	dw, dh := p.dw, p.dh
	nc := src.ColourChannels()
	return parallelBands(ctx, dh, fsrBand, func() func(y0, y1 int) {
		w := p.newWork()
		mid := make([][]float32, src.Channels())
		for c := range mid {
			mid[c] = make([]float32, (fsrBand+2)*dw)
		}
		out := make([][]float32, len(mid))
		r := rcasRow{sharp: sharp, denoise: denoise}
		r.up, r.mid, r.down, r.out = make([][]float32, nc), make([][]float32, nc), make([][]float32, nc), make([][]float32, nc)
		return func(y0, y1 int) {
			// EASU rows s0 … s1−1 into mid, RCAS rows y0 … y1−1 from it.
			s0, s1 := max(y0-1, 0), min(y1+1, dh)
			w.prepare(s0, s1)
			for y := s0; y < s1; y++ {
				o := (y - s0) * dw
				for c := range out {
					out[c] = mid[c][o : o+dw]
				}
				w.row(y, out)
			}
			for y := y0; y < y1; y++ {
				u, m, d := (max(y-1, 0)-s0)*dw, (y-s0)*dw, (min(y+1, dh-1)-s0)*dw
				for c := range nc {
					r.up[c], r.mid[c], r.down[c] = mid[c][u:u+dw], mid[c][m:m+dw], mid[c][d:d+dw]
					r.out[c] = dst.Planes[c][y*dw : (y+1)*dw]
				}
				r.upOff, r.downOff = u-m, d-m
				r.run(k)
				if src.HasAlpha() {
					copy(dst.Planes[nc][y*dw:(y+1)*dw], mid[nc][m:m+dw])
				}
			}
		}
	})
}

// AMD's low-precision approximations (ffx_a.h): one integer subtraction on
// the float's bits, an initial guess good to a few per cent.
func prxLoRcp(a float32) float32 {
	return math.Float32frombits(0x7ef07ebb - math.Float32bits(a))
}

func prxLoRsq(a float32) float32 {
	return math.Float32frombits(0x5f347d74 - math.Float32bits(a)>>1)
}

// prxMedRcp refines the guess with one Newton-Raphson step.
func prxMedRcp(a float32) float32 {
	b := math.Float32frombits(0x7ef19fff - math.Float32bits(a))
	return b * (-b*a + 2)
}

// gmin and gmax follow GPU min/max, which return the other operand when one
// is NaN (the shaders rely on it where 0·∞ can occur).
func gmin(a, b float32) float32 {
	if a < b || b != b {
		return a
	}
	return b
}

func gmax(a, b float32) float32 {
	if a > b || b != b {
		return a
	}
	return b
}

func sat(a float32) float32 { return gmin(gmax(a, 0), 1) }

func abs32(a float32) float32 { return math.Float32frombits(math.Float32bits(a) &^ (1 << 31)) }

// lumaAt is EASU's and RCAS's "luma times two", B/2 + (R/2 + G), of pixel i
// of the colour planes p (2·v for grey).
func lumaAt(p [][]float32, i int) float32 {
	if len(p) < 3 {
		return 2 * p[0][i]
	}
	return p[2][i]*0.5 + (p[0][i]*0.5 + p[1][i])
}

// easuPlus is FsrEasuSetF's per-texel part: from the '+' of lumas a (up),
// b (left), c (centre), d (right), e (down) it returns the gradient
// (dirX, dirY) and the squared, shaped edge lengths along x and y. The
// shader recomputes these for each of the four texels around every output
// pixel and then weights them bilinearly; they depend on the texel alone, so
// EASU computes them once per texel and keeps the shader's accumulation
// order, which gives the same float32 results.
func easuPlus(lA, lB, lC, lD, lE float32) (dirX, dirY, lenX, lenY float32) {
	dc := lD - lC
	cb := lC - lB
	lenX = gmax(abs32(dc), abs32(cb))
	lenX = prxLoRcp(lenX)
	dirX = lD - lB
	lenX = sat(abs32(dirX) * lenX)
	lenX *= lenX

	ec := lE - lC
	ca := lC - lA
	lenY = gmax(abs32(ec), abs32(ca))
	lenY = prxLoRcp(lenY)
	dirY = lE - lA
	lenY = sat(abs32(dirY) * lenY)
	lenY *= lenY
	return dirX, dirY, lenX, lenY
}

// easuPlan is what every output row of one EASU call shares.
type easuPlan struct {
	src                *raster.Image
	sw, sh, dw, dh, aw int
	// FsrEasuCon: output pixel → input position of 'f' plus fraction.
	scaleY, offY float32
	// Per output column: the fraction, 'f', and the four columns f−1 … f+2
	// clamped to the image.
	pp   []float32
	f    []int32
	cols [][4]int32
	// k holds the vector kernels (nil for scalar code) and groups their
	// column table (nil when rows are computed by the scalar code).
	k      *fsrSIMD
	groups []int32
}

// newEASUPlan maps the columns of a dw×dh output onto src.
func newEASUPlan(dw, dh int, src *raster.Image, k *fsrSIMD) *easuPlan {
	sw, sh := src.Width, src.Height
	p := &easuPlan{src: src, sw: sw, sh: sh, dw: dw, dh: dh, aw: sw + 2, k: k}
	scaleX := float32(sw) * (1 / float32(dw))
	p.scaleY = float32(sh) * (1 / float32(dh))
	offX := float32(0.5)*float32(sw)*(1/float32(dw)) - 0.5
	p.offY = float32(0.5)*float32(sh)*(1/float32(dh)) - 0.5
	p.pp = make([]float32, dw)
	p.f = make([]int32, dw)
	p.cols = make([][4]int32, dw)
	for x := range dw {
		pos := float32(x)*scaleX + offX
		fp := float32(math.Floor(float64(pos)))
		p.pp[x], p.f[x] = pos-fp, int32(fp)
		for k := range p.cols[x] {
			p.cols[x][k] = int32(clampInt(int(fp)-1+k, 0, sw-1))
		}
	}
	if k != nil {
		p.groups = k.easuGroups(p)
	}
	return p
}

// texelRow returns output row y's texel row fy (−1 … sh−1) and its
// fraction inside it.
func (p *easuPlan) texelRow(y int) (fy int, ppy float32) {
	pos := float32(y)*p.scaleY + p.offY
	fp := float32(math.Floor(float64(pos)))
	return int(fp), pos - fp
}

// easuWork is one goroutine's scratch for EASU rows.
type easuWork struct {
	p *easuPlan
	// luma holds the lumas of source rows ty0−1 … ty1+1 (clamped), each
	// widened by two clamped columns at both ends (sw+4 values).
	luma []float32
	// ana holds easuPlus's dirX, dirY, lenX and lenY, one plane of
	// anaPlane values each, for texel rows ty0 … ty1 and texel columns −1 …
	// sw (aw = sw+2 per row): output pixels near the border have 'f' at −1
	// or 'k' at the width.
	ana      []float32
	anaPlane int
	ty0      int
	weights  []float32 // the vector kernel's buffer
	w        [12]float32
}

func (p *easuPlan) newWork() *easuWork { return &easuWork{p: p} }

// prepare analyses the texel rows output rows y0 … y1−1 read.
func (w *easuWork) prepare(y0, y1 int) {
	p := w.p
	ty0, _ := p.texelRow(y0)
	ty1, _ := p.texelRow(y1 - 1)
	ty1++
	nt := ty1 - ty0 + 1
	lw := p.sw + 4
	w.ty0 = ty0
	w.luma = grow(w.luma, (nt+2)*lw)
	colour := p.src.Planes[:p.src.ColourChannels()]
	for i := range nt + 2 {
		lumaRow(w.luma[i*lw:(i+1)*lw], colour, clampInt(ty0-1+i, 0, p.sh-1)*p.sw, p.sw)
	}
	w.anaPlane = nt * p.aw
	w.ana = grow(w.ana, 4*w.anaPlane)
	for i := range nt {
		up, mid, down := w.luma[i*lw:(i+1)*lw], w.luma[(i+1)*lw:(i+2)*lw], w.luma[(i+2)*lw:(i+3)*lw]
		out := w.ana[i*p.aw:]
		if p.k != nil && p.aw >= 8 {
			p.k.easuAnaRow(out, w.anaPlane, up, mid, down, p.aw)
			continue
		}
		dX, dY := out[:p.aw], out[w.anaPlane:w.anaPlane+p.aw]
		lX, lY := out[2*w.anaPlane:2*w.anaPlane+p.aw], out[3*w.anaPlane:3*w.anaPlane+p.aw]
		for ax := range p.aw {
			// Texel x = ax−1 sits at ax+1 in the widened rows.
			dX[ax], dY[ax], lX[ax], lY[ax] = easuPlus(up[ax+1], mid[ax], mid[ax+1], mid[ax+2], down[ax+1])
		}
	}
}

// grow returns s resized to n values, reallocated only when too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// lumaRow writes the lumas of the sw pixels at offset o of the colour
// planes to l[2:sw+2] and repeats the edge values into the two extra
// columns at each end.
func lumaRow(l []float32, colour [][]float32, o, sw int) {
	l = l[:sw+4]
	c := l[2 : sw+2]
	if len(colour) < 3 {
		for i, v := range colour[0][o : o+sw] {
			c[i] = 2 * v
		}
	} else {
		r, g, b := colour[0][o:o+sw], colour[1][o:o+sw], colour[2][o:o+sw]
		for i := range c {
			c[i] = b[i]*0.5 + (r[i]*0.5 + g[i])
		}
	}
	l[0], l[1] = c[0], c[0]
	l[sw+2], l[sw+3] = c[sw-1], c[sw-1]
}

// row computes output row y (prepared for) into out, one slice of dw
// values per plane.
func (w *easuWork) row(y int, out [][]float32) {
	if w.p.groups != nil {
		w.weights = w.p.k.easuRow(w, y, out, w.weights)
		return
	}
	w.scalarRow(y, out)
}

// EASU upscales src into dst with FSR 1's Edge Adaptive Spatial Upsampling
// (FsrEasuF with FsrEasuCon's constants for a full-image viewport). dst must
// be at least src's size; src's values should be perceptual in [0,1].
func EASU(ctx context.Context, dst, src *raster.Image) error {
	return easu(ctx, dst, src, fsrKernels())
}

// easu is EASU with the vector kernels k, or the scalar code when k is nil.
func easu(ctx context.Context, dst, src *raster.Image, k *fsrSIMD) error {
	if err := src.Check(); err != nil {
		return fmt.Errorf("easu: source: %w", err)
	}
	if err := dst.Check(); err != nil {
		return fmt.Errorf("easu: destination: %w", err)
	}
	if dst.Channels() != src.Channels() {
		return fmt.Errorf("easu: destination has %d planes, source %d", dst.Channels(), src.Channels())
	}
	p := newEASUPlan(dst.Width, dst.Height, src, k)
	dw := p.dw
	return parallelBands(ctx, p.dh, fsrBand, func() func(y0, y1 int) {
		w := p.newWork()
		out := make([][]float32, len(dst.Planes))
		return func(y0, y1 int) {
			w.prepare(y0, y1)
			for y := y0; y < y1; y++ {
				for c := range out {
					out[c] = dst.Planes[c][y*dw : (y+1)*dw]
				}
				w.row(y, out)
			}
		}
	})
}

// scalarRow computes output row y pixel by pixel.
func (w *easuWork) scalarRow(y int, out [][]float32) {
	p := w.p
	fy, ppy := p.texelRow(y)
	sw, sh, dw, aw := p.sw, p.sh, p.dw, p.aw
	var rows [4]int
	for k := range rows {
		rows[k] = clampInt(fy-1+k, 0, sh-1) * sw
	}
	arow := (fy - w.ty0) * aw
	n := w.anaPlane
	aDX, aDY, aLX, aLY := w.ana[:n], w.ana[n:2*n], w.ana[2*n:3*n], w.ana[3*n:4*n]
	wt := &w.w
	for x := range dw {
		ppx := p.pp[x]
		a := arow + int(p.f[x]) + 1
		aF, aG, aJ, aK := a, a+1, a+aw, a+aw+1

		// Bilinear accumulation of the four texels' analyses, in the
		// shader's order (S = f, T = g, U = j, V = k).
		wS, wT, wU, wV := (1-ppx)*(1-ppy), ppx*(1-ppy), (1-ppx)*ppy, ppx*ppy
		var dirX, dirY, length float32
		dirX += aDX[aF] * wS
		dirY += aDY[aF] * wS
		length += aLX[aF] * wS
		length += aLY[aF] * wS
		dirX += aDX[aG] * wT
		dirY += aDY[aG] * wT
		length += aLX[aG] * wT
		length += aLY[aG] * wT
		dirX += aDX[aJ] * wU
		dirY += aDY[aJ] * wU
		length += aLX[aJ] * wU
		length += aLY[aJ] * wU
		dirX += aDX[aK] * wV
		dirY += aDY[aK] * wV
		length += aLX[aK] * wV
		length += aLY[aK] * wV
		easuKernel(wt, dirX, dirY, length, ppx, ppy)

		r0, r1, r2, r3 := rows[0], rows[1], rows[2], rows[3]
		cl := &p.cols[x]
		c0, c1, c2, c3 := int(cl[0]), int(cl[1]), int(cl[2]), int(cl[3])
		// Taps in the shader's accumulation order b c i j f e k l h g o n.
		iB, iC, iI, iJ := r0+c1, r0+c2, r2+c0, r2+c1
		iF, iE, iK, iL := r1+c1, r1+c0, r2+c2, r2+c3
		iH, iG, iO, iN := r1+c3, r1+c2, r3+c2, r3+c1
		aW := wt[0]
		for _, v := range wt[1:] {
			aW += v
		}
		rcpW := 1 / aW
		for pi, pl := range p.src.Planes {
			pl = pl[:sw*sh]
			aC := pl[iB] * wt[0]
			aC += pl[iC] * wt[1]
			aC += pl[iI] * wt[2]
			aC += pl[iJ] * wt[3]
			aC += pl[iF] * wt[4]
			aC += pl[iE] * wt[5]
			aC += pl[iK] * wt[6]
			aC += pl[iL] * wt[7]
			aC += pl[iH] * wt[8]
			aC += pl[iG] * wt[9]
			aC += pl[iO] * wt[10]
			aC += pl[iN] * wt[11]
			vf, vg, vj, vk := pl[iF], pl[iG], pl[iJ], pl[iK]
			mn := gmin(gmin(gmin(vf, vg), vj), vk)
			mx := gmax(gmax(gmax(vf, vg), vj), vk)
			out[pi][x] = gmin(mx, gmax(mn, aC*rcpW))
		}
	}
}

// easuKernel computes the 12 tap weights of one output pixel from its
// accumulated edge direction and length and its fractional position
// (ppx, ppy) inside texel 'f' (the second half of FsrEasuF). The taps are
//
//	  b c
//	e f g h
//	i j k l
//	  n o
//
// and w holds them in the order FsrEasuF accumulates them: b c i j f e k l
// h g o n.
func easuKernel(w *[12]float32, dirX, dirY, length, ppx, ppy float32) {
	// Normalise the direction, falling back to +x when there is none.
	dirR := dirX*dirX + dirY*dirY
	zero := dirR < 1.0/32768.0
	dirR = prxLoRsq(dirR)
	if zero {
		dirR = 1
		dirX = 1
	}
	dirX *= dirR
	dirY *= dirR

	// Length from {0..2} to {0..1}, shaped by squaring.
	length *= 0.5
	length *= length
	// Stretch from 1 (axis aligned) to √2 (diagonal).
	stretch := (dirX*dirX + dirY*dirY) * prxLoRcp(gmax(abs32(dirX), abs32(dirY)))
	lenX := 1 + (stretch-1)*length
	lenY := 1 + -0.5*length
	// The window's negative lobe narrows from ±√2 to just past ±2 on edges.
	lob := 0.5 + float32((1.0/4.0-0.04)-0.5)*length
	clp := prxLoRcp(lob)

	// Offsets of the tap columns (−1 … 2) and rows (−1 … 2) from the sample,
	// and their products with the direction, shared by the 12 taps.
	ox := [4]float32{-1 - ppx, 0 - ppx, 1 - ppx, 2 - ppx}
	oy := [4]float32{-1 - ppy, 0 - ppy, 1 - ppy, 2 - ppy}
	var xc, xs, yc, ys [4]float32
	for i := range ox {
		xc[i], xs[i] = ox[i]*dirX, ox[i]*dirY
		yc[i], ys[i] = oy[i]*dirX, oy[i]*dirY
	}
	// FsrEasuTapF for each tap, in the shader's order b c i j f e k l h g o n:
	// rotate the offset by the direction, stretch it, clip and window it.
	t := func(i, j int) float32 { return easuTap((xc[i]+ys[j])*lenX, (yc[j]-xs[i])*lenY, lob, clp) }
	*w = [12]float32{t(1, 0), t(2, 0), t(0, 2), t(1, 2), t(1, 1), t(0, 1), t(2, 2), t(3, 2), t(3, 1), t(2, 1), t(2, 3), t(1, 3)}
}

// easuTap is the weight of a tap at rotated, stretched offset (vx, vy):
// (25/16·(2/5·d²−1)² − (25/16−1)) · (lob·d²−1)² with d² clipped at clp.
// vy is ox·(−dirY) + oy·dirX computed as oy·dirX − ox·dirY, which IEEE
// arithmetic makes identical.
func easuTap(vx, vy, lob, clp float32) float32 {
	d2 := min(vx*vx+vy*vy, clp)
	wB := float32(2.0/5.0)*d2 - 1
	wA := lob*d2 - 1
	wB *= wB
	wA *= wA
	return (float32(25.0/16.0)*wB - float32(25.0/16.0-1.0)) * wA
}

// rcasLimit is FSR_RCAS_LIMIT, the most negative lobe weight RCAS allows.
const rcasLimit = 0.25 - 1.0/16.0

// RCAS sharpens src into dst (same size) with FSR 1's Robust Contrast
// Adaptive Sharpening (FsrRcasF). sharpness is in stops (0 = strongest);
// denoise enables FSR_RCAS_DENOISE. Edges are clamped. Alpha passes through.
func RCAS(ctx context.Context, dst, src *raster.Image, sharpness float64, denoise bool) error {
	return rcas(ctx, dst, src, sharpness, denoise, fsrKernels())
}

// rcasSharpness validates sharpness in stops and returns FsrRcasCon's
// linear scale.
func rcasSharpness(sharpness float64) (float32, error) {
	if math.IsNaN(sharpness) || sharpness < 0 {
		return 0, fmt.Errorf("rcas: sharpness %g stops must be >= 0", sharpness)
	}
	return float32(math.Exp2(-sharpness)), nil
}

// rcas is RCAS with the vector kernels k, or the scalar code when k is nil.
func rcas(ctx context.Context, dst, src *raster.Image, sharpness float64, denoise bool, k *fsrSIMD) error {
	if err := src.Check(); err != nil {
		return fmt.Errorf("rcas: source: %w", err)
	}
	if err := dst.Check(); err != nil {
		return fmt.Errorf("rcas: destination: %w", err)
	}
	if dst.Width != src.Width || dst.Height != src.Height || dst.Channels() != src.Channels() {
		return fmt.Errorf("rcas: destination %dx%dx%d differs from source %dx%dx%d",
			dst.Width, dst.Height, dst.Channels(), src.Width, src.Height, src.Channels())
	}
	sharp, err := rcasSharpness(sharpness)
	if err != nil {
		return err
	}
	w, h := src.Width, src.Height
	nc := src.ColourChannels()
	if src.HasAlpha() {
		copy(dst.Planes[len(dst.Planes)-1], src.Planes[len(src.Planes)-1])
	}
	return parallelRows(ctx, h, func(y0, y1 int) {
		r := rcasRow{sharp: sharp, denoise: denoise}
		r.up, r.mid, r.down, r.out = make([][]float32, nc), make([][]float32, nc), make([][]float32, nc), make([][]float32, nc)
		for y := y0; y < y1; y++ {
			u, m, d := clampInt(y-1, 0, h-1)*w, y*w, clampInt(y+1, 0, h-1)*w
			for c := range nc {
				p := src.Planes[c]
				r.up[c], r.mid[c], r.down[c] = p[u:u+w], p[m:m+w], p[d:d+w]
				r.out[c] = dst.Planes[c][m : m+w]
			}
			r.upOff, r.downOff = u-m, d-m
			r.run(k)
		}
	})
}

// rcasMinVectorWidth is the narrowest row the vector kernels take: one
// group of eight interior pixels.
const rcasMinVectorWidth = 10

// rcasRow is one output row of RCAS: the rows above, at and below it of
// each colour plane, and the output row.
type rcasRow struct {
	up, mid, down, out [][]float32
	// upOff and downOff are where up and down start relative to mid in
	// their planes, for the vector kernel.
	upOff, downOff int
	sharp          float32
	denoise        bool
}

// run computes the row with the vector kernels k where they apply: they
// take the columns whose neighbours need no clamping, the scalar code the
// two edge columns.
func (r *rcasRow) run(k *fsrSIMD) {
	w := len(r.mid[0])
	if k == nil || w < rcasMinVectorWidth {
		r.scalar(0, w)
		return
	}
	r.scalar(0, 1)
	k.rcasRow(r)
	r.scalar(w-1, w)
}

// scalar computes pixels [x0, x1) of the row.
func (r *rcasRow) scalar(x0, x1 int) {
	nc, w := len(r.mid), len(r.mid[0])
	for x := x0; x < x1; x++ {
		// Taps:   b
		//       d e f
		//         h
		xl, xr := max(x-1, 0), min(x+1, w-1)
		var lobe float32
		for c := range nc {
			b, dd, f, hh := r.up[c][x], r.mid[c][xl], r.mid[c][xr], r.down[c][x]
			mn4 := gmin(gmin(gmin(b, dd), f), hh)
			mx4 := gmax(gmax(gmax(b, dd), f), hh)
			// The limiters need full-precision reciprocals.
			hitMin := mn4 * (1 / (4 * mx4))
			hitMax := (1 - mx4) * (1 / (4*mn4 - 4))
			if lc := gmax(-hitMin, hitMax); c == 0 {
				lobe = lc
			} else {
				lobe = gmax(lobe, lc)
			}
		}
		lobe = gmax(-rcasLimit, gmin(lobe, 0)) * r.sharp
		if r.denoise {
			lb, ld, le, lf, lh := lumaAt(r.up, x), lumaAt(r.mid, xl), lumaAt(r.mid, x), lumaAt(r.mid, xr), lumaAt(r.down, x)
			nz := 0.25*lb + 0.25*ld + 0.25*lf + 0.25*lh - le
			rng := gmax(gmax(gmax(gmax(lb, ld), le), lf), lh) - gmin(gmin(gmin(gmin(lb, ld), le), lf), lh)
			nz = sat(abs32(nz) * prxMedRcp(rng))
			nz = -0.5*nz + 1
			lobe *= nz
		}
		// The resolve uses the medium-precision reciprocal, as in the shader.
		rcpL := prxMedRcp(4*lobe + 1)
		for c := range nc {
			r.out[c][x] = (lobe*r.up[c][x] + lobe*r.mid[c][xl] + lobe*r.down[c][x] + lobe*r.mid[c][xr] + r.mid[c][x]) * rcpL
		}
	}
}

// fsrSIMD is a set of vector kernels for EASU and RCAS rows (see
// fsrKernels); a nil *fsrSIMD stands for the portable scalar code. The
// kernels give the scalar code's results bit for bit.
type fsrSIMD struct {
	// easuGroups returns p's column table for easuRow, or nil when the
	// image does not suit the kernel (too narrow, or shrinking).
	easuGroups func(p *easuPlan) []int32
	// easuAnaRow computes easuPlus for one row of aw ≥ 8 analysis texels
	// from three rows of widened lumas (see easuWork), writing the four
	// results plane floats apart from out.
	easuAnaRow func(out []float32, plane int, up, mid, down []float32, aw int)
	// easuRow computes output row y into out; it returns its weight buffer
	// for reuse.
	easuRow func(w *easuWork, y int, out [][]float32, weights []float32) []float32
	// rcasRow computes pixels 1 … w−2 of a row at least
	// rcasMinVectorWidth wide.
	rcasRow func(r *rcasRow)
}

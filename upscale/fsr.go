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

// Upscale runs EASU into dst (via a scratch image when RCAS follows) and RCAS.
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
	mid := raster.New(dst.Width, dst.Height, dst.Channels())
	if err := EASU(ctx, mid, src); err != nil {
		return fmt.Errorf("upscale fsr1: %w", err)
	}
	if err := RCAS(ctx, dst, mid, f.Sharpness, f.Denoise); err != nil {
		return fmt.Errorf("upscale fsr1: %w", err)
	}
	return nil
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

// lumaPlane returns EASU's and RCAS's "luma times two", B/2 + (R/2 + G),
// for every source pixel (2·v for grey images).
func lumaPlane(m *raster.Image) []float32 {
	l := make([]float32, m.Width*m.Height)
	if m.ColourChannels() < 3 {
		for i, v := range m.Planes[0] {
			l[i] = 2 * v
		}
		return l
	}
	r, g, b := m.Planes[0], m.Planes[1], m.Planes[2]
	for i := range l {
		l[i] = b[i]*0.5 + (r[i]*0.5 + g[i])
	}
	return l
}

// easuPlus is FsrEasuSetF's per-texel part: from the '+' of lumas a (up),
// b (left), c (centre), d (right), e (down) it returns the gradient
// (dirX, dirY) and the squared, shaped edge lengths along x and y. The
// shader recomputes these for each of the four texels around every output
// pixel and then weights them bilinearly; they depend on the texel alone, so
// EASU computes them once per texel and keeps the shader's accumulation
// order, which gives the same float32 results.
func easuPlus(lA, lB, lC, lD, lE float32) [4]float32 {
	dc := lD - lC
	cb := lC - lB
	lenX := gmax(abs32(dc), abs32(cb))
	lenX = prxLoRcp(lenX)
	dirX := lD - lB
	lenX = sat(abs32(dirX) * lenX)
	lenX *= lenX

	ec := lE - lC
	ca := lC - lA
	lenY := gmax(abs32(ec), abs32(ca))
	lenY = prxLoRcp(lenY)
	dirY := lE - lA
	lenY = sat(abs32(dirY) * lenY)
	lenY *= lenY
	return [4]float32{dirX, dirY, lenX, lenY}
}

// easuAnalysis returns easuPlus for every texel of the source extended by
// one texel on each side (output pixels near the border have 'f' at −1 or
// 'k' at the width), from clamped lumas as a clamp-to-edge sampler gives.
// Texel (x, y) is at index (y+1)·(w+2) + x+1.
func easuAnalysis(ctx context.Context, luma []float32, w, h int) ([][4]float32, error) {
	aw, ah := w+2, h+2
	ana := make([][4]float32, aw*ah)
	at := func(x, y int) float32 { return luma[clampInt(y, 0, h-1)*w+clampInt(x, 0, w-1)] }
	err := parallelRows(ctx, ah, func(y0, y1 int) {
		for ay := y0; ay < y1; ay++ {
			y := ay - 1
			for ax := 0; ax < aw; ax++ {
				x := ax - 1
				ana[ay*aw+ax] = easuPlus(at(x, y-1), at(x-1, y), at(x, y), at(x+1, y), at(x, y+1))
			}
		}
	})
	return ana, err
}

// EASU upscales src into dst with FSR 1's Edge Adaptive Spatial Upsampling
// (FsrEasuF with FsrEasuCon's constants for a full-image viewport). dst must
// be at least src's size; src's values should be perceptual in [0,1].
func EASU(ctx context.Context, dst, src *raster.Image) error {
	if err := src.Check(); err != nil {
		return fmt.Errorf("easu: source: %w", err)
	}
	if err := dst.Check(); err != nil {
		return fmt.Errorf("easu: destination: %w", err)
	}
	if dst.Channels() != src.Channels() {
		return fmt.Errorf("easu: destination has %d planes, source %d", dst.Channels(), src.Channels())
	}
	sw, sh, dw, dh := src.Width, src.Height, dst.Width, dst.Height
	ana, err := easuAnalysis(ctx, lumaPlane(src), sw, sh)
	if err != nil {
		return err
	}
	aw := sw + 2

	// FsrEasuCon: output pixel → input position of 'f' plus fraction.
	scaleX := float32(sw) * (1 / float32(dw))
	scaleY := float32(sh) * (1 / float32(dh))
	offX := float32(0.5)*float32(sw)*(1/float32(dw)) - 0.5
	offY := float32(0.5)*float32(sh)*(1/float32(dh)) - 0.5

	// Per column: the fraction, 'f', and the four clamped columns f-1 … f+2.
	type column struct {
		pp   float32
		f    int
		cols [4]int
	}
	cols := make([]column, dw)
	for x := range cols {
		p := float32(x)*scaleX + offX
		fp := float32(math.Floor(float64(p)))
		c := column{pp: p - fp, f: int(fp)}
		for k := range c.cols {
			c.cols[k] = clampInt(c.f-1+k, 0, sw-1)
		}
		cols[x] = c
	}

	return parallelRows(ctx, dh, func(y0, y1 int) {
		var (
			w    [12]float32
			rows [4]int
		)
		for y := y0; y < y1; y++ {
			p := float32(y)*scaleY + offY
			fp := float32(math.Floor(float64(p)))
			ppy := p - fp
			fy := int(fp)
			for k := range rows {
				rows[k] = clampInt(fy-1+k, 0, sh-1) * sw
			}
			arow := (fy + 1) * aw
			for x := 0; x < dw; x++ {
				c := &cols[x]
				ppx := c.pp
				a := arow + c.f + 1
				aF, aG, aJ, aK := &ana[a], &ana[a+1], &ana[a+aw], &ana[a+aw+1]

				// Bilinear accumulation of the four texels' analyses, in the
				// shader's order (S = f, T = g, U = j, V = k).
				wS, wT, wU, wV := (1-ppx)*(1-ppy), ppx*(1-ppy), (1-ppx)*ppy, ppx*ppy
				var dirX, dirY, length float32
				dirX += aF[0] * wS
				dirY += aF[1] * wS
				length += aF[2] * wS
				length += aF[3] * wS
				dirX += aG[0] * wT
				dirY += aG[1] * wT
				length += aG[2] * wT
				length += aG[3] * wT
				dirX += aJ[0] * wU
				dirY += aJ[1] * wU
				length += aJ[2] * wU
				length += aJ[3] * wU
				dirX += aK[0] * wV
				dirY += aK[1] * wV
				length += aK[2] * wV
				length += aK[3] * wV
				easuKernel(&w, dirX, dirY, length, ppx, ppy)

				r0, r1, r2, r3 := rows[0], rows[1], rows[2], rows[3]
				c0, c1, c2, c3 := c.cols[0], c.cols[1], c.cols[2], c.cols[3]
				// Taps in the shader's accumulation order b c i j f e k l h g o n.
				iB, iC, iI, iJ := r0+c1, r0+c2, r2+c0, r2+c1
				iF, iE, iK, iL := r1+c1, r1+c0, r2+c2, r2+c3
				iH, iG, iO, iN := r1+c3, r1+c2, r3+c2, r3+c1
				aW := w[0]
				for _, v := range w[1:] {
					aW += v
				}
				rcpW := 1 / aW
				o := y*dw + x
				for pi, pl := range src.Planes {
					pl = pl[:sw*sh]
					aC := pl[iB] * w[0]
					aC += pl[iC] * w[1]
					aC += pl[iI] * w[2]
					aC += pl[iJ] * w[3]
					aC += pl[iF] * w[4]
					aC += pl[iE] * w[5]
					aC += pl[iK] * w[6]
					aC += pl[iL] * w[7]
					aC += pl[iH] * w[8]
					aC += pl[iG] * w[9]
					aC += pl[iO] * w[10]
					aC += pl[iN] * w[11]
					vf, vg, vj, vk := pl[iF], pl[iG], pl[iJ], pl[iK]
					mn := gmin(gmin(gmin(vf, vg), vj), vk)
					mx := gmax(gmax(gmax(vf, vg), vj), vk)
					dst.Planes[pi][o] = gmin(mx, gmax(mn, aC*rcpW))
				}
			}
		}
	})
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
	if math.IsNaN(sharpness) || sharpness < 0 {
		return fmt.Errorf("rcas: sharpness %g stops must be >= 0", sharpness)
	}
	sharp := float32(math.Exp2(-sharpness)) // FsrRcasCon
	w, h := src.Width, src.Height
	nc := src.ColourChannels()
	var luma []float32
	if denoise {
		luma = lumaPlane(src)
	}
	if src.HasAlpha() {
		copy(dst.Planes[len(dst.Planes)-1], src.Planes[len(src.Planes)-1])
	}
	return parallelRows(ctx, h, func(y0, y1 int) {
		// Row slices of the cross's three rows and the output, per colour plane.
		var up, mid, down, out [3][]float32
		var lUp, lMid, lDown []float32
		for y := y0; y < y1; y++ {
			u, m, d := clampInt(y-1, 0, h-1)*w, y*w, clampInt(y+1, 0, h-1)*w
			for c := 0; c < nc; c++ {
				p := src.Planes[c]
				up[c], mid[c], down[c] = p[u:u+w], p[m:m+w], p[d:d+w]
				out[c] = dst.Planes[c][m : m+w]
			}
			if denoise {
				lUp, lMid, lDown = luma[u:u+w], luma[m:m+w], luma[d:d+w]
			}
			for x := 0; x < w; x++ {
				// Taps:   b
				//       d e f
				//         h
				xl, xr := x-1, x+1
				if xl < 0 {
					xl = 0
				}
				if xr >= w {
					xr = w - 1
				}
				var lobe float32
				for c := 0; c < nc; c++ {
					b, dd, f, hh := up[c][x], mid[c][xl], mid[c][xr], down[c][x]
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
				lobe = gmax(-rcasLimit, gmin(lobe, 0)) * sharp
				if denoise {
					lb, ld, le, lf, lh := lUp[x], lMid[xl], lMid[x], lMid[xr], lDown[x]
					nz := 0.25*lb + 0.25*ld + 0.25*lf + 0.25*lh - le
					rng := gmax(gmax(gmax(gmax(lb, ld), le), lf), lh) - gmin(gmin(gmin(gmin(lb, ld), le), lf), lh)
					nz = sat(abs32(nz) * prxMedRcp(rng))
					nz = -0.5*nz + 1
					lobe *= nz
				}
				// The resolve uses the medium-precision reciprocal, as in the shader.
				rcpL := prxMedRcp(4*lobe + 1)
				for c := 0; c < nc; c++ {
					out[c][x] = (lobe*up[c][x] + lobe*mid[c][xl] + lobe*down[c][x] + lobe*mid[c][xr] + mid[c][x]) * rcpL
				}
			}
		}
	})
}

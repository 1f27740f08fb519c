package upscale

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// NIS is NVIDIA Image Scaling's NVScaler (NIS_Scaler.h, SDK v1.0.3, SDR
// mode, float32): luma is upscaled by a 6-tap, 64-phase filter blended with
// four directional filters (0°, 90°, 45°, 135°) according to a per-pixel
// edge map, each branch adding a luma-ramped, limited unsharp mask whose
// ringing is damped by a local-contrast test; colour comes from a bilinear
// tap shifted to the new luma.
//
// Input should be display-encoded colour in [0,1] (NVIDIA's LDR mode); see
// [ResizePerceptual]. NVIDIA's configuration accepts scale factors from 1 to
// 2 per axis. Grey images use the grey plane as luma; alpha is bilinear.
type NIS struct {
	cfg nisConfig
}

// nisConfig holds NVScalerUpdateConfig's sharpness-dependent constants.
type nisConfig struct {
	detectRatio, detectThres         float32
	minContrastRatio, ratioNorm      float32
	contrastBoost, eps               float32
	sharpStartY, sharpScaleY         float32
	sharpStrengthMin, sharpStrengthS float32
	sharpLimitMin, sharpLimitScale   float32
}

// NewNIS returns NVScaler configured for sharpness in [0,1] (clamped, as
// NVScalerUpdateConfig does): 0 gives the weakest sharpening, 1 the strongest.
func NewNIS(sharpness float64) *NIS {
	s := float32(math.Max(0, math.Min(1, sharpness)))
	slider := s - 0.5
	maxScale, minScale, limitScale := float32(1.25), float32(1.25), float32(1.25)
	if slider < 0 {
		maxScale, minScale, limitScale = 1.75, 1.0, 1.0
	}
	const (
		minContrast = 2.0
		maxContrast = 10.0
		startY      = 0.45
		endY        = 0.9
	)
	strengthMin := max(0, 0.4+slider*minScale*1.2)
	strengthMax := 1.6 + slider*maxScale*1.8
	limitMin := max(0.1, 0.14+slider*limitScale*0.32)
	limitMax := 0.5 + slider*limitScale*0.6
	return &NIS{cfg: nisConfig{
		detectRatio:      2 * 1127.0 / 1024.0,
		detectThres:      64.0 / 1024.0,
		minContrastRatio: minContrast,
		ratioNorm:        1 / float32(maxContrast-minContrast),
		contrastBoost:    1,
		eps:              1.0 / 255.0,
		sharpStartY:      startY,
		sharpScaleY:      1 / float32(endY-startY),
		sharpStrengthMin: strengthMin,
		sharpStrengthS:   strengthMax - strengthMin,
		sharpLimitMin:    limitMin,
		sharpLimitScale:  limitMax - limitMin,
	}}
}

// Name reports "nis".
func (n *NIS) Name() string { return "nis" }

// MaxScale is 2: NVScalerUpdateConfig rejects input/output ratios below 0.5.
func (n *NIS) MaxScale() float64 { return 2 }

func lerp(a, b, t float32) float32 { return a + t*(b-a) }

// edgeMap is GetEdgeMap on the 3×3 lumas around a pixel: the weights of the
// 0°, 90°, 45° and 135° filters.
func (c *nisConfig) edgeMap(p *[3][3]float32) [4]float32 {
	g0 := abs32(p[0][0] + p[0][1] + p[0][2] - p[2][0] - p[2][1] - p[2][2])
	g45 := abs32(p[1][0] + p[0][0] + p[0][1] - p[2][1] - p[2][2] - p[1][2])
	g90 := abs32(p[0][0] + p[1][0] + p[2][0] - p[0][2] - p[1][2] - p[2][2])
	g135 := abs32(p[1][0] + p[2][0] + p[2][1] - p[0][1] - p[0][2] - p[1][2])

	g090max, g090min := max(g0, g90), min(g0, g90)
	g45135max, g45135min := max(g45, g135), min(g45, g135)

	var e090, e45135 float32
	if g090max+g45135max != 0 {
		e090 = min(g090max/(g090max+g45135max), 1)
		e45135 = 1 - e090
	}

	var e0, e90, e45, e135 float32
	if g090max > g090min*c.detectRatio && g090max > c.detectThres && g090max > g45135min {
		if g090max == g0 {
			e0 = 1
		} else {
			e90 = 1
		}
	}
	if g45135max > g45135min*c.detectRatio && g45135max > c.detectThres && g45135max > g090min {
		if g45135max == g45 {
			e45 = 1
		} else {
			e135 = 1
		}
	}
	switch n := e0 + e90 + e45 + e135; {
	case n >= 2:
		var w [4]float32
		if e0 == 1 {
			w[0] = e090
		} else {
			w[1] = e090
		}
		if e45 == 1 {
			w[2] = e45135
		} else {
			w[3] = e45135
		}
		return w
	case n >= 1:
		return [4]float32{e0, e90, e45, e135}
	}
	return [4]float32{}
}

// lti is CalcLTI: a factor in [0,1] that removes the unsharp mask where one
// side of the sample has much more contrast than the other (ringing).
func (c *nisConfig) lti(p *[6]float32, phase int) float32 {
	sel := phase <= nisPhaseCount/2
	s := p[3]
	if sel {
		s = p[0]
	}
	aMin, aMax := min(min(p[1], p[2]), s), max(max(p[1], p[2]), s)
	s = p[5]
	if sel {
		s = p[2]
	}
	bMin, bMax := min(min(p[3], p[4]), s), max(max(p[3], p[4]), s)
	aCont, bCont := aMax-aMin, bMax-bMin
	ratio := max(aCont, bCont) / (min(aCont, bCont) + c.eps)
	return (1 - sat((ratio-c.minContrastRatio)*c.ratioNorm)) * c.contrastBoost
}

// evalPoly6 is EvalPoly6: the scaler tap plus the limited, luma-ramped
// unsharp mask at one phase.
func (c *nisConfig) evalPoly6(p *[6]float32, phase int) float32 {
	cs, cu := &nisCoefScale[phase], &nisCoefUSM[phase]
	var y, usm float32
	for i := 0; i < 6; i++ {
		y += cs[i] * p[i]
	}
	for i := 0; i < 6; i++ {
		usm += cu[i] * p[i]
	}
	yScale := 1 - sat((y-c.sharpStartY)*c.sharpScaleY)
	usm *= yScale*c.sharpStrengthS + c.sharpStrengthMin
	limit := (yScale*c.sharpLimitScale + c.sharpLimitMin) * y
	usm = min(limit, max(-limit, usm))
	usm *= c.lti(p, phase)
	return y + usm
}

// dirFilters is GetDirFilters: the four directional interpolations of the
// 6×6 luma block p at fraction (fx, fy) past p[2][2].
func (c *nisConfig) dirFilters(p *[6][6]float32, fx, fy float32, fxi, fyi int) [4]float32 {
	var f [4]float32
	var v [6]float32
	for i := 0; i < 6; i++ {
		v[i] = lerp(p[i][2], p[i][3], fx)
	}
	f[0] = c.evalPoly6(&v, fyi)
	for i := 0; i < 6; i++ {
		v[i] = lerp(p[2][i], p[3][i], fy)
	}
	f[1] = c.evalPoly6(&v, fxi)

	var t [7]float32
	b45 := 0.5 + 0.5*(fx-fy)
	t[1] = lerp(p[2][1], p[1][2], b45)
	t[3] = lerp(p[3][2], p[2][3], b45)
	t[5] = lerp(p[4][3], p[3][4], b45)
	b45 -= 0.5
	a, b, cc, d := p[2][0], p[3][1], p[4][2], p[5][3]
	if b45 >= 0 {
		a, b, cc, d = p[0][2], p[1][3], p[2][4], p[3][5]
	}
	ab := abs32(b45)
	t[0] = lerp(p[1][1], a, ab)
	t[2] = lerp(p[2][2], b, ab)
	t[4] = lerp(p[3][3], cc, ab)
	t[6] = lerp(p[4][4], d, ab)
	p45 := fx + fy
	if p45 >= 1 {
		copy(v[:], t[1:7])
		p45--
	} else {
		copy(v[:], t[0:6])
	}
	f[2] = c.evalPoly6(&v, int(p45*64))

	b135 := 0.5 * (fx + fy)
	t[1] = lerp(p[3][1], p[4][2], b135)
	t[3] = lerp(p[2][2], p[3][3], b135)
	t[5] = lerp(p[1][3], p[2][4], b135)
	b135 -= 0.5
	a, b, cc, d = p[3][0], p[2][1], p[1][2], p[0][3]
	if b135 >= 0 {
		a, b, cc, d = p[5][2], p[4][3], p[3][4], p[2][5]
	}
	ab = abs32(b135)
	t[0] = lerp(p[4][1], a, ab)
	t[2] = lerp(p[3][2], b, ab)
	t[4] = lerp(p[2][3], cc, ab)
	t[6] = lerp(p[1][4], d, ab)
	p135 := 1 + (fx - fy)
	if p135 >= 1 {
		copy(v[:], t[1:7])
		p135--
	} else {
		copy(v[:], t[0:6])
	}
	f[3] = c.evalPoly6(&v, int(p135*64))
	return f
}

// Upscale runs NVScaler over every output pixel.
func (n *NIS) Upscale(ctx context.Context, dst, src *raster.Image) error {
	if err := checkArgs(n, dst, src); err != nil {
		return err
	}
	c := &n.cfg
	sw, sh, dw, dh := src.Width, src.Height, dst.Width, dst.Height
	nc := src.ColourChannels()

	// getY on the input: BT.709 weights on the encoded values.
	luma := src.Planes[0]
	if nc == 3 {
		luma = make([]float32, sw*sh)
		r, g, b := src.Planes[0], src.Planes[1], src.Planes[2]
		for i := range luma {
			luma[i] = 0.2126*r[i] + 0.7152*g[i] + 0.0722*b[i]
		}
	}
	lumaAt := func(x, y int) float32 { return luma[clampInt(y, 0, sh-1)*sw+clampInt(x, 0, sw-1)] }

	// The edge map covers one pixel beyond each side, computed from clamped
	// lumas as the shader's tile is.
	ew, eh := sw+2, sh+2
	edges := make([][4]float32, ew*eh)
	if err := parallelRows(ctx, eh, func(y0, y1 int) {
		var p [3][3]float32
		for ey := y0; ey < y1; ey++ {
			for ex := 0; ex < ew; ex++ {
				for i := 0; i < 3; i++ {
					for j := 0; j < 3; j++ {
						p[i][j] = lumaAt(ex-2+j, ey-2+i)
					}
				}
				edges[ey*ew+ex] = c.edgeMap(&p)
			}
		}
	}); err != nil {
		return fmt.Errorf("upscale nis: %w", err)
	}

	scaleX := float32(sw) / float32(dw)
	scaleY := float32(sh) / float32(dh)
	type col struct {
		x0   int // floor of the source position
		fx   float32
		fxi  int
		cidx [6]int // clamped columns x0-2 … x0+3
	}
	cols := make([]col, dw)
	for x := range cols {
		sx := (0.5+float32(x))*scaleX - 0.5
		fl := float32(math.Floor(float64(sx)))
		c := col{x0: int(fl), fx: sx - fl, fxi: int((sx - fl) * nisPhaseCount)}
		for j := range c.cidx {
			c.cidx[j] = clampInt(c.x0-2+j, 0, sw-1)
		}
		cols[x] = c
	}

	err := parallelRows(ctx, dh, func(y0, y1 int) {
		var p [6][6]float32
		for y := y0; y < y1; y++ {
			sy := (0.5+float32(y))*scaleY - 0.5
			fl := float32(math.Floor(float64(sy)))
			py0, fy := int(fl), sy-fl
			fyi := int(fy * nisPhaseCount)
			var rows [6][]float32
			for i := range rows {
				r := clampInt(py0-2+i, 0, sh-1) * sw
				rows[i] = luma[r : r+sw]
			}
			r0, r1 := clampInt(py0, 0, sh-1)*sw, clampInt(py0+1, 0, sh-1)*sw
			for x := 0; x < dw; x++ {
				cx := &cols[x]
				cidx := &cx.cidx
				for i, row := range rows {
					p[i] = [6]float32{row[cidx[0]], row[cidx[1]], row[cidx[2]], row[cidx[3]], row[cidx[4]], row[cidx[5]]}
				}
				fx, fxi := cx.fx, cx.fxi

				// FilterNormal: the separable 6-tap scaler.
				var normal float32
				cy, cxx := &nisCoefScale[fyi], &nisCoefScale[fxi]
				for j := 0; j < 6; j++ {
					var acc float32
					for i := 0; i < 6; i++ {
						acc += p[i][j] * cy[i]
					}
					normal += acc * cxx[j]
				}
				dir := c.dirFilters(&p, fx, fy, fxi, fyi)

				// Edge weights, bilinear over the 2×2 pixels around the sample.
				e := (py0+1)*ew + cx.x0 + 1
				e00, e01, e10, e11 := &edges[e], &edges[e+1], &edges[e+ew], &edges[e+ew+1]
				var w [4]float32
				for k := 0; k < 4; k++ {
					w[k] = lerp(lerp(e00[k], e01[k], fx), lerp(e10[k], e11[k], fx), fy)
				}
				opY := dir[0]*w[0] + dir[1]*w[1] + dir[2]*w[2] + dir[3]*w[3] + normal*(1-w[0]-w[1]-w[2]-w[3])

				// Bilinear colour, shifted so that its luma becomes opY.
				xa, xb := cidx[2], cidx[3]
				o := y*dw + x
				var bil [4]float32
				for pi, pl := range src.Planes {
					bil[pi] = lerp(lerp(pl[r0+xa], pl[r0+xb], fx), lerp(pl[r1+xa], pl[r1+xb], fx), fy)
				}
				var corr float32
				if nc == 3 {
					corr = opY - (0.2126*bil[0] + 0.7152*bil[1] + 0.0722*bil[2])
				} else {
					corr = opY - bil[0]
				}
				for pi := range src.Planes {
					v := bil[pi]
					if pi < nc {
						v += corr
					}
					dst.Planes[pi][o] = v
				}
			}
		}
	})
	if err != nil {
		return fmt.Errorf("upscale nis: %w", err)
	}
	return nil
}

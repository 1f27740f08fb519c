package temporal

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// SVGF denoises path-traced frames with spatiotemporal variance-guided
// filtering (Schied et al. 2017): the illumination (colour divided by
// albedo) is accumulated over time along the motion vectors where depth and
// normal agree, together with its first two moments; the variance they give
// (or a spatial estimate while the history is short) steers five à-trous
// wavelet passes (5×5 B3-spline taps at steps 1, 2, 4, 8, 16) whose weights
// stop at depth, normal and luminance edges. The first pass's output is the
// next frame's history; the result is multiplied back by the albedo.
type SVGF struct {
	w, h           int
	illum          [3][]float32 // history illumination
	m1, m2, length []float32
	prevDepth      []float32
	prevNormal     [3][]float32
	valid          bool
}

// svgf parameters from the paper: σz = 1, σn = 128, σl = 4; history blend
// floor 0.2.
const (
	svgfSigmaZ  = 1
	svgfSigmaN  = 128
	svgfSigmaL  = 4
	svgfAlpha   = 0.2
	svgfPasses  = 5
	svgfMinHist = 4 // below this history length variance is estimated spatially
)

// NewSVGF returns a denoiser for w×h frames.
func NewSVGF(w, h int) (*SVGF, error) {
	if w < 1 || h < 1 || w > render.MaxDim || h > render.MaxDim {
		return nil, fmt.Errorf("svgf: size %dx%d outside 1..%d", w, h, render.MaxDim)
	}
	f := &SVGF{w: w, h: h, m1: make([]float32, w*h), m2: make([]float32, w*h), length: make([]float32, w*h), prevDepth: make([]float32, w*h)}
	for k := 0; k < 3; k++ {
		f.illum[k], f.prevNormal[k] = make([]float32, w*h), make([]float32, w*h)
	}
	return f, nil
}

// Reset drops the history.
func (f *SVGF) Reset() { f.valid = false }

// Process denoises the next frame of a sequence.
func (f *SVGF) Process(ctx context.Context, p *render.PathFrame) (*raster.Image, error) {
	if p == nil || p.Color == nil || p.Albedo == nil || p.Normal == nil || p.Depth == nil || p.Motion == nil {
		return nil, fmt.Errorf("svgf: frame needs colour, albedo, normal, depth and motion")
	}
	for _, b := range []struct {
		name string
		m    *raster.Image
		ch   int
	}{{"colour", p.Color, 3}, {"albedo", p.Albedo, 3}, {"normal", p.Normal, 3}, {"depth", p.Depth, 1}, {"motion", p.Motion, 2}} {
		if b.m.Width != f.w || b.m.Height != f.h || len(b.m.Planes) < b.ch {
			return nil, fmt.Errorf("svgf: frame %d: %s is %dx%d with %d planes, want %dx%d with %d", p.Index, b.name, b.m.Width, b.m.Height, len(b.m.Planes), f.w, f.h, b.ch)
		}
	}
	w, h, n := f.w, f.h, f.w*f.h
	depth, nrm := p.Depth.Planes[0], [3][]float32{p.Normal.Planes[0], p.Normal.Planes[1], p.Normal.Planes[2]}
	var cur, acc [3][]float32
	for k := 0; k < 3; k++ {
		cur[k], acc[k] = make([]float32, n), make([]float32, n)
		for i := range cur[k] {
			cur[k][i] = p.Color.Planes[k][i] / max(p.Albedo.Planes[k][i], 1e-3)
		}
	}
	m1, m2, length, variance := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	// Depth gradient per pixel, for the depth edge-stopping weight.
	grad := make([]float32, n)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			gx := abs32(depth[y*w+min(x+1, w-1)] - depth[i])
			gy := abs32(depth[min(y+1, h-1)*w+x] - depth[i])
			grad[i] = max(gx, gy)
		}
	}
	// Temporal accumulation.
	err := rows(ctx, h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				i := y*w + x
				l := luma(cur[0][i], cur[1][i], cur[2][i])
				px := float32(x) + 0.5 - p.Motion.Planes[0][i]
				py := float32(y) + 0.5 - p.Motion.Planes[1][i]
				var hc [3]float32
				var hm1, hm2, hl, wsum float32
				if f.valid {
					fx, fy := px-0.5, py-0.5
					ix, iy := int(math.Floor(float64(fx))), int(math.Floor(float64(fy)))
					tx, ty := fx-float32(ix), fy-float32(iy)
					for dy := 0; dy <= 1; dy++ {
						for dx := 0; dx <= 1; dx++ {
							xx, yy := ix+dx, iy+dy
							if xx < 0 || yy < 0 || xx >= w || yy >= h {
								continue
							}
							j := yy*w + xx
							if abs32(f.prevDepth[j]-depth[i]) > 0.1*depth[i] ||
								f.prevNormal[0][j]*nrm[0][i]+f.prevNormal[1][j]*nrm[1][i]+f.prevNormal[2][j]*nrm[2][i] < 0.9 {
								continue
							}
							wt := (1 - abs32(float32(dx)-tx)) * (1 - abs32(float32(dy)-ty))
							for k := 0; k < 3; k++ {
								hc[k] += wt * f.illum[k][j]
							}
							hm1 += wt * f.m1[j]
							hm2 += wt * f.m2[j]
							hl += wt * f.length[j]
							wsum += wt
						}
					}
				}
				if wsum > 1e-3 {
					hist := hl/wsum + 1
					a := max(svgfAlpha, 1/hist)
					for k := 0; k < 3; k++ {
						acc[k][i] = hc[k]/wsum + a*(cur[k][i]-hc[k]/wsum)
					}
					m1[i] = hm1/wsum + a*(l-hm1/wsum)
					m2[i] = hm2/wsum + a*(l*l-hm2/wsum)
					length[i] = min(hist, 32)
				} else {
					for k := 0; k < 3; k++ {
						acc[k][i] = cur[k][i]
					}
					m1[i], m2[i], length[i] = l, l*l, 1
				}
				variance[i] = max(0, m2[i]-m1[i]*m1[i])
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// Spatial variance where the history is short: 7×7 moments with depth
	// and normal weights.
	err = rows(ctx, h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				i := y*w + x
				if length[i] >= svgfMinHist {
					continue
				}
				var s1, s2, ws float32
				for dy := -3; dy <= 3; dy++ {
					for dx := -3; dx <= 3; dx++ {
						xx, yy := x+dx, y+dy
						if xx < 0 || yy < 0 || xx >= w || yy >= h {
							continue
						}
						j := yy*w + xx
						wt := edgeWeight(depth, nrm, grad, i, j, float32(math.Hypot(float64(dx), float64(dy))))
						l := luma(acc[0][j], acc[1][j], acc[2][j])
						s1 += wt * l
						s2 += wt * l * l
						ws += wt
					}
				}
				s1, s2 = s1/ws, s2/ws
				variance[i] = max(0, s2-s1*s1) * 4 / length[i]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// À-trous passes.
	kern := [5]float32{1.0 / 16, 1.0 / 4, 3.0 / 8, 1.0 / 4, 1.0 / 16}
	var next [3][]float32
	for k := 0; k < 3; k++ {
		next[k] = make([]float32, n)
	}
	nextVar := make([]float32, n)
	for pass := 0; pass < svgfPasses; pass++ {
		step := 1 << pass
		err = rows(ctx, h, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				for x := 0; x < w; x++ {
					i := y*w + x
					// Variance prefiltered with a 3×3 Gaussian, as the
					// paper does, for a steadier luminance weight.
					var gv, gw float32
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							j := clampInt(y+dy, 0, h-1)*w + clampInt(x+dx, 0, w-1)
							wt := kern[dx+2] * kern[dy+2]
							gv += wt * variance[j]
							gw += wt
						}
					}
					sigma := svgfSigmaL*float32(math.Sqrt(float64(gv/gw))) + 1e-4
					li := luma(acc[0][i], acc[1][i], acc[2][i])
					var c [3]float32
					var v, ws float32
					for ky := 0; ky < 5; ky++ {
						yy := y + (ky-2)*step
						if yy < 0 || yy >= h {
							continue
						}
						for kx := 0; kx < 5; kx++ {
							xx := x + (kx-2)*step
							if xx < 0 || xx >= w {
								continue
							}
							j := yy*w + xx
							dist := float32(step) * float32(math.Hypot(float64(kx-2), float64(ky-2)))
							wt := kern[kx] * kern[ky] * edgeWeight(depth, nrm, grad, i, j, dist)
							if j != i {
								wt *= float32(math.Exp(float64(-abs32(luma(acc[0][j], acc[1][j], acc[2][j])-li) / sigma)))
							}
							for k := 0; k < 3; k++ {
								c[k] += wt * acc[k][j]
							}
							v += wt * wt * variance[j]
							ws += wt
						}
					}
					for k := 0; k < 3; k++ {
						next[k][i] = c[k] / ws
					}
					nextVar[i] = v / (ws * ws)
				}
			}
		})
		if err != nil {
			return nil, err
		}
		acc, next = next, acc
		variance, nextVar = nextVar, variance
		if pass == 0 {
			for k := 0; k < 3; k++ {
				copy(f.illum[k], acc[k])
			}
		}
	}
	copy(f.m1, m1)
	copy(f.m2, m2)
	copy(f.length, length)
	copy(f.prevDepth, depth)
	for k := 0; k < 3; k++ {
		copy(f.prevNormal[k], nrm[k])
	}
	f.valid = true
	out := raster.New(w, h, 3)
	for k := 0; k < 3; k++ {
		for i := range out.Planes[k] {
			out.Planes[k][i] = acc[k][i] * max(p.Albedo.Planes[k][i], 1e-3)
		}
	}
	return out, nil
}

// edgeWeight is SVGF's depth and normal edge-stopping weight between pixels
// i and j, dist pixels apart.
func edgeWeight(depth []float32, nrm [3][]float32, grad []float32, i, j int, dist float32) float32 {
	if i == j {
		return 1
	}
	wz := float32(math.Exp(float64(-abs32(depth[i]-depth[j]) / (svgfSigmaZ*grad[i]*dist + 1e-3*depth[i]))))
	d := nrm[0][i]*nrm[0][j] + nrm[1][i]*nrm[1][j] + nrm[2][i]*nrm[2][j]
	if d <= 0 {
		// Both sky (zero normals) or facing away.
		if nrm[0][i] == 0 && nrm[1][i] == 0 && nrm[2][i] == 0 && nrm[0][j] == 0 && nrm[1][j] == 0 && nrm[2][j] == 0 {
			return wz
		}
		return 0
	}
	return wz * float32(math.Pow(float64(d), svgfSigmaN))
}

// luma is Rec. 709 luminance of linear RGB.
func luma(r, g, b float32) float32 { return 0.2126*r + 0.7152*g + 0.0722*b }

package temporal

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/upscale"
)

// Method is a temporal reconstruction run over a sequence, frame by frame:
// Process takes the next frame and returns the output at display size.
type Method interface {
	Name() string
	Process(ctx context.Context, f *render.Frame) (*raster.Image, error)
	// Reset drops the history, as after a camera cut.
	Reset()
}

// DepthTolerance is the relative view-depth difference beyond which a
// reprojected history sample is taken for another surface (disocclusion).
const DepthTolerance = 0.05

// tonemap maps linear colour into [0,1) with the reversible Reinhard curve on
// the largest channel, so that highlights (up to a few units) do not dominate
// blending, clamping and filtering; untonemap inverts it.
func tonemap(r, g, b float32) (float32, float32, float32) {
	k := 1 / (1 + max(r, g, b, 0))
	return r * k, g * k, b * k
}

func untonemap(r, g, b float32) (float32, float32, float32) {
	k := 1 / max(1-max(r, g, b), 1e-4)
	return r * k, g * k, b * k
}

func toYCoCg(r, g, b float32) (float32, float32, float32) {
	return 0.25*r + 0.5*g + 0.25*b, 0.5*r - 0.5*b, -0.25*r + 0.5*g - 0.25*b
}

func fromYCoCg(y, co, cg float32) (float32, float32, float32) {
	return y + co - cg, y + cg, y - co - cg
}

// frameState is a frame's colour prepared for the methods: tonemapped YCoCg
// planes at render size.
type frameState struct {
	w, h      int
	y, co, cg []float32
	depth     []float32
	mx, my    []float32
	reactive  []float32
	jx, jy    float32
}

func prepare(f *render.Frame) (*frameState, error) {
	if f == nil || f.Color == nil || f.Depth == nil || f.Motion == nil || f.Reactive == nil {
		return nil, fmt.Errorf("frame is missing a buffer (colour, depth, motion and reactive are required)")
	}
	w, h := f.Color.Width, f.Color.Height
	for _, b := range []struct {
		name string
		m    *raster.Image
		ch   int
	}{{"colour", f.Color, 3}, {"depth", f.Depth, 1}, {"motion", f.Motion, 2}, {"reactive", f.Reactive, 1}} {
		if b.m.Width != w || b.m.Height != h {
			return nil, fmt.Errorf("frame %d: %s is %dx%d, colour is %dx%d", f.Index, b.name, b.m.Width, b.m.Height, w, h)
		}
		if len(b.m.Planes) < b.ch {
			return nil, fmt.Errorf("frame %d: %s has %d planes, need %d", f.Index, b.name, len(b.m.Planes), b.ch)
		}
	}
	s := &frameState{w: w, h: h, y: make([]float32, w*h), co: make([]float32, w*h), cg: make([]float32, w*h),
		depth: f.Depth.Planes[0], mx: f.Motion.Planes[0], my: f.Motion.Planes[1], reactive: f.Reactive.Planes[0],
		jx: float32(f.Jitter[0]), jy: float32(f.Jitter[1])}
	R, G, B := f.Color.Planes[0], f.Color.Planes[1], f.Color.Planes[2]
	for i := range s.y {
		r, g, b := tonemap(R[i], G[i], B[i])
		s.y[i], s.co[i], s.cg[i] = toYCoCg(r, g, b)
	}
	return s, nil
}

// nearestDepth returns the index of the nearest surface in the 3×3
// neighbourhood of render pixel (x, y): its motion vector is used for the
// pixel, so that thin foreground features keep their own motion
// (nearest-depth dilation).
func (s *frameState) nearestDepth(x, y int) int {
	best, bi := float32(math.Inf(1)), y*s.w+x
	for dy := -1; dy <= 1; dy++ {
		yy := clampInt(y+dy, 0, s.h-1)
		for dx := -1; dx <= 1; dx++ {
			i := yy*s.w + clampInt(x+dx, 0, s.w-1)
			if s.depth[i] < best {
				best, bi = s.depth[i], i
			}
		}
	}
	return bi
}

// storeDilatedDepth writes into dst the nearest depth of each pixel's 3×3
// neighbourhood: the depth the next frame compares its own dilated depth
// with, so that both sides of the disocclusion test are dilated alike.
func (s *frameState) storeDilatedDepth(dst []float32) {
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			dst[y*s.w+x] = s.depth[s.nearestDepth(x, y)]
		}
	}
}

// disoccluded reports whether render position (px, py) of the previous
// frame showed a surface other than one at depth d: d lies outside the range
// of the 2×2 depth footprint widened by DepthTolerance. The range, rather
// than the nearest texel, accepts surfaces whose depth changes fast across
// pixels (a ground plane near the horizon), while a region that was all
// foreground is still caught.
func disoccluded(prevDepth []float32, w, h int, px, py, d float32) bool {
	x0, y0 := int(math.Floor(float64(px-0.5))), int(math.Floor(float64(py-0.5)))
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for dy := 0; dy <= 1; dy++ {
		for dx := 0; dx <= 1; dx++ {
			pd := prevDepth[clampInt(y0+dy, 0, h-1)*w+clampInt(x0+dx, 0, w-1)]
			lo, hi = min(lo, pd), max(hi, pd)
		}
	}
	return d < lo*(1-DepthTolerance) || d > hi*(1+DepthTolerance)
}

// box is a YCoCg bounding box for history rectification.
type box struct{ lo, hi [3]float32 }

// clip moves c towards the box centre until it lies inside the box
// (Salvi's variance clipping clips against mean ± γσ; the box passed in is
// already that intersected with the min/max). It returns the clipped colour
// and how far (in YCoCg units) it moved.
func (b box) clip(c [3]float32) ([3]float32, float32) {
	var m float32
	var ctr, v [3]float32
	for k := 0; k < 3; k++ {
		ctr[k] = (b.lo[k] + b.hi[k]) / 2
		v[k] = c[k] - ctr[k]
		ext := max((b.hi[k]-b.lo[k])/2, 1e-5)
		m = max(m, abs32(v[k])/ext)
	}
	if m <= 1 {
		return c, 0
	}
	var out [3]float32
	var d float32
	for k := 0; k < 3; k++ {
		out[k] = ctr[k] + v[k]/m
		d = max(d, abs32(out[k]-c[k]))
	}
	return out, d
}

// stats accumulates neighbourhood moments for variance clipping.
type stats struct {
	n       float32
	sum, sq [3]float32
	lo, hi  [3]float32
	started bool
}

func (s *stats) add(c [3]float32) {
	s.n++
	for k := 0; k < 3; k++ {
		s.sum[k] += c[k]
		s.sq[k] += c[k] * c[k]
		if !s.started || c[k] < s.lo[k] {
			s.lo[k] = c[k]
		}
		if !s.started || c[k] > s.hi[k] {
			s.hi[k] = c[k]
		}
	}
	s.started = true
}

// box returns mean ± gamma·σ intersected with the min/max box.
func (s *stats) box(gamma float32) box {
	var b box
	for k := 0; k < 3; k++ {
		mu := s.sum[k] / s.n
		sd := float32(math.Sqrt(float64(max(s.sq[k]/s.n-mu*mu, 0))))
		b.lo[k] = max(mu-gamma*sd, s.lo[k])
		b.hi[k] = min(mu+gamma*sd, s.hi[k])
	}
	return b
}

// catmullRom samples a 3-plane w×h history at continuous position (x, y)
// (pixel centres at +0.5) with the 4×4 Catmull-Rom kernel, edges clamped;
// the result is clamped to the 2×2 nearest texels' range to avoid ringing.
func catmullRom(p [3][]float32, w, h int, x, y float32) [3]float32 {
	fx, fy := x-0.5, y-0.5
	ix, iy := int(math.Floor(float64(fx))), int(math.Floor(float64(fy)))
	tx, ty := fx-float32(ix), fy-float32(iy)
	wx, wy := crWeights(tx), crWeights(ty)
	var out, lo, hi [3]float32
	for k := range lo {
		lo[k], hi[k] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for j := 0; j < 4; j++ {
		row := clampInt(iy-1+j, 0, h-1) * w
		for i := 0; i < 4; i++ {
			idx := row + clampInt(ix-1+i, 0, w-1)
			wt := wx[i] * wy[j]
			inner := (i == 1 || i == 2) && (j == 1 || j == 2)
			for k := 0; k < 3; k++ {
				v := p[k][idx]
				out[k] += wt * v
				if inner {
					lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
				}
			}
		}
	}
	for k := 0; k < 3; k++ {
		out[k] = min(max(out[k], lo[k]), hi[k])
	}
	return out
}

func crWeights(t float32) [4]float32 {
	t2, t3 := t*t, t*t*t
	return [4]float32{
		(-t3 + 2*t2 - t) / 2,
		(3*t3 - 5*t2 + 2) / 2,
		(-3*t3 + 4*t2 + t) / 2,
		(t3 - t2) / 2,
	}
}

// rows runs fn over row ranges of [0, h) on GOMAXPROCS goroutines.
func rows(ctx context.Context, h int, fn func(y0, y1 int)) error {
	const chunk = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	n := (h + chunk - 1) / chunk
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= n || ctx.Err() != nil {
					return
				}
				fn(k*chunk, min(k*chunk+chunk, h))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// sharpen applies FSR 1's RCAS to a linear image on its sRGB encoding, as
// RCAS expects perceptual input.
func sharpen(ctx context.Context, m *raster.Image, sharpness float64) (*raster.Image, error) {
	src := m.ToSRGB()
	dst := raster.New(m.Width, m.Height, 3)
	if err := upscale.RCAS(ctx, dst, src, sharpness, false); err != nil {
		return nil, err
	}
	return dst.ToLinear(), nil
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

package temporal

import (
	"context"
	"fmt"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// TAAOptions tunes TAA.
type TAAOptions struct {
	// Alpha is the weight of the current frame in the exponential blend
	// (0.1: the history averages about ten frames).
	Alpha float64
	// Gamma scales the standard deviation in variance clipping.
	Gamma float64
	// Sharpen applies RCAS with Sharpness (stops, FSR 1's convention) to
	// the output; the history stays unsharpened.
	Sharpen   bool
	Sharpness float64
}

// DefaultTAAOptions: α = 0.1, γ = 1.25, no sharpening.
func DefaultTAAOptions() TAAOptions { return TAAOptions{Alpha: 0.1, Gamma: 1.25, Sharpness: 0.2} }

// TAA is temporal anti-aliasing at native resolution (render size = display
// size), in the manner of Karis's Unreal Engine 4 TAA: the current frame is
// resampled at pixel centres from its jittered samples, the history is
// reprojected with the nearest-depth (3×3) motion vector and sampled with
// Catmull-Rom, rectified by variance clipping in YCoCg against the current
// 3×3 neighbourhood, dropped where depth shows a disocclusion, and blended
// exponentially; the reactive mask raises the current frame's weight.
type TAA struct {
	o         TAAOptions
	w, h      int
	hist      [3][]float32 // tonemapped RGB
	next      [3][]float32
	prevDepth []float32
	valid     bool
}

// NewTAA returns TAA for w×h frames.
func NewTAA(w, h int, o TAAOptions) (*TAA, error) {
	if w < 1 || h < 1 || w > render.MaxDim || h > render.MaxDim {
		return nil, fmt.Errorf("taa: size %dx%d outside 1..%d", w, h, render.MaxDim)
	}
	if !(o.Alpha > 0 && o.Alpha <= 1) || !(o.Gamma > 0) {
		return nil, fmt.Errorf("taa: alpha %g must be in (0,1] and gamma %g positive", o.Alpha, o.Gamma)
	}
	t := &TAA{o: o, w: w, h: h, prevDepth: make([]float32, w*h)}
	for k := 0; k < 3; k++ {
		t.hist[k], t.next[k] = make([]float32, w*h), make([]float32, w*h)
	}
	return t, nil
}

// Name is "taa".
func (t *TAA) Name() string { return "taa" }

// Reset drops the history.
func (t *TAA) Reset() { t.valid = false }

// Process blends frame f into the history and returns the anti-aliased
// frame.
func (t *TAA) Process(ctx context.Context, f *render.Frame) (*raster.Image, error) {
	s, err := prepare(f)
	if err != nil {
		return nil, fmt.Errorf("taa: %w", err)
	}
	if s.w != t.w || s.h != t.h {
		return nil, fmt.Errorf("taa: frame %d is %dx%d, TAA was set up for %dx%d", f.Index, s.w, s.h, t.w, t.h)
	}
	out := raster.New(t.w, t.h, 3)
	alpha, gamma := float32(t.o.Alpha), float32(t.o.Gamma)
	// The resampling weights depend only on the frame's jitter.
	var wts [9]float32
	var wsum float32
	for k := range wts {
		ddx, ddy := float32(k%3-1)+s.jx, float32(k/3-1)+s.jy
		wts[k] = gauss(2.29 * (ddx*ddx + ddy*ddy))
		wsum += wts[k]
	}
	err = rows(ctx, t.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < t.w; x++ {
				// Current colour at the pixel centre: the 3×3 jittered
				// samples weighted by a Gaussian fit of Blackman-Harris
				// (UE4), and the neighbourhood's moments.
				var st stats
				var cur [3]float32
				for dy := -1; dy <= 1; dy++ {
					yy := clampInt(y+dy, 0, t.h-1)
					for dx := -1; dx <= 1; dx++ {
						i := yy*t.w + clampInt(x+dx, 0, t.w-1)
						c := [3]float32{s.y[i], s.co[i], s.cg[i]}
						st.add(c)
						wt := wts[(dy+1)*3+dx+1]
						for k := 0; k < 3; k++ {
							cur[k] += wt * c[k]
						}
					}
				}
				for k := 0; k < 3; k++ {
					cur[k] /= wsum
				}
				i := y*t.w + x
				a := max(alpha, s.reactive[i])
				res := cur
				n := s.nearestDepth(x, y)
				px, py := float32(x)+0.5-s.mx[n], float32(y)+0.5-s.my[n]
				if t.valid && a < 1 && px >= 0 && py >= 0 && px <= float32(t.w) && py <= float32(t.h) &&
					!disoccluded(t.prevDepth, t.w, t.h, px, py, s.depth[n]) {
					hr := catmullRom(t.hist, t.w, t.h, px, py)
					hy, hco, hcg := toYCoCg(hr[0], hr[1], hr[2])
					h, _ := st.box(gamma).clip([3]float32{hy, hco, hcg})
					for k := 0; k < 3; k++ {
						res[k] = h[k] + a*(cur[k]-h[k])
					}
				}
				r, g, b := fromYCoCg(res[0], res[1], res[2])
				r, g, b = max(r, 0), max(g, 0), max(b, 0)
				t.next[0][i], t.next[1][i], t.next[2][i] = r, g, b
				out.Planes[0][i], out.Planes[1][i], out.Planes[2][i] = untonemap(r, g, b)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	t.hist, t.next = t.next, t.hist
	s.storeDilatedDepth(t.prevDepth)
	t.valid = true
	if t.o.Sharpen {
		return sharpen(ctx, out, t.o.Sharpness)
	}
	return out, nil
}

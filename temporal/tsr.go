package temporal

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// MaxTSRScale is the largest per-axis display/render ratio TSR accepts
// (FSR 2's ultra-performance mode is 3×).
const MaxTSRScale = 4

// TSROptions tunes the temporal upscaler.
type TSROptions struct {
	// MaxWeight caps the accumulated sample weight of a history pixel:
	// about how many frames a converged pixel averages.
	MaxWeight float64
	// Gamma scales the standard deviation in variance clipping.
	Gamma float64
	// Sharpen applies RCAS with Sharpness (stops, FSR 1's convention) to
	// the output; the history stays unsharpened.
	Sharpen   bool
	Sharpness float64
}

// DefaultTSROptions: up to 12 frames of history, γ = 1.25, no sharpening.
func DefaultTSROptions() TSROptions {
	return TSROptions{MaxWeight: 12, Gamma: 1.25, Sharpness: 0.2}
}

// TSR is a temporal upscaler in the style of FSR 2 and Unreal's TSR: each
// jittered render sample is splatted into a display-resolution history with
// a weight that falls off (Gaussian) with its distance in display pixels
// from the output pixel, so that over a jitter cycle every display pixel is
// built from samples that landed on it. The history is reprojected with the
// nearest-depth (3×3) motion vector, dropped where depth shows a
// disocclusion, rectified by variance clipping in YCoCg against the 3×3
// render neighbourhood, and its weight shrinks when rectification had to
// move it and where the reactive mask marks translucent content. Locks
// protect thin features (render pixels that are a luma ridge in some
// direction): a locked display pixel keeps its unclipped history until the
// neighbourhood no longer holds its luma. Where there is no history the
// output is a Lanczos-2 interpolation of the current frame.
type TSR struct {
	o                  TSROptions
	rw, rh, dw, dh     int
	hist, next         [3][]float32 // tonemapped RGB, display size
	weight, nextWeight []float32
	lock, nextLock     []float32
	lockY, nextLockY   []float32
	prevDepth          []float32 // render size
	thin               []bool    // render size, this frame
	valid              bool
}

// NewTSR returns a temporal upscaler from rw×rh frames to dw×dh.
func NewTSR(rw, rh, dw, dh int, o TSROptions) (*TSR, error) {
	if rw < 1 || rh < 1 || dw > render.MaxDim || dh > render.MaxDim {
		return nil, fmt.Errorf("tsr: sizes %dx%d -> %dx%d outside 1..%d", rw, rh, dw, dh, render.MaxDim)
	}
	if dw < rw || dh < rh || dw > MaxTSRScale*rw || dh > MaxTSRScale*rh {
		return nil, fmt.Errorf("tsr: display %dx%d must be 1 to %d times render %dx%d on each axis", dw, dh, MaxTSRScale, rw, rh)
	}
	if !(o.MaxWeight >= 1) || !(o.Gamma > 0) {
		return nil, fmt.Errorf("tsr: max weight %g must be at least 1 and gamma %g positive", o.MaxWeight, o.Gamma)
	}
	t := &TSR{o: o, rw: rw, rh: rh, dw: dw, dh: dh, prevDepth: make([]float32, rw*rh), thin: make([]bool, rw*rh)}
	for k := 0; k < 3; k++ {
		t.hist[k], t.next[k] = make([]float32, dw*dh), make([]float32, dw*dh)
	}
	for _, p := range []*[]float32{&t.weight, &t.nextWeight, &t.lock, &t.nextLock, &t.lockY, &t.nextLockY} {
		*p = make([]float32, dw*dh)
	}
	return t, nil
}

// Name is "tsr".
func (t *TSR) Name() string { return "tsr" }

// Reset drops the history.
func (t *TSR) Reset() { t.valid = false }

// lockThreshold is the tonemapped-luma step that makes a render pixel a
// ridge (thin feature) when both its neighbours along an axis or diagonal
// differ from it in the same direction by more.
const lockThreshold = 0.04

// lanczosTable holds Lanczos-2 at squared distances 0, 4/256, ..., 4; it is
// filled once and only read.
var lanczosTable = func() (t [257]float32) {
	for i := range t {
		x := math.Sqrt(4 * float64(i) / 256)
		if i == 0 {
			t[i] = 1
			continue
		}
		px := math.Pi * x
		t[i] = float32(2 * math.Sin(px) * math.Sin(px/2) / (px * px))
	}
	return t
}()

// lanczos2 is the Lanczos-2 kernel as a function of the squared distance
// x2, interpolated from lanczosTable (no sin, no sqrt per sample).
func lanczos2(x2 float32) float32 {
	if x2 >= 4 {
		return 0
	}
	f := x2 * 64
	i := int(f)
	return lanczosTable[i] + (f-float32(i))*(lanczosTable[i+1]-lanczosTable[i])
}

// gauss approximates exp(-x) for x ≥ 0 as (1 + x/256)^-256, within 0.2%
// of the peak, without a call into math.
func gauss(x float32) float32 {
	t := 1 + x/256
	for range 8 {
		t *= t
	}
	return 1 / t
}

// Process accumulates frame f and returns the upscaled frame.
func (t *TSR) Process(ctx context.Context, f *render.Frame) (*raster.Image, error) {
	s, err := prepare(f)
	if err != nil {
		return nil, fmt.Errorf("tsr: %w", err)
	}
	if s.w != t.rw || s.h != t.rh {
		return nil, fmt.Errorf("tsr: frame %d is %dx%d, TSR was set up for %dx%d", f.Index, s.w, s.h, t.rw, t.rh)
	}
	t.findThin(s)
	out := raster.New(t.dw, t.dh, 3)
	sx, sy := float32(t.rw)/float32(t.dw), float32(t.rh)/float32(t.dh)
	gamma, maxW := float32(t.o.Gamma), float32(t.o.MaxWeight)
	// σ of the accumulation weight, in display pixels.
	const sigma = 0.5
	err = rows(ctx, t.dh, func(y0, y1 int) {
		for Y := y0; Y < y1; Y++ {
			for X := 0; X < t.dw; X++ {
				rx, ry := (float32(X)+0.5)*sx, (float32(Y)+0.5)*sy
				bx := int(math.Floor(float64(rx - s.jx)))
				by := int(math.Floor(float64(ry - s.jy)))
				var st stats
				var fill, acc [3]float32
				var lsum, asum float32
				var near int
				nearD := float32(math.Inf(1))
				for dy := -1; dy <= 1; dy++ {
					yy := clampInt(by+dy, 0, t.rh-1)
					for dx := -1; dx <= 1; dx++ {
						xx := clampInt(bx+dx, 0, t.rw-1)
						i := yy*t.rw + xx
						c := [3]float32{s.y[i], s.co[i], s.cg[i]}
						st.add(c)
						// Distance from the sample (where it really was)
						// to the output pixel centre, in render pixels.
						ddx := float32(bx+dx) + 0.5 + s.jx - rx
						ddy := float32(by+dy) + 0.5 + s.jy - ry
						d2 := ddx*ddx + ddy*ddy
						wl := lanczos2(d2)
						ex, ey := ddx/sx, ddy/sy
						wa := gauss((ex*ex + ey*ey) / (2 * sigma * sigma))
						for k := 0; k < 3; k++ {
							fill[k] += wl * c[k]
							acc[k] += wa * c[k]
						}
						lsum += wl
						asum += wa
						if d2 < nearD {
							nearD, near = d2, i
						}
					}
				}
				for k := 0; k < 3; k++ {
					fill[k] = min(max(fill[k]/lsum, st.lo[k]), st.hi[k])
				}
				conf := min(asum, 1)
				smp := fill
				if asum > 1e-3 {
					for k := 0; k < 3; k++ {
						smp[k] = acc[k] / asum
					}
				}
				o := Y*t.dw + X
				cx, cy := clampInt(int(rx), 0, t.rw-1), clampInt(int(ry), 0, t.rh-1)
				n := s.nearestDepth(cx, cy)
				react := s.reactive[cy*t.rw+cx]
				res, w := fill, float32(0.5)
				var lk, lkY float32
				pdx, pdy := float32(X)+0.5-s.mx[n]/sx, float32(Y)+0.5-s.my[n]/sy
				if t.valid && pdx >= 0 && pdy >= 0 && pdx <= float32(t.dw) && pdy <= float32(t.dh) &&
					!disoccluded(t.prevDepth, t.rw, t.rh, rx-s.mx[n], ry-s.my[n], s.depth[n]) {
					po := clampInt(int(pdy), 0, t.dh-1)*t.dw + clampInt(int(pdx), 0, t.dw-1)
					hr := catmullRom(t.hist, t.dw, t.dh, pdx, pdy)
					hy, hco, hcg := toYCoCg(hr[0], hr[1], hr[2])
					h := [3]float32{hy, hco, hcg}
					lk, lkY = t.lock[po], t.lockY[po]
					if lk > 0 && (react > 0.1 || lkY < st.lo[0]-lockThreshold || lkY > st.hi[0]+lockThreshold) {
						lk = 0 // the locked feature is gone
					}
					hc, moved := st.box(gamma).clip(h)
					for k := 0; k < 3; k++ {
						h[k] = hc[k] + lk*(h[k]-hc[k])
					}
					nPrev := t.weight[po] * max(0.1, 1-8*moved*(1-lk)) * (1 - react)
					a := conf / (nPrev + conf)
					for k := 0; k < 3; k++ {
						res[k] = h[k] + a*(smp[k]-h[k])
					}
					w = min(nPrev+conf, maxW)
					lk *= 0.95
				}
				if t.thin[near] && conf > 0.5 {
					lk, lkY = 1, s.y[near]
				}
				r, g, b := fromYCoCg(res[0], res[1], res[2])
				r, g, b = max(r, 0), max(g, 0), max(b, 0)
				t.next[0][o], t.next[1][o], t.next[2][o] = r, g, b
				t.nextWeight[o], t.nextLock[o], t.nextLockY[o] = w, lk, lkY
				out.Planes[0][o], out.Planes[1][o], out.Planes[2][o] = untonemap(r, g, b)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	t.hist, t.next = t.next, t.hist
	t.weight, t.nextWeight = t.nextWeight, t.weight
	t.lock, t.nextLock = t.nextLock, t.lock
	t.lockY, t.nextLockY = t.nextLockY, t.lockY
	s.storeDilatedDepth(t.prevDepth)
	t.valid = true
	if t.o.Sharpen {
		return sharpen(ctx, out, t.o.Sharpness)
	}
	return out, nil
}

// findThin marks render pixels that are luma ridges: brighter or darker
// than both neighbours along a row, a column or a diagonal.
func (t *TSR) findThin(s *frameState) {
	L := s.y
	at := func(x, y int) float32 { return L[clampInt(y, 0, t.rh-1)*t.rw+clampInt(x, 0, t.rw-1)] }
	for y := 0; y < t.rh; y++ {
		for x := 0; x < t.rw; x++ {
			c := at(x, y)
			thin := false
			for _, d := range [4][2]int{{1, 0}, {0, 1}, {1, 1}, {1, -1}} {
				a, b := at(x-d[0], y-d[1]), at(x+d[0], y+d[1])
				if (c-a > lockThreshold && c-b > lockThreshold) || (a-c > lockThreshold && b-c > lockThreshold) {
					thin = true
					break
				}
			}
			t.thin[y*t.rw+x] = thin
		}
	}
}

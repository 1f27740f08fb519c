package temporal

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// genHoleRadius bounds how far (pixels) hole filling looks for background.
const genHoleRadius = 16

// Interpolate synthesises the frame halfway in time between frames a and b,
// as DLSS 3 frame generation does between two rendered frames. b's motion
// vectors must lead back to a (render.Scene.RenderSpan with the span
// between them): b's pixel p showed at p − motion in a. Colour, depth and
// motion must all have one size; colour is typically the final
// (anti-aliased) image.
//
// Method: every pixel of b is forward-warped half its motion back into the
// middle frame with a depth test (nearest surface wins, by atomic minimum of
// depth and index); each covered pixel then samples b at +½ motion and a at
// −½ motion and averages them where a's depth shows the same surface, else
// keeps b alone (the surface was hidden in a). One-pixel cracks between
// warped pixels take the nearer of their two opposite neighbours' motion;
// larger holes are what b no longer shows, so they take the farthest
// (background) motion within genHoleRadius pixels and sample a alone.
func Interpolate(ctx context.Context, a, b *render.Frame) (*raster.Image, error) {
	if a == nil || b == nil || a.Color == nil || a.Depth == nil || b.Color == nil || b.Depth == nil || b.Motion == nil {
		return nil, fmt.Errorf("framegen: frames need colour and depth, and the later one motion")
	}
	w, h := b.Color.Width, b.Color.Height
	for _, m := range []struct {
		name string
		img  *raster.Image
	}{{"first colour", a.Color}, {"first depth", a.Depth}, {"second depth", b.Depth}, {"second motion", b.Motion}} {
		if m.img.Width != w || m.img.Height != h {
			return nil, fmt.Errorf("framegen: frame %d: %s is %dx%d, second colour is %dx%d", b.Index, m.name, m.img.Width, m.img.Height, w, h)
		}
	}
	if len(a.Color.Planes) < 3 || len(b.Color.Planes) < 3 || len(b.Motion.Planes) < 2 {
		return nil, fmt.Errorf("framegen: frame %d: colour needs 3 planes and motion 2", b.Index)
	}
	mx, my, dB, dA := b.Motion.Planes[0], b.Motion.Planes[1], b.Depth.Planes[0], a.Depth.Planes[0]

	src, err := forwardWarp(ctx, w, h, mx, my, dB)
	if err != nil {
		return nil, err
	}
	pa := [3][]float32{a.Color.Planes[0], a.Color.Planes[1], a.Color.Planes[2]}
	pb := [3][]float32{b.Color.Planes[0], b.Color.Planes[1], b.Color.Planes[2]}
	out := raster.New(w, h, 3)
	err = rows(ctx, h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				q := y*w + x
				s, onlyA := src[q], false
				if s < 0 {
					s = crackSource(src, dB, w, h, x, y)
				}
				if s < 0 {
					s, onlyA = backgroundSource(src, dB, w, h, x, y), true
				}
				cx, cy := float32(x)+0.5, float32(y)+0.5
				var col [3]float32
				switch {
				case s >= 0 && !onlyA && mx[s]*mx[s]+my[s]*my[s] < 1:
					// Under a pixel of motion over the whole interval,
					// resampling costs more detail than it recovers.
					for k := range col {
						col[k] = 0.5 * (a.Color.Planes[k][q] + b.Color.Planes[k][q])
					}
				case s < 0: // nothing warped anywhere near: keep a
					col = catmullRom(pa, w, h, cx, cy)
				case onlyA:
					col = catmullRom(pa, w, h, cx-0.5*mx[s], cy-0.5*my[s])
				default:
					col = catmullRom(pb, w, h, cx+0.5*mx[s], cy+0.5*my[s])
					ax, ay := cx-0.5*mx[s], cy-0.5*my[s]
					ix, iy := int(ax), int(ay)
					if ax >= 0 && ay >= 0 && ix < w && iy < h && abs32(dA[iy*w+ix]-dB[s]) <= 2*DepthTolerance*dB[s] {
						ca := catmullRom(pa, w, h, ax, ay)
						for k := range col {
							col[k] = 0.5 * (col[k] + ca[k])
						}
					}
				}
				out.Planes[0][q], out.Planes[1][q], out.Planes[2][q] = col[0], col[1], col[2]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// forwardWarp moves every pixel p of a w×h image to p − ½·motion(p), the
// middle of the interval, and returns for each target pixel the source
// pixel that landed there, −1 where none did. Where several land on one
// pixel the lowest priority wins (depth: the nearest surface), then the
// lowest index, by an atomic minimum of the two packed into one key
// (non-negative floats order as their bit patterns).
func forwardWarp(ctx context.Context, w, h int, mx, my, priority []float32) ([]int32, error) {
	const empty = math.MaxUint64
	zb := make([]atomic.Uint64, w*h)
	for i := range zb {
		zb[i].Store(empty)
	}
	err := rows(ctx, h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				p := y*w + x
				qx := int(math.Floor(float64(float32(x) + 0.5 - 0.5*mx[p])))
				qy := int(math.Floor(float64(float32(y) + 0.5 - 0.5*my[p])))
				if qx < 0 || qy < 0 || qx >= w || qy >= h {
					continue
				}
				key := uint64(math.Float32bits(max(priority[p], 0)))<<32 | uint64(p)
				cell := &zb[qy*w+qx]
				for {
					old := cell.Load()
					if key >= old || cell.CompareAndSwap(old, key) {
						break
					}
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	src := make([]int32, w*h)
	for i := range zb {
		if k := zb[i].Load(); k == empty {
			src[i] = -1
		} else {
			src[i] = int32(k & 0xffffffff)
		}
	}
	return src, nil
}

// crackSource fills a one-pixel crack: if both neighbours along a row or a
// column were warped, the nearer surface of the two continues through.
func crackSource(src []int32, depth []float32, w, h, x, y int) int32 {
	best, bd := int32(-1), float32(math.Inf(1))
	for _, d := range [2][2]int{{1, 0}, {0, 1}} {
		x0, y0, x1, y1 := x-d[0], y-d[1], x+d[0], y+d[1]
		if x0 < 0 || y0 < 0 || x1 >= w || y1 >= h {
			continue
		}
		s0, s1 := src[y0*w+x0], src[y1*w+x1]
		if s0 < 0 || s1 < 0 {
			continue
		}
		for _, s := range [2]int32{s0, s1} {
			if depth[s] < bd {
				best, bd = s, depth[s]
			}
		}
	}
	return best
}

// backgroundSource returns the warped pixel with the farthest surface in
// the nearest ring (up to genHoleRadius) that has any: a hole shows what the
// foreground uncovers, which moves with the background.
func backgroundSource(src []int32, depth []float32, w, h, x, y int) int32 {
	for r := 1; r <= genHoleRadius; r++ {
		best, bd := int32(-1), float32(-1)
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				if max(abs(dx), abs(dy)) != r {
					continue
				}
				xx, yy := x+dx, y+dy
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					continue
				}
				if s := src[yy*w+xx]; s >= 0 && depth[s] > bd {
					best, bd = s, depth[s]
				}
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

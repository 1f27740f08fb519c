package render

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/trident-lab/trident/raster"
)

// MaxDim bounds each side of a rendered image.
const MaxDim = 16384

// Options sets the sizes of one rendered frame.
type Options struct {
	RenderW, RenderH   int // the jittered frame and its G-buffers
	DisplayW, DisplayH int // the reference
	// ReferenceSPP is the reference's samples per pixel (Halton 2,3
	// positions inside each display pixel); 0 renders no reference.
	ReferenceSPP int
}

// Check reports sizes that cannot be rendered.
func (o Options) Check() error {
	for _, d := range []struct {
		name string
		v    int
	}{{"render width", o.RenderW}, {"render height", o.RenderH}, {"display width", o.DisplayW}, {"display height", o.DisplayH}} {
		if d.v < 1 || d.v > MaxDim {
			return fmt.Errorf("render: %s %d outside 1..%d", d.name, d.v, MaxDim)
		}
	}
	if o.DisplayW < o.RenderW || o.DisplayH < o.RenderH {
		return fmt.Errorf("render: display %dx%d smaller than render %dx%d", o.DisplayW, o.DisplayH, o.RenderW, o.RenderH)
	}
	if o.ReferenceSPP < 0 || o.ReferenceSPP > 1024 {
		return fmt.Errorf("render: reference samples per pixel %d outside 0..1024", o.ReferenceSPP)
	}
	return nil
}

// Frame is everything an engine hands a temporal method for one frame, plus
// the reference it is judged against.
//
// Conventions: images have their origin at the top-left corner, y down.
// Jitter is the sub-pixel offset of this frame's samples in render pixels,
// in [-0.5, 0.5): pixel (x, y) of Color was sampled at image position
// (x + 0.5 + Jitter[0], y + 0.5 + Jitter[1]). Depth is linear view depth in
// world units (distance along the camera axis), Far for the sky. Motion
// holds, in render pixels, where the surface seen by the sample is now minus
// where it was in the previous frame (the FSR 2 / Unreal convention: the
// previous position is the current one minus the vector), without jitter:
// a static scene under a static camera has zero motion; R = x, G = y,
// B = 0. Reactive is in [0,1]: how much of the pixel is translucent content
// that has no motion vectors (particles), which history must not keep.
type Frame struct {
	Index     int
	Jitter    [2]float64
	Color     *raster.Image // RenderW×RenderH RGB, linear light
	Depth     *raster.Image // RenderW×RenderH grey
	Motion    *raster.Image // RenderW×RenderH RGB (dx, dy, 0)
	Reactive  *raster.Image // RenderW×RenderH grey
	Reference *raster.Image // DisplayW×DisplayH RGB, nil if not rendered
}

// JitterPhases is the length of the Halton jitter cycle for a given
// render-to-display ratio, 8·ratio² as FSR 2 recommends, so that every
// display pixel receives samples within a cycle.
func JitterPhases(renderW, displayW int) int {
	r := float64(displayW) / float64(renderW)
	return int(math.Ceil(8 * r * r))
}

// Jitter returns frame i's sub-pixel offset, Halton(2,3) element
// (i mod phases) + 1, centred on zero.
func Jitter(i, phases int) [2]float64 {
	k := i%phases + 1
	return [2]float64{Halton(k, 2) - 0.5, Halton(k, 3) - 0.5}
}

// Render draws frame index of the scene: the jittered colour and its
// G-buffers at render resolution and, if asked, the reference. Work is split
// in 32×32 tiles over GOMAXPROCS goroutines; the output depends only on the
// scene, index and options.
func (s *Scene) Render(ctx context.Context, index int, o Options) (*Frame, error) {
	return s.RenderSpan(ctx, index, 1, o)
}

// RenderSpan is Render with motion vectors that reach span frames back
// (frame index − span instead of index − 1), as frame generation needs to
// relate the two rendered frames around a synthesised one.
func (s *Scene) RenderSpan(ctx context.Context, index, span int, o Options) (*Frame, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if index < 0 || span < 1 || span > MaxFrames {
		return nil, fmt.Errorf("render: frame %d with motion span %d out of range", index, span)
	}
	t := float64(index) / FPS
	prevT := float64(index-span) / FPS
	f := &Frame{
		Index:    index,
		Jitter:   Jitter(index, JitterPhases(o.RenderW, o.DisplayW)),
		Color:    raster.New(o.RenderW, o.RenderH, 3),
		Depth:    raster.New(o.RenderW, o.RenderH, 1),
		Motion:   raster.New(o.RenderW, o.RenderH, 3),
		Reactive: raster.New(o.RenderW, o.RenderH, 1),
	}
	cur := newView(s.camera(t), o.RenderW, o.RenderH)
	prev := newView(s.camera(prevT), o.RenderW, o.RenderH)
	now, before := s.at(t), s.at(prevT)
	err := tiles(ctx, o.RenderW, o.RenderH, func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				sx, sy := float64(x)+0.5+f.Jitter[0], float64(y)+0.5+f.Jitter[1]
				smp := s.trace(cur, sx, sy, now, before)
				p := smp.prev
				if smp.depth >= Far {
					// The sky is at infinity: it moves only with the
					// camera's rotation.
					p = prev.eye.add(smp.world.sub(cur.eye))
				}
				qx, qy, _ := prev.project(p)
				i := y*o.RenderW + x
				f.Color.Planes[0][i] = float32(smp.col.x)
				f.Color.Planes[1][i] = float32(smp.col.y)
				f.Color.Planes[2][i] = float32(smp.col.z)
				f.Depth.Planes[0][i] = float32(smp.depth)
				f.Motion.Planes[0][i] = float32(sx - qx)
				f.Motion.Planes[1][i] = float32(sy - qy)
				f.Reactive.Planes[0][i] = float32(smp.reactive)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if o.ReferenceSPP > 0 {
		if f.Reference, err = s.Reference(ctx, index, o.DisplayW, o.DisplayH, o.ReferenceSPP); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Reference renders frame index as a w×h image with spp Halton(2,3)
// samples per pixel, box-filtered: the ground truth for reconstruction.
func (s *Scene) Reference(ctx context.Context, index, w, h, spp int) (*raster.Image, error) {
	if w < 1 || h < 1 || w > MaxDim || h > MaxDim || spp < 1 || spp > 1024 || index < 0 {
		return nil, fmt.Errorf("render: reference %dx%d with %d samples per pixel of frame %d out of range", w, h, spp, index)
	}
	t := float64(index) / FPS
	v := newView(s.camera(t), w, h)
	now := s.at(t)
	offs := make([][2]float64, spp)
	for k := range offs {
		offs[k] = [2]float64{Halton(k+1, 2), Halton(k+1, 3)}
	}
	m := raster.New(w, h, 3)
	err := tiles(ctx, w, h, func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				var acc vec
				for _, o := range offs {
					acc = acc.add(s.trace(v, float64(x)+o[0], float64(y)+o[1], now, now).col)
				}
				acc = acc.mul(1 / float64(spp))
				i := y*w + x
				m.Planes[0][i], m.Planes[1][i], m.Planes[2][i] = float32(acc.x), float32(acc.y), float32(acc.z)
			}
		}
	})
	return m, err
}

// tiles runs fn over 32×32 tiles of a w×h image on GOMAXPROCS goroutines,
// stopping early when ctx is cancelled.
func tiles(ctx context.Context, w, h int, fn func(x0, y0, x1, y1 int)) error {
	const ts = 32
	nx, ny := (w+ts-1)/ts, (h+ts-1)/ts
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), nx*ny)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= nx*ny || ctx.Err() != nil {
					return
				}
				tx, ty := k%nx*ts, k/nx*ts
				fn(tx, ty, min(tx+ts, w), min(ty+ts, h))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

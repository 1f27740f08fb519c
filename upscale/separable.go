package upscale

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// kernel is a symmetric 1-D reconstruction filter.
type kernel struct {
	name    string
	support float64 // f is zero for |x| >= support
	f       func(x float64) float64
}

func nearestKernel() kernel { return kernel{name: "nearest", support: 0.5} }

func bilinearKernel() kernel {
	return kernel{name: "bilinear", support: 1, f: func(x float64) float64 {
		x = math.Abs(x)
		if x >= 1 {
			return 0
		}
		return 1 - x
	}}
}

// cubicBC is the Mitchell–Netravali family of piecewise cubics.
func cubicBC(b, c float64) func(float64) float64 {
	return func(x float64) float64 {
		x = math.Abs(x)
		switch {
		case x < 1:
			return ((12-9*b-6*c)*x*x*x + (-18+12*b+6*c)*x*x + (6 - 2*b)) / 6
		case x < 2:
			return ((-b-6*c)*x*x*x + (6*b+30*c)*x*x + (-12*b-48*c)*x + (8*b + 24*c)) / 6
		}
		return 0
	}
}

func catmullRomKernel() kernel { return kernel{name: "bicubic", support: 2, f: cubicBC(0, 0.5)} }

func mitchellKernel() kernel { return kernel{name: "mitchell", support: 2, f: cubicBC(1.0/3, 1.0/3)} }

func lanczosKernel(a int) kernel {
	fa := float64(a)
	return kernel{name: fmt.Sprintf("lanczos%d", a), support: fa, f: func(x float64) float64 {
		x = math.Abs(x)
		if x >= fa {
			return 0
		}
		if x < 1e-12 {
			return 1
		}
		px := math.Pi * x
		return fa * math.Sin(px) * math.Sin(px/fa) / (px * px)
	}}
}

// axis holds, for each output coordinate, taps source indices (clamped to the
// image) and their normalised weights.
type axis struct {
	taps int
	idx  []int32
	w    []float32
}

// kernelAxis maps output pixel centres to input coordinates,
// c = (o + 0.5)·in/out − 0.5, and samples the kernel at the 2·support input
// pixels around c.
func kernelAxis(k kernel, in, out int) axis {
	ratio := float64(in) / float64(out)
	if k.f == nil { // nearest: the input pixel whose area holds the output centre
		a := axis{taps: 1, idx: make([]int32, out), w: make([]float32, out)}
		for o := 0; o < out; o++ {
			a.idx[o] = int32(clampInt(int(math.Floor((float64(o)+0.5)*ratio)), 0, in-1))
			a.w[o] = 1
		}
		return a
	}
	r := int(math.Ceil(k.support))
	a := axis{taps: 2 * r, idx: make([]int32, out*2*r), w: make([]float32, out*2*r)}
	ws := make([]float64, 2*r)
	for o := 0; o < out; o++ {
		c := (float64(o)+0.5)*ratio - 0.5
		start := int(math.Floor(c)) - r + 1
		sum := 0.0
		for t := range ws {
			ws[t] = k.f(c - float64(start+t))
			sum += ws[t]
		}
		for t, v := range ws {
			a.idx[o*a.taps+t] = int32(clampInt(start+t, 0, in-1))
			a.w[o*a.taps+t] = float32(v / sum)
		}
	}
	return a
}

// areaAxis maps output pixel o to the input interval [o·in/out, (o+1)·in/out)
// and weights each input pixel by its overlap with it: the exact box filter.
func areaAxis(in, out int) axis {
	ratio := float64(in) / float64(out)
	taps := int(math.Ceil(ratio)) + 1
	a := axis{taps: taps, idx: make([]int32, out*taps), w: make([]float32, out*taps)}
	for o := 0; o < out; o++ {
		lo, hi := float64(o)*ratio, float64(o+1)*ratio
		first := int(math.Floor(lo))
		for t := 0; t < taps; t++ {
			i := first + t
			ov := math.Min(hi, float64(i+1)) - math.Max(lo, float64(i))
			if ov < 0 || i >= in {
				ov = 0
			}
			a.idx[o*taps+t] = int32(clampInt(i, 0, in-1))
			a.w[o*taps+t] = float32(ov / ratio)
		}
	}
	return a
}

// separable is an Upscaler applying one kernel horizontally then vertically.
type separable struct{ k kernel }

func (s *separable) Name() string { return s.k.name }

// MaxScale is generous: the separable filters have no intrinsic limit.
func (s *separable) MaxScale() float64 { return 16 }

func (s *separable) Upscale(ctx context.Context, dst, src *raster.Image) error {
	if err := checkArgs(s, dst, src); err != nil {
		return err
	}
	h := kernelAxis(s.k, src.Width, dst.Width)
	v := kernelAxis(s.k, src.Height, dst.Height)
	if err := resample(ctx, dst, src, h, v); err != nil {
		return fmt.Errorf("upscale %s: %w", s.k.name, err)
	}
	return nil
}

// AreaDownscale shrinks src to w×h (each at most src's size) with the exact
// box (area-averaging) filter: each output pixel is the mean of the input
// area it covers, fractional pixels weighted by their overlap. For integer
// factors it is the plain block average.
func AreaDownscale(ctx context.Context, src *raster.Image, w, h int) (*raster.Image, error) {
	if err := src.Check(); err != nil {
		return nil, fmt.Errorf("area downscale: %w", err)
	}
	if w < 1 || h < 1 || w > src.Width || h > src.Height {
		return nil, fmt.Errorf("area downscale: %dx%d -> %dx%d is not a reduction to a non-empty size", src.Width, src.Height, w, h)
	}
	dst := raster.New(w, h, src.Channels())
	if err := resample(ctx, dst, src, areaAxis(src.Width, w), areaAxis(src.Height, h)); err != nil {
		return nil, fmt.Errorf("area downscale: %w", err)
	}
	return dst, nil
}

// resample runs the horizontal pass into a src.Height×dst.Width buffer, then
// the vertical pass into dst, both parallel over rows.
func resample(ctx context.Context, dst, src *raster.Image, h, v axis) error {
	sw, sh, dw, dh := src.Width, src.Height, dst.Width, dst.Height
	tmp := make([][]float32, len(src.Planes))
	for c := range tmp {
		tmp[c] = make([]float32, sh*dw)
	}
	err := parallelRows(ctx, sh, func(y0, y1 int) {
		for c, p := range src.Planes {
			for y := y0; y < y1; y++ {
				in := p[y*sw : (y+1)*sw]
				out := tmp[c][y*dw : (y+1)*dw]
				hRow(out, in, h)
			}
		}
	})
	if err != nil {
		return err
	}
	return parallelRows(ctx, dh, func(y0, y1 int) {
		for c, p := range dst.Planes {
			for y := y0; y < y1; y++ {
				out := p[y*dw : (y+1)*dw]
				clear(out)
				for t := 0; t < v.taps; t++ {
					wt := v.w[y*v.taps+t]
					if wt == 0 {
						continue
					}
					r := int(v.idx[y*v.taps+t])
					axpy(out, tmp[c][r*dw:(r+1)*dw], wt)
				}
			}
		}
	})
}

func hRow(out, in []float32, a axis) {
	switch a.taps {
	case 4:
		for x := range out {
			i, w := a.idx[4*x:4*x+4], a.w[4*x:4*x+4]
			out[x] = in[i[0]]*w[0] + in[i[1]]*w[1] + in[i[2]]*w[2] + in[i[3]]*w[3]
		}
	default:
		for x := range out {
			i, w := a.idx[a.taps*x:a.taps*(x+1)], a.w[a.taps*x:a.taps*(x+1)]
			var s float32
			for t, wt := range w {
				s += in[i[t]] * wt
			}
			out[x] = s
		}
	}
}

// axpy adds a·x to y.
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	for i := range y {
		y[i] += a * x[i]
	}
}

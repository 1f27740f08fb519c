package upscale

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// BicubicDownscale reduces src, whose planes hold 8-bit sRGB codes (k/255),
// to w×h as MATLAB's imresize(A, [h w], 'bicubic') reduces a uint8 image:
// the degradation of the super-resolution literature (SRCNN, FSRCNN, ESPCN,
// EDSR and their benchmark sets build their low-resolution inputs with it).
//
// Along each axis, with ratio k = in/out, output pixel o (0-based) is centred
// on input coordinate c = (o+0.5)·k − 0.5 and averages the input with Keys'
// cubic (a = −0.5) stretched by k, w(x) = cubic(x/k)/k — the antialiasing
// that MATLAB applies when shrinking — over the 4k input pixels around c.
// Weights are normalised to sum to 1 and the image is extended by mirroring
// with the edge pixel repeated (MATLAB's symmetric padding). As MATLAB does
// for uint8 input, the vertical pass (MATLAB's dimension 1) comes first
// when both axes shrink by the same ratio (otherwise the axis that shrinks
// more does), and both passes round to 8 bits with saturation.
//
// The result's values are again 8-bit codes in [0,1].
func BicubicDownscale(ctx context.Context, src *raster.Image, w, h int) (*raster.Image, error) {
	if err := src.Check(); err != nil {
		return nil, fmt.Errorf("bicubic downscale: %w", err)
	}
	if w < 1 || h < 1 || w > src.Width || h > src.Height {
		return nil, fmt.Errorf("bicubic downscale: %dx%d -> %dx%d is not a reduction to a non-empty size", src.Width, src.Height, w, h)
	}
	sw, sh := src.Width, src.Height
	hx, hy := imresizeAxis(sw, w), imresizeAxis(sh, h)
	// MATLAB orders the passes by scale (out/in), smaller first, the
	// vertical one (dimension 1) on a tie.
	verticalFirst := float64(h)/float64(sh) <= float64(w)/float64(sw)
	dst := raster.New(w, h, src.Channels())
	for c, p := range src.Planes {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("bicubic downscale: %w", err)
		}
		in := make([]float64, len(p))
		for i, v := range p {
			in[i] = math.Round(float64(v) * 255)
		}
		var out []float64
		if verticalFirst {
			tmp := imresizeCols(in, sw, sh, hy) // sw × h
			out = imresizeRows(tmp, sw, h, hx)  // w × h
		} else {
			tmp := imresizeRows(in, sw, sh, hx) // w × sh
			out = imresizeCols(tmp, w, sh, hy)
		}
		for i, v := range out {
			dst.Planes[c][i] = float32(v / 255)
		}
	}
	return dst, nil
}

// cubicAxis holds, for each output pixel of one axis, taps source indices
// (mirrored into range) and their normalised weights, in float64 as MATLAB
// computes them, so that 8-bit rounding ties fall the same way.
type cubicAxis struct {
	taps int
	idx  []int
	w    []float64
}

// imresizeAxis returns the contributions (MATLAB's term) of an axis reduced
// from in to out pixels.
func imresizeAxis(in, out int) cubicAxis {
	k := float64(in) / float64(out)
	width := 4 * k // the cubic's support [−2, 2], stretched by k
	taps := int(math.Ceil(width)) + 2
	a := cubicAxis{taps: taps, idx: make([]int, out*taps), w: make([]float64, out*taps)}
	for o := 0; o < out; o++ {
		c := (float64(o)+0.5)*k - 0.5
		left := int(math.Floor(c - width/2))
		ws := a.w[o*taps : (o+1)*taps]
		sum := 0.0
		for t := range ws {
			ws[t] = keysCubic((c-float64(left+t))/k) / k
			sum += ws[t]
		}
		for t := range ws {
			ws[t] /= sum
			a.idx[o*taps+t] = mirror(left+t, in)
		}
	}
	return a
}

// keysCubic is Keys' cubic convolution kernel with a = −0.5 (Catmull-Rom).
func keysCubic(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x <= 1:
		return (1.5*x-2.5)*x*x + 1
	case x <= 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// mirror maps an index outside [0, n) back into it by reflection with the
// edge repeated: ... 1 0 | 0 1 ... n−1 | n−1 n−2 ...
func mirror(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}

// round8 rounds to the nearest 8-bit code, halves away from zero, with
// saturation, as MATLAB converts double to uint8.
func round8(v float64) float64 { return min(max(math.Round(v), 0), 255) }

// imresizeRows resizes each row of a w×h plane along x with a.
func imresizeRows(in []float64, w, h int, a cubicAxis) []float64 {
	ow := len(a.idx) / a.taps
	out := make([]float64, ow*h)
	for y := 0; y < h; y++ {
		row := in[y*w : (y+1)*w]
		for o := 0; o < ow; o++ {
			var s float64
			for t := 0; t < a.taps; t++ {
				s += a.w[o*a.taps+t] * row[a.idx[o*a.taps+t]]
			}
			out[y*ow+o] = round8(s)
		}
	}
	return out
}

// imresizeCols resizes each column of a w×h plane along y with a.
func imresizeCols(in []float64, w, h int, a cubicAxis) []float64 {
	oh := len(a.idx) / a.taps
	out := make([]float64, w*oh)
	for o := 0; o < oh; o++ {
		dst := out[o*w : (o+1)*w]
		for t := 0; t < a.taps; t++ {
			wt := a.w[o*a.taps+t]
			src := in[a.idx[o*a.taps+t]*w:]
			for x := range dst {
				dst[x] += wt * src[x]
			}
		}
		for x, v := range dst {
			dst[x] = round8(v)
		}
	}
	return out
}

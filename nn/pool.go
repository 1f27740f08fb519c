package nn

import (
	"math"
)

// poolGeom is the resolved geometry of one pooling call (square windows).
type poolGeom struct {
	n, c, h, w int
	oh, ow     int
	k, s, p    int
}

func pool2DGeom(op string, x *Tensor, kernel, stride, padding int) poolGeom {
	if x.Dims() != 4 {
		panic(shapeErr(op, "input %v is not 4-D [N C H W]", x.Shape))
	}
	if kernel < 1 || stride < 1 || padding < 0 {
		panic(shapeErr(op, "kernel %d, stride %d, padding %d: want kernel ≥ 1, stride ≥ 1, padding ≥ 0", kernel, stride, padding))
	}
	// As in PyTorch: every window must overlap the input.
	if padding > kernel/2 {
		panic(shapeErr(op, "padding %d is more than half of kernel %d", padding, kernel))
	}
	g := poolGeom{n: x.Shape[0], c: x.Shape[1], h: x.Shape[2], w: x.Shape[3], k: kernel, s: stride, p: padding}
	g.oh = convOutSize(g.h, kernel, stride, padding, 1)
	g.ow = convOutSize(g.w, kernel, stride, padding, 1)
	if g.oh < 1 || g.ow < 1 {
		panic(shapeErr(op, "kernel %d does not fit input %v padded by %d", kernel, x.Shape, padding))
	}
	return g
}

// AvgPool2D averages square kernel×kernel windows of x [N, C, H, W] taken
// every stride pixels, after padding by zeros on each side; the output size
// follows Conv2D's formula. As PyTorch's default (count_include_pad=True),
// the padding zeros count: every window is divided by kernel². Padding may
// be at most kernel/2.
func AvgPool2D(x *Tensor, kernel, stride, padding int) *Tensor {
	g := pool2DGeom("AvgPool2D", x, kernel, stride, padding)
	out := Zeros(g.n, g.c, g.oh, g.ow)
	inv := 1 / float32(g.k*g.k)
	g.each(func(plane, oy, ox int, y0, y1, x0, x1 int) {
		in := x.Data[plane*g.h*g.w:]
		var s float32
		for iy := y0; iy < y1; iy++ {
			for ix := x0; ix < x1; ix++ {
				s += in[iy*g.w+ix]
			}
		}
		out.Data[(plane*g.oh+oy)*g.ow+ox] = s * inv
	})
	return record(out, "AvgPool2D", func(_ *Tensor, gy []float32, ig [][]float32) {
		gx := ig[0]
		g.each(func(plane, oy, ox int, y0, y1, x0, x1 int) {
			d := gy[(plane*g.oh+oy)*g.ow+ox] * inv
			dst := gx[plane*g.h*g.w:]
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					dst[iy*g.w+ix] += d
				}
			}
		})
	}, x)
}

// each calls fn for every output pixel of every (image, channel) plane with
// the window's rows [y0, y1) and columns [x0, x1) clipped to the input.
func (g *poolGeom) each(fn func(plane, oy, ox int, y0, y1, x0, x1 int)) {
	for plane := 0; plane < g.n*g.c; plane++ {
		for oy := 0; oy < g.oh; oy++ {
			y0 := oy*g.s - g.p
			y1 := min(y0+g.k, g.h)
			y0 = max(y0, 0)
			for ox := 0; ox < g.ow; ox++ {
				x0 := ox*g.s - g.p
				x1 := min(x0+g.k, g.w)
				fn(plane, oy, ox, y0, y1, max(x0, 0), x1)
			}
		}
	}
}

// MaxPool2D takes the maximum of square kernel×kernel windows of x [N, C,
// H, W] taken every stride pixels; padding adds -Inf on each side, so it
// never wins. The output size follows Conv2D's formula. The gradient goes to
// the first maximal element of each window in row-major order; a NaN in a
// window wins, as in PyTorch. Padding may be at most kernel/2.
func MaxPool2D(x *Tensor, kernel, stride, padding int) *Tensor {
	g := pool2DGeom("MaxPool2D", x, kernel, stride, padding)
	out := Zeros(g.n, g.c, g.oh, g.ow)
	arg := make([]int32, len(out.Data)) // flat input index of each maximum
	g.each(func(plane, oy, ox int, y0, y1, x0, x1 int) {
		base := plane * g.h * g.w
		best, bi := float32(math.Inf(-1)), base+y0*g.w+x0
	scan:
		for iy := y0; iy < y1; iy++ {
			for ix := x0; ix < x1; ix++ {
				i := base + iy*g.w + ix
				if v := x.Data[i]; v > best || v != v {
					best, bi = v, i
					if v != v {
						break scan
					}
				}
			}
		}
		o := (plane*g.oh+oy)*g.ow + ox
		out.Data[o] = best
		arg[o] = int32(bi)
	})
	return record(out, "MaxPool2D", func(_ *Tensor, gy []float32, ig [][]float32) {
		for o, i := range arg {
			ig[0][i] += gy[o]
		}
	}, x)
}

// GlobalAvgPool2D averages each channel of x [N, C, H, W] over all pixels,
// giving [N, C, 1, 1] (PyTorch's adaptive_avg_pool2d(x, 1)), which
// broadcasts back against x.
func GlobalAvgPool2D(x *Tensor) *Tensor {
	if x.Dims() != 4 {
		panic(shapeErr("GlobalAvgPool2D", "input %v is not 4-D [N C H W]", x.Shape))
	}
	n, c, hw := x.Shape[0], x.Shape[1], x.Shape[2]*x.Shape[3]
	if hw == 0 {
		panic(shapeErr("GlobalAvgPool2D", "input %v has no pixels", x.Shape))
	}
	out := Zeros(n, c, 1, 1)
	for p := range out.Data {
		var s float64
		for _, v := range x.Data[p*hw : (p+1)*hw] {
			s += float64(v)
		}
		out.Data[p] = float32(s / float64(hw))
	}
	inv := 1 / float32(hw)
	return record(out, "GlobalAvgPool2D", func(_ *Tensor, gy []float32, ig [][]float32) {
		for p, d := range gy {
			d *= inv
			dst := ig[0][p*hw : (p+1)*hw]
			for i := range dst {
				dst[i] += d
			}
		}
	}, x)
}

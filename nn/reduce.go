package nn

import (
	"math"
	"slices"
)

// splitAt returns the sizes outer, n, inner of shape viewed as
// [outer, shape[axis], inner].
func splitAt(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for i, d := range shape {
		switch {
		case i < axis:
			outer *= d
		case i > axis:
			inner *= d
		}
	}
	return outer, shape[axis], inner
}

type reduction int

const (
	reduceSum reduction = iota
	reduceMax
)

// reduceAxis reduces one axis, keeping it with size 1.
func reduceAxis(op string, x *Tensor, axis int, kind reduction) *Tensor {
	outer, n, inner := splitAt(x.Shape, axis)
	shape := slices.Clone(x.Shape)
	shape[axis] = 1
	out := result(shape, false, x)
	var arg []int
	if kind == reduceMax {
		if n == 0 {
			panic(shapeErr(op, "max over empty axis %d of shape %v", axis, x.Shape))
		}
		arg = make([]int, outer*inner)
	}
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			switch kind {
			case reduceSum:
				var s float64
				for k := 0; k < n; k++ {
					s += float64(x.Data[base+k*inner])
				}
				out.Data[o*inner+in] = float32(s)
			case reduceMax:
				best, bi := x.Data[base], 0
				for k := 1; k < n; k++ {
					if v := x.Data[base+k*inner]; v > best || (math.IsNaN(float64(v)) && !math.IsNaN(float64(best))) {
						best, bi = v, k
					}
				}
				out.Data[o*inner+in] = best
				arg[o*inner+in] = bi
			}
		}
	}
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		for o := 0; o < outer; o++ {
			for in := 0; in < inner; in++ {
				gv := g[o*inner+in]
				base := o*n*inner + in
				if kind == reduceMax {
					gx[base+arg[o*inner+in]*inner] += gv
					continue
				}
				for k := 0; k < n; k++ {
					gx[base+k*inner] += gv
				}
			}
		}
	}, x)
}

// reduce reduces the given axes (all when none are given).
func reduce(op string, x *Tensor, keepDims bool, axes []int, kind reduction) *Tensor {
	if len(axes) == 0 {
		axes = make([]int, x.Dims())
		for i := range axes {
			axes[i] = i
		}
	}
	norm := make([]int, len(axes))
	for i, a := range axes {
		norm[i] = normAxis(op, a, x.Dims())
	}
	slices.Sort(norm)
	norm = slices.Compact(norm)
	out := x
	for i := len(norm) - 1; i >= 0; i-- {
		out = reduceAxis(op, out, norm[i], kind)
	}
	if len(norm) == 0 && x.Dims() == 0 {
		out = unary(op, x, func(v float32) float32 { return v }, func(_, _ float32) float32 { return 1 })
	}
	if keepDims {
		return out
	}
	shape := make([]int, 0, x.Dims())
	for i, d := range x.Shape {
		if !slices.Contains(norm, i) {
			shape = append(shape, d)
		}
	}
	return Reshape(out, shape...)
}

// Sum adds the elements along the given axes (all axes when none are
// given). With keepDims the reduced axes stay as size 1.
func Sum(x *Tensor, keepDims bool, axes ...int) *Tensor {
	return reduce("Sum", x, keepDims, axes, reduceSum)
}

// Mean averages the elements along the given axes (all when none given).
func Mean(x *Tensor, keepDims bool, axes ...int) *Tensor {
	s := reduce("Mean", x, keepDims, axes, reduceSum)
	if len(s.Data) == 0 {
		return s
	}
	return Scale(s, float32(len(s.Data))/float32(max(len(x.Data), 1)))
}

// Max takes the largest element along the given axes (all when none
// given). The gradient flows to the first maximal element.
func Max(x *Tensor, keepDims bool, axes ...int) *Tensor {
	return reduce("Max", x, keepDims, axes, reduceMax)
}

// SumAll returns the sum of all elements as a scalar.
func SumAll(x *Tensor) *Tensor { return Sum(x, false) }

// MeanAll returns the mean of all elements as a scalar.
func MeanAll(x *Tensor) *Tensor { return Mean(x, false) }

// lanes calls fn with the offset of the first element of every lane along
// axis: the n elements base, base+stride, ..., base+(n-1)·stride. Lanes are
// independent, so they are spread over goroutines when there are enough
// elements (cost is fn's rough work per element).
func lanes(shape []int, axis, cost int, fn func(base, n, stride int)) {
	outer, n, inner := splitAt(shape, axis)
	elementwise(outer*inner, n*cost, func(lo, hi int) {
		for l := lo; l < hi; l++ {
			o, in := l/inner, l%inner
			fn(o*n*inner+in, n, inner)
		}
	})
}

// laneMax returns the largest element of a lane.
func laneMax(d []float32, base, n, stride int) float32 {
	m := float32(math.Inf(-1))
	for k := 0; k < n; k++ {
		m = max(m, d[base+k*stride])
	}
	return m
}

// Softmax normalizes exp(x) along axis to sum to one.
func Softmax(x *Tensor, axis int) *Tensor {
	axis = normAxis("Softmax", axis, x.Dims())
	out := result(x.Shape, false, x)
	lanes(x.Shape, axis, 16, func(base, n, stride int) {
		m := laneMax(x.Data, base, n, stride)
		var s float64
		for k := 0; k < n; k++ {
			e := math.Exp(float64(x.Data[base+k*stride] - m))
			out.Data[base+k*stride] = float32(e)
			s += e
		}
		for k := 0; k < n; k++ {
			out.Data[base+k*stride] = float32(float64(out.Data[base+k*stride]) / s)
		}
	})
	return record(out, "Softmax", func(out *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		lanes(out.Shape, axis, 2, func(base, n, stride int) {
			var dot float64
			for k := 0; k < n; k++ {
				dot += float64(g[base+k*stride] * out.Data[base+k*stride])
			}
			for k := 0; k < n; k++ {
				i := base + k*stride
				gx[i] += out.Data[i] * (g[i] - float32(dot))
			}
		})
	}, x)
}

// LogSoftmax returns log(Softmax(x, axis)), computed stably.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	axis = normAxis("LogSoftmax", axis, x.Dims())
	out := result(x.Shape, false, x)
	lanes(x.Shape, axis, 16, func(base, n, stride int) {
		m := laneMax(x.Data, base, n, stride)
		var s float64
		for k := 0; k < n; k++ {
			s += math.Exp(float64(x.Data[base+k*stride] - m))
		}
		lse := float64(m) + math.Log(s)
		for k := 0; k < n; k++ {
			out.Data[base+k*stride] = float32(float64(x.Data[base+k*stride]) - lse)
		}
	})
	return record(out, "LogSoftmax", func(out *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		lanes(out.Shape, axis, 16, func(base, n, stride int) {
			var gs float64
			for k := 0; k < n; k++ {
				gs += float64(g[base+k*stride])
			}
			for k := 0; k < n; k++ {
				i := base + k*stride
				gx[i] += g[i] - float32(math.Exp(float64(out.Data[i])))*float32(gs)
			}
		})
	}, x)
}

package nn

import (
	"math"
)

// broadcastShape returns the shape of a op b under NumPy broadcasting rules.
func broadcastShape(op string, a, b []int) []int {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		default:
			panic(shapeErr(op, "shapes %v and %v do not broadcast", a, b))
		}
	}
	return out
}

// bstrides returns the strides of in (a shape broadcast to out) in out's
// dimensions, with 0 for broadcast dimensions.
func bstrides(in, out []int) []int {
	s := make([]int, len(out))
	stride := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := len(in) - len(out) + i
		if j >= 0 && in[j] != 1 {
			s[i] = stride
		}
		if j >= 0 {
			stride *= in[j]
		}
	}
	return s
}

// eachBroadcast calls fn(i, ia, ib) for every element i of the broadcast
// result of shapes a and b, with the flat indices of the elements of a and b
// it is computed from.
func eachBroadcast(out, a, b []int, fn func(i, ia, ib int)) {
	n := numel(out)
	na, nb := numel(a), numel(b)
	switch {
	case na == n && nb == n:
		for i := 0; i < n; i++ {
			fn(i, i, i)
		}
		return
	case nb == 1 && na == n:
		for i := 0; i < n; i++ {
			fn(i, i, 0)
		}
		return
	case na == 1 && nb == n:
		for i := 0; i < n; i++ {
			fn(i, 0, i)
		}
		return
	case na == n && isSuffix(b, out):
		for i := 0; i < n; i++ {
			fn(i, i, i%nb)
		}
		return
	}
	sa, sb := bstrides(a, out), bstrides(b, out)
	idx := make([]int, len(out))
	ia, ib := 0, 0
	for i := 0; i < n; i++ {
		fn(i, ia, ib)
		for d := len(out) - 1; d >= 0; d-- {
			idx[d]++
			ia += sa[d]
			ib += sb[d]
			if idx[d] < out[d] {
				break
			}
			ia -= sa[d] * out[d]
			ib -= sb[d] * out[d]
			idx[d] = 0
		}
	}
}

// isSuffix reports whether shape b equals the trailing dimensions of out
// (after dropping b's leading ones).
func isSuffix(b, out []int) bool {
	for len(b) > 0 && b[0] == 1 {
		b = b[1:]
	}
	if len(b) > len(out) {
		return false
	}
	return sameShape(b, out[len(out)-len(b):])
}

// binary applies f elementwise with broadcasting; da and db give the partial
// derivatives of f with respect to its first and second argument.
func binary(op string, a, b *Tensor, f func(x, y float32) float32, da, db func(x, y, z float32) float32) *Tensor {
	shape := broadcastShape(op, a.Shape, b.Shape)
	out := Zeros(shape...)
	ad, bd, od := a.Data, b.Data, out.Data
	eachBroadcast(shape, a.Shape, b.Shape, func(i, ia, ib int) { od[i] = f(ad[ia], bd[ib]) })
	return record(out, op, func(out *Tensor, g []float32, ig [][]float32) {
		ga, gb := ig[0], ig[1]
		eachBroadcast(out.Shape, a.Shape, b.Shape, func(i, ia, ib int) {
			if ga != nil {
				ga[ia] += g[i] * da(ad[ia], bd[ib], out.Data[i])
			}
			if gb != nil {
				gb[ib] += g[i] * db(ad[ia], bd[ib], out.Data[i])
			}
		})
	}, a, b)
}

// Add returns a + b with broadcasting.
func Add(a, b *Tensor) *Tensor {
	return binary("Add", a, b, func(x, y float32) float32 { return x + y },
		func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return 1 })
}

// Sub returns a - b with broadcasting.
func Sub(a, b *Tensor) *Tensor {
	return binary("Sub", a, b, func(x, y float32) float32 { return x - y },
		func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return -1 })
}

// Mul returns the elementwise product a * b with broadcasting.
func Mul(a, b *Tensor) *Tensor {
	return binary("Mul", a, b, func(x, y float32) float32 { return x * y },
		func(_, y, _ float32) float32 { return y }, func(x, _, _ float32) float32 { return x })
}

// Div returns a / b elementwise with broadcasting.
func Div(a, b *Tensor) *Tensor {
	return binary("Div", a, b, func(x, y float32) float32 { return x / y },
		func(_, y, _ float32) float32 { return 1 / y }, func(x, y, _ float32) float32 { return -x / (y * y) })
}

// Maximum returns the elementwise maximum of a and b with broadcasting; the
// gradient goes to a where a >= b.
func Maximum(a, b *Tensor) *Tensor {
	return binary("Maximum", a, b, func(x, y float32) float32 { return max(x, y) },
		func(x, y, _ float32) float32 { return step(x >= y) }, func(x, y, _ float32) float32 { return step(x < y) })
}

func step(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// unary applies f elementwise; df gives the derivative from the input x and
// the output y.
func unary(op string, x *Tensor, f func(float32) float32, df func(x, y float32) float32) *Tensor {
	out := &Tensor{Shape: x.Shape, Data: make([]float32, len(x.Data))}
	for i, v := range x.Data {
		out.Data[i] = f(v)
	}
	return record(out, op, func(out *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		for i, v := range x.Data {
			gx[i] += g[i] * df(v, out.Data[i])
		}
	}, x)
}

// Scale returns s * x.
func Scale(x *Tensor, s float32) *Tensor {
	return unary("Scale", x, func(v float32) float32 { return s * v }, func(_, _ float32) float32 { return s })
}

// AddScalar returns x + s.
func AddScalar(x *Tensor, s float32) *Tensor {
	return unary("AddScalar", x, func(v float32) float32 { return v + s }, func(_, _ float32) float32 { return 1 })
}

// Neg returns -x.
func Neg(x *Tensor) *Tensor { return Scale(x, -1) }

// ReLU returns max(x, 0).
func ReLU(x *Tensor) *Tensor {
	return unary("ReLU", x, func(v float32) float32 { return max(v, 0) }, func(v, _ float32) float32 { return step(v > 0) })
}

// LeakyReLU returns x for x > 0 and slope·x otherwise.
func LeakyReLU(x *Tensor, slope float32) *Tensor {
	return unary("LeakyReLU", x, func(v float32) float32 {
		if v > 0 {
			return v
		}
		return slope * v
	}, func(v, _ float32) float32 {
		if v > 0 {
			return 1
		}
		return slope
	})
}

// GELU returns x·Φ(x) with Φ the standard normal CDF (the exact form, as
// PyTorch's default).
func GELU(x *Tensor) *Tensor {
	return unary("GELU", x, func(v float32) float32 {
		f := float64(v)
		return float32(0.5 * f * (1 + math.Erf(f/math.Sqrt2)))
	}, func(v, _ float32) float32 {
		f := float64(v)
		cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
		pdf := math.Exp(-0.5*f*f) / math.Sqrt(2*math.Pi)
		return float32(cdf + f*pdf)
	})
}

// Sigmoid returns 1 / (1 + exp(-x)).
func Sigmoid(x *Tensor) *Tensor {
	return unary("Sigmoid", x, sigmoid, func(_, y float32) float32 { return y * (1 - y) })
}

func sigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(x *Tensor) *Tensor {
	return unary("Tanh", x, func(v float32) float32 { return float32(math.Tanh(float64(v))) },
		func(_, y float32) float32 { return 1 - y*y })
}

// Exp returns e^x.
func Exp(x *Tensor) *Tensor {
	return unary("Exp", x, func(v float32) float32 { return float32(math.Exp(float64(v))) },
		func(_, y float32) float32 { return y })
}

// Log returns the natural logarithm of x.
func Log(x *Tensor) *Tensor {
	return unary("Log", x, func(v float32) float32 { return float32(math.Log(float64(v))) },
		func(v, _ float32) float32 { return 1 / v })
}

// Sqrt returns the square root of x.
func Sqrt(x *Tensor) *Tensor {
	return unary("Sqrt", x, func(v float32) float32 { return float32(math.Sqrt(float64(v))) },
		func(_, y float32) float32 { return 0.5 / y })
}

// Square returns x².
func Square(x *Tensor) *Tensor {
	return unary("Square", x, func(v float32) float32 { return v * v }, func(v, _ float32) float32 { return 2 * v })
}

// Abs returns |x|; its gradient at 0 is 0.
func Abs(x *Tensor) *Tensor {
	return unary("Abs", x, func(v float32) float32 { return float32(math.Abs(float64(v))) },
		func(v, _ float32) float32 { return step(v > 0) - step(v < 0) })
}

// Clamp limits x to [lo, hi]; the gradient is zero where x is clamped.
func Clamp(x *Tensor, lo, hi float32) *Tensor {
	return unary("Clamp", x, func(v float32) float32 { return min(max(v, lo), hi) },
		func(v, _ float32) float32 { return step(v >= lo && v <= hi) })
}

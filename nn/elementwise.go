package nn

import (
	"math"
	"runtime"
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
	out := result(shape, false, a, b)
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
	if out := arith("Add", a, b, opAdd); out != nil {
		return out
	}
	return binary("Add", a, b, func(x, y float32) float32 { return x + y },
		func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return 1 })
}

// Sub returns a - b with broadcasting.
func Sub(a, b *Tensor) *Tensor {
	if out := arith("Sub", a, b, opSub); out != nil {
		return out
	}
	return binary("Sub", a, b, func(x, y float32) float32 { return x - y },
		func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return -1 })
}

// Mul returns the elementwise product a * b with broadcasting.
func Mul(a, b *Tensor) *Tensor {
	if out := arith("Mul", a, b, opMul); out != nil {
		return out
	}
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
// the output y. Large tensors are split across goroutines.
func unary(op string, x *Tensor, f func(float32) float32, df func(x, y float32) float32) *Tensor {
	out := result(x.Shape, false, x)
	xd, od := x.Data, out.Data
	elementwise(len(xd), 4, func(lo, hi int) {
		for i, v := range xd[lo:hi] {
			od[lo+i] = f(v)
		}
	})
	return record(out, op, func(out *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		elementwise(len(xd), 4, func(lo, hi int) {
			for i, v := range xd[lo:hi] {
				gx[lo+i] += g[lo+i] * df(v, od[lo+i])
			}
		})
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
	out := result(x.Shape, false, x)
	xd, od := x.Data, out.Data
	elementwise(len(xd), 1, func(lo, hi int) {
		dst := od[lo:hi]
		for i, v := range xd[lo:hi] {
			dst[i] = max(v, 0)
		}
	})
	return record(out, "ReLU", func(_ *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		elementwise(len(xd), 1, func(lo, hi int) {
			dst, gs := gx[lo:hi], g[lo:hi]
			for i, v := range xd[lo:hi] {
				// Branch-free: the signs of the inputs are random, so a
				// branch would be mispredicted half the time. keep is all
				// ones where v > 0 and zero where v ≤ 0 (−0 included).
				keep := uint32((int64(int32(math.Float32bits(v))) - 1) >> 63)
				dst[i] += math.Float32frombits(math.Float32bits(gs[i]) &^ keep)
			}
		})
	}, x)
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
	return smooth("Sigmoid", x, sigmoid, func(y float32) float32 { return y * (1 - y) })
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
	out := result(x.Shape, false, x)
	xd, od := x.Data, out.Data
	elementwise(len(xd), 8, func(lo, hi int) { tanhSlice(od[lo:hi], xd[lo:hi]) })
	return record(out, "Tanh", func(_ *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		elementwise(len(od), 1, func(lo, hi int) {
			dst, gs := gx[lo:hi], g[lo:hi]
			for i, y := range od[lo:hi] {
				dst[i] += gs[i] * (1 - y*y)
			}
		})
	}, x)
}

// smooth is unary for an activation whose derivative is a function of its
// output alone; the backward pass then reads only the output and the
// gradient.
func smooth(op string, x *Tensor, f func(float32) float32, dy func(y float32) float32) *Tensor {
	out := result(x.Shape, false, x)
	xd, od := x.Data, out.Data
	elementwise(len(xd), 16, func(lo, hi int) {
		dst := od[lo:hi]
		for i, v := range xd[lo:hi] {
			dst[i] = f(v)
		}
	})
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		elementwise(len(od), 1, func(lo, hi int) {
			dst, gs := gx[lo:hi], g[lo:hi]
			for i, y := range od[lo:hi] {
				dst[i] += gs[i] * dy(y)
			}
		})
	}, x)
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

type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
)

// arith computes a op b for the broadcasts that dominate training (equal
// shapes, a bias row added to every row, a scalar) with tight loops, and
// returns nil for any other broadcast, which binary handles.
func arith(name string, a, b *Tensor, op arithOp) *Tensor {
	n, nb := len(a.Data), len(b.Data)
	if n == 0 || nb == 0 {
		return nil
	}
	// b's shape, without leading ones, must end a's shape: then the result
	// has a's shape and b repeats along it.
	if !sameShape(a.Shape, b.Shape) && (len(b.Shape) > len(a.Shape) || !isSuffix(b.Shape, a.Shape)) {
		return nil
	}
	out := result(a.Shape, false, a, b)
	ad, bd, od := a.Data, b.Data, out.Data
	// Rows of length nb: b is applied to each row in turn (nb == n when the
	// shapes are equal, so there is one row).
	elementwise(n/nb, nb, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			x, y := ad[r*nb:(r+1)*nb], bd[:nb]
			dst := od[r*nb : (r+1)*nb]
			switch op {
			case opAdd:
				for i, v := range x {
					dst[i] = v + y[i]
				}
			case opSub:
				for i, v := range x {
					dst[i] = v - y[i]
				}
			case opMul:
				for i, v := range x {
					dst[i] = v * y[i]
				}
			}
		}
	})
	return record(out, name, func(_ *Tensor, g []float32, ig [][]float32) {
		ga, gb := ig[0], ig[1]
		if ga != nil {
			elementwise(n/nb, nb, func(lo, hi int) {
				for r := lo; r < hi; r++ {
					dst, gs := ga[r*nb:(r+1)*nb], g[r*nb:(r+1)*nb]
					if op == opMul {
						y := bd[:nb]
						for i, v := range gs {
							dst[i] += v * y[i]
						}
						continue
					}
					addTo(dst, gs)
				}
			})
		}
		if gb == nil {
			return
		}
		// The broadcast operand sums its gradient over the rows, in row
		// order.
		if nb == 1 && n > 1 {
			var s float32
			for i, v := range g {
				switch op {
				case opAdd:
					s += v
				case opSub:
					s -= v
				case opMul:
					s += v * ad[i]
				}
			}
			gb[0] += s
			return
		}
		if op == opMul && n == nb {
			elementwise(n, 1, func(lo, hi int) {
				dst, gs, x := gb[lo:hi], g[lo:hi], ad[lo:hi]
				for i, v := range gs {
					dst[i] += v * x[i]
				}
			})
			return
		}
		// A bias gradient is a sum over rows; workers take column ranges
		// and add the rows in order, as one goroutine would.
		elementwise(nb, n/nb, func(lo, hi int) {
			for r := 0; r < n/nb; r++ {
				dst, gs := gb[lo:hi], g[r*nb+lo:r*nb+hi]
				switch op {
				case opAdd:
					addTo(dst, gs)
				case opSub:
					for i, v := range gs {
						dst[i] -= v
					}
				case opMul:
					x := ad[r*nb+lo : r*nb+hi]
					for i, v := range gs {
						dst[i] += v * x[i]
					}
				}
			}
		})
	}, a, b)
}

// elementwiseMinCost is the number of element operations from which
// elementwise splits its work: about 20 µs of simple arithmetic, several
// times what handing a block to a second goroutine costs. The split is
// dynamic (see parallel), so on a busy machine the caller just does all the
// blocks itself.
const elementwiseMinCost = 1 << 16

// elementwise runs fn over [0, n) split into contiguous ranges across
// goroutines when n·cost (cost in rough element operations per index) is
// large enough to pay for them.
func elementwise(n, cost int, fn func(lo, hi int)) {
	w := 1
	if float64(n)*float64(cost) >= elementwiseMinCost {
		w = max(1, min(runtime.GOMAXPROCS(0), n))
	}
	parallelSpans(w, n, fn)
}

package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randTensor returns a tensor of uniform values in [lo, hi) that requires a
// gradient.
func randTensor(rng *rand.Rand, lo, hi float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.Data {
		t.Data[i] = lo + (hi-lo)*rng.Float32()
	}
	t.requiresGrad = true
	return t
}

// checkGrad compares the analytic gradients of f with central finite
// differences. The scalar checked is Σ w_i·f(inputs)_i with fixed random
// weights w, accumulated in float64 so that float32 rounding of the sum does
// not swamp the differences. Inputs should keep away from kinks (ReLU at 0,
// ties in Max) by at least eps.
func checkGrad(t *testing.T, name string, f func(in []*Tensor) *Tensor, inputs ...*Tensor) {
	t.Helper()
	const eps = 1e-2
	rng := rand.New(rand.NewPCG(7, 7))
	out := f(inputs)
	w := make([]float32, len(out.Data))
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	scalar := func() float64 {
		o := f(inputs)
		var s float64
		for i, v := range o.Data {
			s += float64(w[i]) * float64(v)
		}
		return s
	}
	for _, in := range inputs {
		in.Grad = nil
	}
	BackwardWith(out, w)
	for k, in := range inputs {
		if !in.requiresGrad {
			continue
		}
		if in.Grad == nil {
			in.Grad = make([]float32, len(in.Data))
		}
		for i := range in.Data {
			orig := in.Data[i]
			in.Data[i] = orig + eps
			plus := scalar()
			in.Data[i] = orig - eps
			minus := scalar()
			in.Data[i] = orig
			num := (plus - minus) / (2 * eps)
			ana := float64(in.Grad[i])
			tol := 2e-2*math.Max(math.Abs(num), math.Abs(ana)) + 2e-3
			if math.Abs(num-ana) > tol || math.IsNaN(ana) {
				t.Errorf("%s: input %d element %d: analytic gradient %g, numeric %g", name, k, i, ana, num)
				return
			}
		}
	}
}

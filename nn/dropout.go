package nn

import (
	"math/rand/v2"
)

// Dropout zeroes each element of x with probability p during training and
// scales the survivors by 1/(1 − p) (inverted dropout), so the expected
// value is unchanged and evaluation needs no rescaling. In evaluation
// (train false) or with p == 0 it returns x itself. The mask is drawn from
// rng, one Float32 per element in order, so a seeded rng gives the same
// mask every run. p must lie in [0, 1).
func Dropout(x *Tensor, p float32, train bool, rng *rand.Rand) *Tensor {
	if !(p >= 0 && p < 1) {
		panic(shapeErr("Dropout", "probability %g for input %v, want 0 ≤ p < 1", p, x.Shape))
	}
	if !train || p == 0 {
		return x
	}
	if rng == nil {
		panic(shapeErr("Dropout", "training needs a random source (input %v)", x.Shape))
	}
	keep := 1 / (1 - p)
	mask := make([]float32, len(x.Data))
	out := &Tensor{Shape: x.Shape, Data: make([]float32, len(x.Data))}
	for i, v := range x.Data {
		if rng.Float32() >= p {
			mask[i] = keep
			out.Data[i] = v * keep
		}
	}
	return record(out, "Dropout", func(_ *Tensor, g []float32, ig [][]float32) {
		for i, m := range mask {
			ig[0][i] += g[i] * m
		}
	}, x)
}

package nn

import (
	"math"
	"math/rand/v2"
)

// fans returns the fan-in and fan-out of a weight: [in, out] for linear
// weights, [out, in/groups, kh, kw] for convolution kernels.
func fans(shape []int) (in, out int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	case 2:
		return shape[0], shape[1]
	default:
		rf := numel(shape[2:])
		return shape[1] * rf, shape[0] * rf
	}
}

func fillUniform(t *Tensor, bound float64, rng *rand.Rand) {
	for i := range t.Data {
		t.Data[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

func fillNormal(t *Tensor, std float64, rng *rand.Rand) {
	for i := range t.Data {
		t.Data[i] = float32(rng.NormFloat64() * std)
	}
}

// XavierUniform fills t from U(-a, a) with a = sqrt(6 / (fanIn + fanOut))
// (Glorot and Bengio 2010), suited to tanh and sigmoid layers.
func XavierUniform(t *Tensor, rng *rand.Rand) {
	in, out := fans(t.Shape)
	fillUniform(t, math.Sqrt(6/float64(in+out)), rng)
}

// XavierNormal fills t from N(0, 2 / (fanIn + fanOut)).
func XavierNormal(t *Tensor, rng *rand.Rand) {
	in, out := fans(t.Shape)
	fillNormal(t, math.Sqrt(2/float64(in+out)), rng)
}

// HeUniform fills t from U(-a, a) with a = sqrt(6 / fanIn) (He et al.
// 2015), suited to ReLU layers.
func HeUniform(t *Tensor, rng *rand.Rand) {
	in, _ := fans(t.Shape)
	fillUniform(t, math.Sqrt(6/float64(in)), rng)
}

// HeNormal fills t from N(0, 2 / fanIn).
func HeNormal(t *Tensor, rng *rand.Rand) {
	in, _ := fans(t.Shape)
	fillNormal(t, math.Sqrt(2/float64(in)), rng)
}

// Normal fills t from N(0, std²).
func Normal(t *Tensor, std float64, rng *rand.Rand) { fillNormal(t, std, rng) }

// NewRNG returns a deterministic random source for a seed; every random
// choice in nn (initialization, dropout, shuffling) takes one explicitly.
func NewRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

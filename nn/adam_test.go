package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamVectorMatchesGo checks the vector Adam update against the Go
// loop bit for bit, on every length up to 37 (so every tail length), with
// no weight decay, L2 decay and decoupled decay, and both against the
// textbook formulas evaluated in float64.
func TestAdamVectorMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, u := range []adamUpdate{
		{b1: 0.9, c1: 0.1, b2: 0.999, c2: 1 - float32(0.999), stepSize: 0.01, sqrtC2: 0.05, eps: 1e-8, decay: 1},
		{b1: 0.8, c1: 0.2, b2: 0.99, c2: 1 - float32(0.99), stepSize: 0.003, sqrtC2: 0.3, eps: 1e-6, wd: 0.1, decay: 1},
		{b1: 0.9, c1: 0.1, b2: 0.999, c2: 1 - float32(0.999), stepSize: 0.001, sqrtC2: 0.9, eps: 1e-8, decay: 0.999},
	} {
		for n := 0; n <= 37; n++ {
			x, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], g[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e-2)
				m[i], v[i] = float32(rng.NormFloat64()*1e-3), float32(rng.Float64()*1e-4)
			}
			x0, m0, v0 := clone32(x), clone32(m), clone32(v)
			x2, m2, v2 := clone32(x), clone32(m), clone32(v)
			u.apply(x, g, m, v)
			u.applyGo(x2, g, m2, v2)
			for i := range x {
				if x[i] != x2[i] || m[i] != m2[i] || v[i] != v2[i] {
					t.Fatalf("%+v n=%d element %d: vector (%v %v %v), Go (%v %v %v)", u, n, i, x[i], m[i], v[i], x2[i], m2[i], v2[i])
				}
				xi := float64(x0[i]) * float64(u.decay)
				gi := float64(g[i]) + float64(u.wd)*xi
				mi := float64(u.b1)*float64(m0[i]) + float64(u.c1)*gi
				vi := float64(u.b2)*float64(v0[i]) + float64(u.c2)*gi*gi
				want := xi - float64(u.stepSize)*mi/(math.Sqrt(vi)/float64(u.sqrtC2)+float64(u.eps))
				if d := math.Abs(float64(x[i]) - want); d > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("%+v n=%d element %d: %v, float64 formula %v", u, n, i, x[i], want)
				}
			}
		}
	}
}

func clone32(s []float32) []float32 { return append([]float32(nil), s...) }

package mtl

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SyntheticConfig sets up the synthetic two-task regression data of the
// MMoE paper (Ma et al., KDD 2018, section 3.2), whose task correlation is
// controlled by P.
type SyntheticConfig struct {
	Rows int     // examples
	Dim  int     // input dimension d (100 in the paper)
	P    float64 // cosine between the task weight vectors, in [-1, 1]
	C    float64 // scale of the weight vectors (the paper uses 1)
	M    int     // number of sine terms (10 in the paper)
	Seed uint64
}

// Synthetic generates the data: orthogonal unit vectors u1, u2 in R^d,
// w1 = c·u1, w2 = c·(p·u1 + sqrt(1−p²)·u2), x ~ N(0, I) and
// y_i = w_iᵀx + Σ_k sin(α_k·w_iᵀx + β_k) + ε with α_k, β_k ~ N(0, 1) drawn
// once and ε ~ N(0, 0.01) (variance 0.01).
func Synthetic(cfg SyntheticConfig) (*Dataset, error) {
	if cfg.Rows <= 0 || cfg.Dim < 2 || cfg.M < 0 || cfg.P < -1 || cfg.P > 1 {
		return nil, fmt.Errorf("mtl: synthetic data needs rows > 0, dim >= 2, m >= 0 and p in [-1, 1], have %+v", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x3a3a))
	d := cfg.Dim
	// Two orthogonal unit vectors by Gram–Schmidt on Gaussian draws.
	u1, u2 := make([]float64, d), make([]float64, d)
	for i := range u1 {
		u1[i], u2[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	normalize(u1)
	dot := 0.0
	for i := range u1 {
		dot += u1[i] * u2[i]
	}
	for i := range u2 {
		u2[i] -= dot * u1[i]
	}
	normalize(u2)
	w1, w2 := make([]float64, d), make([]float64, d)
	q := math.Sqrt(1 - cfg.P*cfg.P)
	for i := range w1 {
		w1[i] = cfg.C * u1[i]
		w2[i] = cfg.C * (cfg.P*u1[i] + q*u2[i])
	}
	alpha, beta := make([]float64, cfg.M), make([]float64, cfg.M)
	for k := range alpha {
		alpha[k], beta[k] = rng.NormFloat64(), rng.NormFloat64()
	}
	out := &Dataset{
		Name:    fmt.Sprintf("synthetic(p=%g)", cfg.P),
		Dense:   make([]float32, cfg.Rows*d),
		Tasks:   []Task{{Name: "y1", Kind: Regression}, {Name: "y2", Kind: Regression}},
		Targets: [][]float32{make([]float32, cfg.Rows), make([]float32, cfg.Rows)},
		Rows:    cfg.Rows,
	}
	for i := 0; i < d; i++ {
		out.DenseNames = append(out.DenseNames, fmt.Sprintf("x%d", i))
	}
	for r := 0; r < cfg.Rows; r++ {
		x := out.Dense[r*d : (r+1)*d]
		var s1, s2 float64
		for i := range x {
			v := rng.NormFloat64()
			x[i] = float32(v)
			s1 += w1[i] * v
			s2 += w2[i] * v
		}
		y1, y2 := s1, s2
		for k := range alpha {
			y1 += math.Sin(alpha[k]*s1 + beta[k])
			y2 += math.Sin(alpha[k]*s2 + beta[k])
		}
		out.Targets[0][r] = float32(y1 + 0.1*rng.NormFloat64())
		out.Targets[1][r] = float32(y2 + 0.1*rng.NormFloat64())
	}
	return out, nil
}

func normalize(v []float64) {
	var s float64
	for _, x := range v {
		s += x * x
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] /= s
	}
}

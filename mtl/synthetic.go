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
	C    float64 // scale of the weight vectors
	M    int     // number of sine terms (10 in the paper)
	Seed uint64
}

// syntheticTasks are the parameters drawn once per data set: the two task
// weight vectors and the shape of the sine terms, which both tasks share.
type syntheticTasks struct {
	w1, w2      []float64
	alpha, beta []float64
}

// newSyntheticTasks draws orthogonal unit vectors u1, u2 (Gram–Schmidt on
// Gaussian draws), sets w1 = c·u1 and w2 = c·(p·u1 + sqrt(1−p²)·u2), and
// draws α_k, β_k ~ N(0, 1). The draws do not depend on p, so one seed
// gives the same u1, u2, α, β (and inputs) at every correlation.
func newSyntheticTasks(rng *rand.Rand, cfg SyntheticConfig) syntheticTasks {
	d := cfg.Dim
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
	t := syntheticTasks{w1: make([]float64, d), w2: make([]float64, d), alpha: make([]float64, cfg.M), beta: make([]float64, cfg.M)}
	q := math.Sqrt(1 - cfg.P*cfg.P)
	for i := range u1 {
		t.w1[i] = cfg.C * u1[i]
		t.w2[i] = cfg.C * (cfg.P*u1[i] + q*u2[i])
	}
	for k := range t.alpha {
		t.alpha[k], t.beta[k] = rng.NormFloat64(), rng.NormFloat64()
	}
	return t
}

// label returns the noise-free target wᵀx + Σ_k sin(α_k·wᵀx + β_k).
func (t syntheticTasks) label(w []float64, x []float32) float64 {
	s := 0.0
	for i, v := range x {
		s += w[i] * float64(v)
	}
	y := s
	for k, a := range t.alpha {
		y += math.Sin(a*s + t.beta[k])
	}
	return y
}

// Synthetic generates the data: x ~ N(0, I) and
// y_i = w_iᵀx + Σ_k sin(α_k·w_iᵀx + β_k) + ε_i with ε_i ~ N(0, 0.01)
// (variance 0.01), for the task parameters of newSyntheticTasks.
func Synthetic(cfg SyntheticConfig) (*Dataset, error) {
	if cfg.Rows <= 0 || cfg.Dim < 2 || cfg.M < 0 || cfg.P < -1 || cfg.P > 1 || cfg.C <= 0 {
		return nil, fmt.Errorf("mtl: synthetic data needs rows > 0, dim >= 2, m >= 0, c > 0 and p in [-1, 1], have %+v", cfg)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x3a3a))
	tasks := newSyntheticTasks(rng, cfg)
	d := cfg.Dim
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
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		out.Targets[0][r] = float32(tasks.label(tasks.w1, x) + 0.1*rng.NormFloat64())
		out.Targets[1][r] = float32(tasks.label(tasks.w2, x) + 0.1*rng.NormFloat64())
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

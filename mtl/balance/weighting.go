package balance

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/trident-lab/trident/nn"
)

// fixedWeights is "ew" (every weight 1, so the objective is the sum of the
// task losses) and "fixed" (weights chosen by the user).
type fixedWeights struct {
	base
	w []float64
}

func newFixed(b base, w []float64) (*fixedWeights, error) {
	if w == nil && b.name == "ew" {
		w = make([]float64, b.tasks)
		for i := range w {
			w[i] = 1
		}
	}
	if len(w) != b.tasks {
		return nil, fmt.Errorf("balance: fixed: %d weights for %d tasks", len(w), b.tasks)
	}
	sum := 0.0
	for i, v := range w {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("balance: fixed: weight %d is %g, want a finite value ≥ 0", i, v)
		}
		sum += v
	}
	if sum == 0 {
		return nil, fmt.Errorf("balance: fixed: every weight is zero")
	}
	return &fixedWeights{base: b, w: append([]float64(nil), w...)}, nil
}

func (m *fixedWeights) Combine(s *Step) error {
	if err := m.checkLosses(s); err != nil {
		return err
	}
	copy(s.Weights, m.w)
	return nil
}

// uncertainty is uncertainty weighting (Kendall, Gal and Cipolla, "Multi-Task
// Learning Using Uncertainty to Weigh Losses for Scene Geometry and
// Semantics", CVPR 2018). Each task has a learnable log-variance
// s_i = log σ_i², and the objective is the paper's Gaussian-likelihood form
//
//	Σ_i ½·exp(−s_i)·L_i + ½·s_i
//
// for every task (the form LibMTL uses; the paper's classification variant
// differs only by constant factors). The s_i start at 0 and are returned
// by Params; Combine sets Weights to ½·exp(−s_i) and writes
// d/ds_i = ½ − ½·exp(−s_i)·L_i into their gradient.
type uncertainty struct {
	base
	logVar *nn.Tensor
}

func newUncertainty(b base) *uncertainty {
	return &uncertainty{base: b, logVar: nn.Param(make([]float32, b.tasks), b.tasks)}
}

func (m *uncertainty) Params() []*nn.Tensor { return []*nn.Tensor{m.logVar} }

func (m *uncertainty) Combine(s *Step) error {
	if err := m.checkLosses(s); err != nil {
		return err
	}
	if m.logVar.Grad == nil {
		m.logVar.Grad = make([]float32, m.tasks)
	}
	for i, l := range s.Losses {
		p := math.Exp(-float64(m.logVar.Data[i]))
		if math.IsInf(p, 0) || math.IsNaN(p) {
			return fmt.Errorf("balance: uw: log-variance of task %d is %g", i, m.logVar.Data[i])
		}
		s.Weights[i] = 0.5 * p
		m.logVar.Grad[i] = float32(0.5 - 0.5*p*l)
	}
	return nil
}

// gradNorm is GradNorm (Chen, Badrinarayanan, Lee and Rabinovich,
// "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep
// Multitask Networks", ICML 2018). The loss weights w_i are trainable (Params,
// starting at 1). With G_i = w_i·‖∇_W L_i‖ the gradient norm of the weighted
// task loss at the last shared layer W, Ḡ their mean, and
// r_i = (L_i/L_i(0)) / mean_j(L_j/L_j(0)) the relative inverse training
// rate, Combine writes the gradient of
//
//	L_grad = Σ_i |G_i − Ḡ·r_i^α|
//
// with respect to w into the weights' gradient, holding the targets Ḡ·r_i^α
// constant as the paper prescribes. The trainer's optimizer updates w;
// the next Combine renormalises them to sum to T (weights below 1e-6 are
// raised to it first, as a non-positive weight has no meaning). L_i(0) are
// the losses of the first step, kept in State.
type gradNorm struct {
	base
	alpha   float64
	w       *nn.Tensor
	initial []float64
}

func newGradNorm(b base, alpha float64) (*gradNorm, error) {
	if alpha < 0 || math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("balance: gradnorm: alpha = %g, want a finite value ≥ 0", alpha)
	}
	w := nn.Full(1, b.tasks)
	w.SetRequiresGrad(true)
	return &gradNorm{base: b, alpha: alpha, w: w}, nil
}

func (m *gradNorm) Needs() Needs         { return Needs{LastSharedGrads: true} }
func (m *gradNorm) Params() []*nn.Tensor { return []*nn.Tensor{m.w} }
func (m *gradNorm) State() []float64     { return append([]float64(nil), m.initial...) }

func (m *gradNorm) SetState(s []float64) error {
	if len(s) == 0 {
		m.initial = nil
		return nil
	}
	if err := m.checkState(s, m.tasks); err != nil {
		return err
	}
	for i, v := range s {
		if v <= 0 {
			return fmt.Errorf("balance: gradnorm: initial loss of task %d is %g in the state, want > 0", i, v)
		}
	}
	m.initial = append([]float64(nil), s...)
	return nil
}

func (m *gradNorm) Combine(s *Step) error {
	if err := m.checkLosses(s); err != nil {
		return err
	}
	if _, err := m.checkRows("last shared layer gradients", s.LastShared); err != nil {
		return err
	}
	if m.initial == nil {
		for i, l := range s.Losses {
			if l <= 0 {
				return fmt.Errorf("balance: gradnorm: first loss of task %d is %g, need a positive loss to measure training rates", i, l)
			}
		}
		m.initial = append([]float64(nil), s.Losses...)
	}
	// Renormalise after the optimizer's last update.
	sum := 0.0
	for i, v := range m.w.Data {
		if v < 1e-6 || math.IsNaN(float64(v)) {
			m.w.Data[i] = 1e-6
		}
		sum += float64(m.w.Data[i])
	}
	T := float64(m.tasks)
	for i := range m.w.Data {
		m.w.Data[i] = float32(float64(m.w.Data[i]) * T / sum)
		s.Weights[i] = float64(m.w.Data[i])
	}
	norms := make([]float64, m.tasks)
	G := make([]float64, m.tasks)
	meanG, meanRate := 0.0, 0.0
	rate := make([]float64, m.tasks)
	for i, g := range s.LastShared {
		norms[i] = math.Sqrt(dot(g, g))
		G[i] = s.Weights[i] * norms[i]
		meanG += G[i] / T
		rate[i] = s.Losses[i] / m.initial[i]
		meanRate += rate[i] / T
	}
	if m.w.Grad == nil {
		m.w.Grad = make([]float32, m.tasks)
	}
	for i := range G {
		r := 1.0
		if meanRate > 0 {
			r = rate[i] / meanRate
		}
		target := meanG * math.Pow(r, m.alpha)
		switch {
		case G[i] > target:
			m.w.Grad[i] = float32(norms[i])
		case G[i] < target:
			m.w.Grad[i] = float32(-norms[i])
		default:
			m.w.Grad[i] = 0
		}
	}
	return nil
}

// dwa is dynamic weight average (Liu, Johns and Davison, "End-to-End
// Multi-Task Learning with Attention", CVPR 2019):
//
//	w_i(t) = T·exp(r_i(t−1)/τ) / Σ_j exp(r_j(t−1)/τ),  r_i(t−1) = L_i(t−1)/L_i(t−2)
//
// where L_i(t) is task i's mean training loss over epoch t, given to
// EndEpoch, and τ the temperature (2 in the paper). Until two epochs have
// ended every weight is 1. The last two epochs' losses are its State.
type dwa struct {
	base
	temp       float64
	prev, last []float64 // losses of epochs t−2 and t−1
}

func newDWA(b base, temp float64) (*dwa, error) {
	if temp <= 0 || math.IsNaN(temp) || math.IsInf(temp, 0) {
		return nil, fmt.Errorf("balance: dwa: temperature %g, want a finite value > 0", temp)
	}
	return &dwa{base: b, temp: temp}, nil
}

func (m *dwa) EndEpoch(l []float64) error {
	if err := m.checkEpochLosses(l); err != nil {
		return err
	}
	m.prev, m.last = m.last, append([]float64(nil), l...)
	return nil
}

// State is the number of epochs seen (0, 1 or 2 meaning "2 or more")
// followed by the losses of epochs t−2 and t−1 that are known.
func (m *dwa) State() []float64 {
	switch {
	case m.last == nil:
		return []float64{0}
	case m.prev == nil:
		return append([]float64{1}, m.last...)
	}
	return append(append([]float64{2}, m.prev...), m.last...)
}

func (m *dwa) SetState(s []float64) error {
	if len(s) == 0 {
		return m.checkState(s, 1)
	}
	n := int(s[0])
	if float64(n) != s[0] || n < 0 || n > 2 {
		return fmt.Errorf("balance: dwa: state starts with %g, want 0, 1 or 2", s[0])
	}
	if err := m.checkState(s, 1+n*m.tasks); err != nil {
		return err
	}
	m.prev, m.last = nil, nil
	for k := 0; k < n; k++ {
		m.prev, m.last = m.last, append([]float64(nil), s[1+k*m.tasks:1+(k+1)*m.tasks]...)
	}
	return nil
}

func (m *dwa) Combine(s *Step) error {
	if err := m.checkLosses(s); err != nil {
		return err
	}
	if m.prev == nil {
		for i := range s.Weights {
			s.Weights[i] = 1
		}
		return nil
	}
	z := make([]float64, m.tasks)
	for i := range z {
		if m.prev[i] == 0 {
			return fmt.Errorf("balance: dwa: task %d's epoch loss is 0, its loss ratio is undefined", i)
		}
		z[i] = m.last[i] / m.prev[i] / m.temp
	}
	softmax(s.Weights, z)
	for i := range s.Weights {
		s.Weights[i] *= float64(m.tasks)
	}
	return nil
}

// randomWeights is random loss weighting (Lin, Ye, Xu, Shi and Zhang,
// "Reasonable Effectiveness of Random Weighting: A Litmus Test for
// Multi-Task Learning", TMLR 2022; arXiv 2021): each step the weights are
// softmax(z) with z ~ N(0, I), so they sum to 1. z is drawn from a PCG
// generator seeded with (Config.Seed, Step.Index).
type randomWeights struct {
	base
	seed uint64
}

func (m *randomWeights) Combine(s *Step) error {
	if err := m.checkLosses(s); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(m.seed, uint64(s.Index)))
	z := make([]float64, m.tasks)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	softmax(s.Weights, z)
	return nil
}

// softmax writes the softmax of z into out.
func softmax(out, z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for i, v := range z {
		out[i] = math.Exp(v - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
}

package balance

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// coefficients is the part of a gradient method that differs between
// methods: from the Gram matrix of the task gradients (and the step's
// losses and index) it chooses the combination coefficients.
type coefficients interface {
	coef(gram *matrix, s *Step) ([]float64, error)
}

// gradMethod runs a coefficients rule as a Method: it validates the step,
// builds the Gram matrix of Step.Grads, and writes Coef, the combined
// gradient Shared and unit Weights.
type gradMethod struct {
	base
	needs Needs
	rule  coefficients
}

func newGradMethod(b base, n Needs, r coefficients) *gradMethod {
	return &gradMethod{base: b, needs: n, rule: r}
}

func (m *gradMethod) Needs() Needs { return m.needs }

func (m *gradMethod) Combine(s *Step) error {
	buf := s.Shared
	if err := m.checkLosses(s); err != nil {
		return err
	}
	P, err := m.checkRows("task gradients", s.Grads)
	if err != nil {
		return err
	}
	gram := gramMatrix(s.Grads)
	for i := 0; i < m.tasks; i++ {
		if v := gram.at(i, i); math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("balance: %s: gradient of task %d is not finite", m.name, i)
		}
	}
	c, err := m.rule.coef(gram, s)
	if err != nil {
		return fmt.Errorf("balance: %s: %w", m.name, err)
	}
	for i, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("balance: %s: coefficient of task %d is %g", m.name, i, v)
		}
	}
	s.Coef = c
	for i := range s.Weights {
		s.Weights[i] = 1
	}
	if len(buf) != P {
		buf = make([]float32, P)
	}
	s.Shared = buf
	combine(s.Shared, s.Grads, c)
	return nil
}

// matrix is a small dense row-major float64 matrix.
type matrix struct {
	n    int
	data []float64
}

func newMatrix(n int) *matrix             { return &matrix{n: n, data: make([]float64, n*n)} }
func (m *matrix) at(i, j int) float64     { return m.data[i*m.n+j] }
func (m *matrix) set(i, j int, v float64) { m.data[i*m.n+j] = v }
func (m *matrix) row(i int) []float64     { return m.data[i*m.n : (i+1)*m.n] }

// mulVec returns m·v.
func (m *matrix) mulVec(v []float64) []float64 {
	out := make([]float64, m.n)
	for i := range out {
		out[i] = dot64(m.row(i), v)
	}
	return out
}

// quad returns vᵀ·m·v.
func (m *matrix) quad(v []float64) float64 { return dot64(v, m.mulVec(v)) }

// gramMatrix returns G·Gᵀ for the rows of G, accumulated in float64.
func gramMatrix(rows [][]float32) *matrix {
	T := len(rows)
	m := newMatrix(T)
	for i := 0; i < T; i++ {
		for j := i; j < T; j++ {
			v := dot(rows[i], rows[j])
			m.set(i, j, v)
			m.set(j, i, v)
		}
	}
	return m
}

// dot returns the inner product of two float32 vectors of equal length,
// accumulated in float64.
func dot(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += float64(a[i]) * float64(b[i])
		s1 += float64(a[i+1]) * float64(b[i+1])
		s2 += float64(a[i+2]) * float64(b[i+2])
		s3 += float64(a[i+3]) * float64(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * float64(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// combine writes Σ_i c[i]·rows[i] into out.
func combine(out []float32, rows [][]float32, c []float64) {
	clear(out)
	for i, r := range rows {
		ci := float32(c[i])
		if ci == 0 {
			continue
		}
		r = r[:len(out)]
		for p, v := range r {
			out[p] += ci * v
		}
	}
}

// pcgrad is PCGrad (Yu, Kumar, Gupta, Levine, Hausman and Finn, "Gradient
// Surgery for Multi-Task Learning", NeurIPS 2020). For each task i, in a
// random order of the other tasks j, whenever the projected gradient g_i'
// conflicts with the original g_j (g_i'·g_j < 0) its component along g_j is
// removed: g_i' −= (g_i'·g_j / ‖g_j‖²)·g_j. The result is the sum Σ_i g_i'
// (the paper's and torchjd's convention; LibMTL also sums). The projections
// run on coefficient vectors through the Gram matrix, so their cost does not
// depend on the number of parameters. The order is drawn from a PCG
// generator seeded with (Config.Seed, Step.Index); with two tasks it does not
// matter.
type pcgrad struct{ seed uint64 }

func (p pcgrad) coef(g *matrix, s *Step) ([]float64, error) {
	T := g.n
	rng := rand.New(rand.NewPCG(p.seed, uint64(s.Index)))
	total := make([]float64, T)
	ci := make([]float64, T)
	order := make([]int, 0, T-1)
	for i := 0; i < T; i++ {
		clear(ci)
		ci[i] = 1
		order = order[:0]
		for j := 0; j < T; j++ {
			if j != i {
				order = append(order, j)
			}
		}
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, j := range order {
			njj := g.at(j, j)
			if njj == 0 {
				continue
			}
			d := 0.0 // g_i'·g_j
			for k, c := range ci {
				d += c * g.at(k, j)
			}
			if d < 0 {
				ci[j] -= d / njj
			}
		}
		for k, c := range ci {
			total[k] += c
		}
	}
	return total, nil
}

// mgda is the multiple-gradient descent algorithm as Sener and Koltun solve
// it ("Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018):
// the combined gradient is the min-norm point of the convex hull of the task
// gradients, Σ_i α_i·g_i with α on the simplex, found by Frank–Wolfe (with
// away steps, which converge linearly on this problem) in the Gram matrix.
// "mgda-ub" is the same solver applied to gradients with respect to the
// shared representation (the paper's upper bound), which needs only the
// heads' backward passes per task.
//
// With a normalisation (Config.Normalization) the authors' code first
// divides each task's gradient by n_i — its norm ("l2"), its loss
// ("loss") or both ("loss+", their MultiMNIST setting) — solves the
// min-norm problem for the scaled gradients, and uses the resulting α as
// weights of the unscaled gradients; so does this method. (LibMTL instead
// combines the scaled gradients.) Without one, as in torchjd's reference,
// the coefficients are the min-norm point itself and sum to 1.
type mgda struct{ norm string }

func (m mgda) coef(g *matrix, s *Step) ([]float64, error) {
	if m.norm == "" || m.norm == "none" {
		return minNorm(g), nil
	}
	T := g.n
	n := make([]float64, T)
	for i := range n {
		switch m.norm {
		case "l2":
			n[i] = math.Sqrt(g.at(i, i))
		case "loss":
			n[i] = s.Losses[i]
		case "loss+":
			n[i] = s.Losses[i] * math.Sqrt(g.at(i, i))
		}
		if !(n[i] > 0) { // a zero gradient or loss is left unscaled
			n[i] = 1
		}
	}
	scaled := newMatrix(T)
	for i := 0; i < T; i++ {
		for j := 0; j < T; j++ {
			scaled.set(i, j, g.at(i, j)/(n[i]*n[j]))
		}
	}
	return minNorm(scaled), nil
}

// cagrad is conflict-averse gradient descent (Liu, Liu, Jin, Stone and Liu,
// "Conflict-Averse Gradient Descent for Multi-task Learning", NeurIPS
// 2021): with g0 the mean gradient and φ = c²‖g0‖², the direction
//
//	d = g0 + √φ·g_w/‖g_w‖,  w = argmin_{w ∈ simplex} g_wᵀg0 + √φ‖g_w‖,
//
// maximises the worst task's improvement min_i g_iᵀd over the ball
// ‖d − g0‖ ≤ c‖g0‖. This is the paper's update, as torchjd computes it;
// the authors' code divides d by 1 + c² by default. The inner problem is
// solved by projected gradient descent on the simplex.
type cagrad struct{ c float64 }

func (m cagrad) coef(g *matrix, _ *Step) ([]float64, error) {
	T := g.n
	b := make([]float64, T) // b = G·g0 = M·1/T
	for i := range b {
		for j := 0; j < T; j++ {
			b[i] += g.at(i, j) / float64(T)
		}
	}
	g0sq := 0.0
	for _, v := range b {
		g0sq += v / float64(T)
	}
	out := make([]float64, T)
	for i := range out {
		out[i] = 1 / float64(T)
	}
	if g0sq <= 0 || m.c == 0 {
		return out, nil
	}
	sphi := m.c * math.Sqrt(g0sq)
	f := func(w []float64) (float64, []float64) {
		mw := g.mulVec(w)
		n := math.Sqrt(math.Max(dot64(w, mw), 0))
		grad := make([]float64, T)
		for i := range grad {
			grad[i] = b[i]
			if n > 0 {
				grad[i] += sphi * mw[i] / n
			}
		}
		return dot64(w, b) + sphi*n, grad
	}
	w := simplexMin(f, T)
	gwn := math.Sqrt(math.Max(g.quad(w), 0))
	if gwn == 0 {
		return out, nil
	}
	for i := range out {
		out[i] += sphi * w[i] / gwn
	}
	return out, nil
}

// nash is Nash-MTL (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik
// and Fetaya, "Multi-Task Learning as a Bargaining Game", ICML 2022): the
// bargaining solution d = Σ_i α_i·g_i with α > 0 solving
//
//	(G·Gᵀ)·α = 1/α   (element-wise),
//
// so that every task's directional derivative satisfies α_i·g_iᵀd = 1.
// The paper approximates it with a sequence of convex programs (cvxpy).
// Here it is solved exactly: the equation is the stationarity condition of
// the strictly convex φ(α) = ½·αᵀMα − Σ_i log α_i (M = G·Gᵀ), minimised by
// damped Newton steps that keep α positive (Hessian M + diag(1/α²)). A
// ridge of 1e-8·trace(M)/T on M keeps φ bounded below when a positive
// combination of the gradients vanishes (no bargaining solution exists;
// the result is then a very small direction). torchjd's reference value
// corresponds to (G·Gᵀ)·α = 1/(2α), i.e. its α is this one divided by √2.
type nash struct{}

func (nash) coef(g *matrix, _ *Step) ([]float64, error) {
	T := g.n
	trace := 0.0
	for i := 0; i < T; i++ {
		trace += g.at(i, i)
	}
	if trace == 0 {
		return make([]float64, T), nil
	}
	M := newMatrix(T)
	copy(M.data, g.data)
	ridge := 1e-8 * trace / float64(T)
	for i := 0; i < T; i++ {
		M.set(i, i, M.at(i, i)+ridge)
	}
	alpha := make([]float64, T)
	for i := range alpha {
		alpha[i] = 1 / math.Sqrt(M.at(i, i))
	}
	phi := func(a []float64) float64 {
		v := 0.5 * M.quad(a)
		for _, x := range a {
			v -= math.Log(x)
		}
		return v
	}
	H := newMatrix(T)
	next := make([]float64, T)
	for range 100 {
		ma := M.mulVec(alpha)
		grad := make([]float64, T)
		for i := range grad {
			grad[i] = ma[i] - 1/alpha[i]
		}
		copy(H.data, M.data)
		for i := 0; i < T; i++ {
			H.set(i, i, H.at(i, i)+1/(alpha[i]*alpha[i]))
		}
		step, err := solveSPD(H, grad)
		if err != nil {
			return nil, fmt.Errorf("newton step: %w", err)
		}
		// The squared Newton decrement bounds 2(φ − min φ); below 1e-20·T
		// α is exact to about 1e-10 relative. Where rounding stops
		// progress first, the line search below ends the loop.
		dec := dot64(grad, step)
		if dec < 1e-20*float64(T) {
			break
		}
		// Largest step that keeps α positive, then backtracking.
		t := 1.0
		for i, d := range step {
			if d > 0 && alpha[i]-t*d <= 0 {
				t = 0.99 * alpha[i] / d
			}
		}
		f0 := phi(alpha)
		accepted := false
		for ; t > 1e-12; t *= 0.5 {
			for i := range next {
				next[i] = alpha[i] - t*step[i]
			}
			if phi(next) <= f0-0.25*t*dec {
				accepted = true
				break
			}
		}
		if !accepted { // no progress left at this precision
			break
		}
		copy(alpha, next)
	}
	return alpha, nil
}

// imtlg is the gradient part of impartial multi-task learning (Liu, Li,
// Kuang, Xue, Chen, Yang, Liao and Zhang, "Towards Impartial Multi-task
// Learning", ICLR 2021): the combination d = Σ_i α_i·g_i with Σα_i = 1
// whose projections onto every task's unit gradient u_i are equal. With
// D the rows g_1 − g_t and U the rows u_1 − u_t (t = 2..T),
// α_{2..T} = g_1·Uᵀ·(D·Uᵀ)⁻¹ and α_1 = 1 − Σ_{t≥2} α_t. The system is
// solved in the least-squares sense (pseudo-inverse), so identical or
// zero gradients give α = e_1. The paper's loss-scale part (IMTL-L) is not
// included.
type imtlg struct{}

func (imtlg) coef(g *matrix, _ *Step) ([]float64, error) {
	T := g.n
	out := make([]float64, T)
	out[0] = 1
	if T == 1 {
		return out, nil
	}
	norm := make([]float64, T)
	for i := range norm {
		norm[i] = math.Sqrt(g.at(i, i))
	}
	// gu(a, b) = g_a·u_b.
	gu := func(a, b int) float64 {
		if norm[b] == 0 {
			return 0
		}
		return g.at(a, b) / norm[b]
	}
	n := T - 1
	// K[s][t] = (g_1 − g_s)·(u_1 − u_t); the row vector x solves x·K = c,
	// c_t = g_1·(u_1 − u_t), i.e. Kᵀ·x = c.
	Kt := make([][]float64, n)
	c := make([]float64, n)
	for t := 1; t < T; t++ {
		Kt[t-1] = make([]float64, n)
		for s := 1; s < T; s++ {
			Kt[t-1][s-1] = gu(0, 0) - gu(0, t) - gu(s, 0) + gu(s, t)
		}
		c[t-1] = gu(0, 0) - gu(0, t)
	}
	x, err := leastSquares(Kt, c)
	if err != nil {
		return nil, err
	}
	for t, v := range x {
		out[t+1] = v
		out[0] -= v
	}
	return out, nil
}

// aligned is Aligned-MTL (Senushkin, Patakin, Kuznetsov and Konushin,
// "Independent Component Alignment for Multi-Task Learning", CVPR 2023).
// With the eigendecomposition G·Gᵀ = V·Λ·Vᵀ (eigenvalues below
// λ_max·T·ε_float32 dropped, as the authors' code does) and σ_min the
// square root of the smallest kept eigenvalue, the aligned gradients
// B·G, B = σ_min·V·Λ^{−1/2}·Vᵀ, are orthogonal with equal norms σ_min, and
// the result is their mean: Coef = B·1/T. This is torchjd's convention;
// LibMTL sums (T times larger).
type aligned struct{}

func (aligned) coef(g *matrix, _ *Step) ([]float64, error) {
	T := g.n
	vals, vecs, err := eigenSym(g)
	if err != nil {
		return nil, err
	}
	lmax := 0.0
	for _, v := range vals {
		lmax = math.Max(lmax, v)
	}
	out := make([]float64, T)
	if lmax <= 0 {
		return out, nil
	}
	tol := lmax * float64(T) * 0x1p-23
	lmin := math.Inf(1)
	for _, v := range vals {
		if v > tol {
			lmin = math.Min(lmin, v)
		}
	}
	smin := math.Sqrt(lmin)
	// out_i = σ_min/T · Σ_k V_ik λ_k^{−1/2} Σ_j V_jk.
	for k, lk := range vals {
		if lk <= tol {
			continue
		}
		colSum := 0.0
		for j := 0; j < T; j++ {
			colSum += vecs.at(j, k)
		}
		s := smin / math.Sqrt(lk) * colSum / float64(T)
		for i := 0; i < T; i++ {
			out[i] += vecs.at(i, k) * s
		}
	}
	return out, nil
}

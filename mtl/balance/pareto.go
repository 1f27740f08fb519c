package balance

import (
	"fmt"
	"math"
)

// paretoMTL is Pareto MTL (Lin, Zhen, Li, Zhang and Kwong, "Pareto
// Multi-Task Learning", NeurIPS 2019). K preference vectors u_1..u_K split
// the loss space into sub-regions; the model trained for u_k looks for a
// Pareto-stationary point inside
//
//	Ω_k = {L : (u_j − u_k)ᵀ·L ≤ 0 for all j ≠ k},
//
// measured on the normalised loss vector L/‖L‖ as in the authors' code.
// Each step the constraints with (u_j − u_k)ᵀL/‖L‖ > 0 are active, and the
// direction is the min-norm point of the convex hull of the task gradients
// and the active constraints' gradients (u_j − u_k)ᵀ·G (solved like MGDA,
// in the Gram matrix). Training starts with the paper's initial phase: while
// the losses lie outside Ω_k the direction is the min-norm point of the
// active constraints' gradients alone; the phase ends at the first step
// inside Ω_k or after two epochs, whichever comes first. The resulting
// coefficients are scaled so that Σ|Coef_i| = T, as in the authors' code.
// State is [phase ended (0 or 1), epochs spent in the initial phase].
type paretoMTL struct {
	*gradMethod
	rule *pmtlRule
}

type pmtlRule struct {
	w          [][]float64 // u_j − u_k for every j ≠ k
	initDone   bool
	initEpochs int
}

func newParetoMTL(b base, prefs [][]float64, k int) (*paretoMTL, error) {
	if len(prefs) == 0 {
		return nil, fmt.Errorf("balance: pmtl: no preference vectors (see Preferences)")
	}
	if k < 0 || k >= len(prefs) {
		return nil, fmt.Errorf("balance: pmtl: preference index %d, have %d vectors", k, len(prefs))
	}
	unit := make([][]float64, len(prefs))
	for j, p := range prefs {
		if len(p) != b.tasks {
			return nil, fmt.Errorf("balance: pmtl: preference vector %d has %d values for %d tasks", j, len(p), b.tasks)
		}
		n := 0.0
		for _, v := range p {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("balance: pmtl: preference vector %d has entry %g, want finite values ≥ 0", j, v)
			}
			n += v * v
		}
		if n == 0 {
			return nil, fmt.Errorf("balance: pmtl: preference vector %d is zero", j)
		}
		n = math.Sqrt(n)
		unit[j] = make([]float64, b.tasks)
		for i, v := range p {
			unit[j][i] = v / n
		}
	}
	r := &pmtlRule{}
	for j := range unit {
		if j == k {
			continue
		}
		d := make([]float64, b.tasks)
		for i := range d {
			d[i] = unit[j][i] - unit[k][i]
		}
		r.w = append(r.w, d)
	}
	return &paretoMTL{gradMethod: newGradMethod(b, Needs{TaskGrads: true}, r), rule: r}, nil
}

func (m *paretoMTL) EndEpoch(l []float64) error {
	if err := m.checkEpochLosses(l); err != nil {
		return err
	}
	if !m.rule.initDone {
		m.rule.initEpochs++
		m.rule.initDone = m.rule.initEpochs >= 2
	}
	return nil
}

func (m *paretoMTL) State() []float64 {
	done := 0.0
	if m.rule.initDone {
		done = 1
	}
	return []float64{done, float64(m.rule.initEpochs)}
}

func (m *paretoMTL) SetState(s []float64) error {
	if err := m.checkState(s, 2); err != nil {
		return err
	}
	if (s[0] != 0 && s[0] != 1) || (s[1] != 0 && s[1] != 1 && s[1] != 2) {
		return fmt.Errorf("balance: pmtl: state %v, want [0 or 1, 0 to 2 epochs]", s)
	}
	m.rule.initDone, m.rule.initEpochs = s[0] == 1, int(s[1])
	return nil
}

func (r *pmtlRule) coef(g *matrix, s *Step) ([]float64, error) {
	T := g.n
	norm := math.Sqrt(dot64(s.Losses, s.Losses))
	var active [][]float64
	if norm > 0 {
		for _, w := range r.w {
			if dot64(w, s.Losses)/norm > 0 {
				active = append(active, w)
			}
		}
	}
	if len(active) == 0 {
		r.initDone = true
	}
	// The candidate vectors are rows of A·G; their Gram matrix is A·M·Aᵀ.
	var A [][]float64
	if !r.initDone {
		A = active
	} else {
		for i := 0; i < T; i++ {
			e := make([]float64, T)
			e[i] = 1
			A = append(A, e)
		}
		A = append(A, active...)
	}
	G := newMatrix(len(A))
	for a := range A {
		ma := g.mulVec(A[a])
		for b := a; b < len(A); b++ {
			v := dot64(A[b], ma)
			G.set(a, b, v)
			G.set(b, a, v)
		}
	}
	lambda := minNorm(G)
	out := make([]float64, T)
	for a, l := range lambda {
		for i := range out {
			out[i] += l * A[a][i]
		}
	}
	abs := 0.0
	for _, v := range out {
		abs += math.Abs(v)
	}
	if abs > 0 {
		for i := range out {
			out[i] *= float64(T) / abs
		}
	}
	return out, nil
}

// Preferences returns k preference vectors for t tasks spread evenly over
// the inside of the positive orthant, each of unit length, for training k
// models along the Pareto front (one per vector, Config.Preference = index).
// For two tasks they are (cos θ, sin θ) at the angles θ = (j+½)·90°/k; for
// k = 5 these are 9°, 27°, …, 81°, the vectors of EPO's experiments. For
// more tasks they are taken from the interior points of the Das–Dennis
// simplex lattice (every coordinate a positive multiple of 1/h) with the
// fewest divisions h that has at least k of them: first the point nearest
// each vertex, then repeatedly the point farthest from those already chosen
// (ties broken by lattice order), so that any k gives a deterministic, well
// spread set. The axes themselves are left out: they stand for single-task
// training, which the single-task baselines cover, and EPO, which aims at
// the ray itself, cannot target them.
func Preferences(t, k int) ([][]float64, error) {
	if t < 2 {
		return nil, fmt.Errorf("balance: preferences need at least 2 tasks, have %d", t)
	}
	if k < 1 || k > 10000 {
		return nil, fmt.Errorf("balance: %d preference vectors requested, want 1 to 10000", k)
	}
	if k == 1 {
		v := make([]float64, t)
		for i := range v {
			v[i] = 1 / math.Sqrt(float64(t))
		}
		return [][]float64{v}, nil
	}
	if t == 2 {
		out := make([][]float64, k)
		for i := range out {
			th := (float64(i) + 0.5) * math.Pi / 2 / float64(k)
			out[i] = []float64{math.Cos(th), math.Sin(th)}
		}
		return out, nil
	}
	h := t
	for latticeSize(t, h-t) < k {
		h++
	}
	if n := latticeSize(t, h-t); n*k*t > 1e9 {
		return nil, fmt.Errorf("balance: %d preference vectors for %d tasks need a lattice of %d points, too many", k, t, n)
	}
	// The interior points of the h-lattice have coordinates (1 + c_i)/h
	// with the c_i non-negative integers summing to h − t.
	pts := lattice(t, h-t)
	for _, p := range pts {
		for c := range p {
			p[c] = (1 + p[c]) / float64(h)
		}
	}
	chosen := make([]int, 0, k)
	dist := make([]float64, len(pts)) // squared distance to the chosen set
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	pick := func(i int) {
		chosen = append(chosen, i)
		for j, p := range pts {
			d := 0.0
			for c := range p {
				x := p[c] - pts[i][c]
				d += x * x
			}
			dist[j] = math.Min(dist[j], d)
		}
	}
	for c := 0; c < t && len(chosen) < k; c++ { // nearest each vertex
		best := 0
		for j, p := range pts {
			if p[c] > pts[best][c] {
				best = j
			}
		}
		if dist[best] > 0 {
			pick(best)
		}
	}
	for len(chosen) < k {
		best := -1
		for j := range pts {
			if best < 0 || dist[j] > dist[best] {
				best = j
			}
		}
		pick(best)
	}
	out := make([][]float64, k)
	for i, c := range chosen {
		n := math.Sqrt(dot64(pts[c], pts[c]))
		out[i] = make([]float64, t)
		for j, v := range pts[c] {
			out[i][j] = v / n
		}
	}
	return out, nil
}

// latticeSize is C(h+t−1, t−1), the number of ways to write h as a sum of t
// non-negative integers.
func latticeSize(t, h int) int {
	n := 1
	for i := 1; i < t; i++ {
		n = n * (h + i) / i
	}
	return n
}

// lattice lists the ways to write h as a sum of t non-negative integers.
func lattice(t, h int) [][]float64 {
	var out [][]float64
	cur := make([]int, t)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == t-1 {
			cur[i] = left
			p := make([]float64, t)
			for j, c := range cur {
				p[j] = float64(c)
			}
			out = append(out, p)
			return
		}
		for c := left; c >= 0; c-- {
			cur[i] = c
			rec(i+1, left-c)
		}
	}
	rec(0, h)
	return out
}

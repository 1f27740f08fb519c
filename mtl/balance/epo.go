package balance

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// epoTolerance is the non-uniformity below which EPO counts the losses as
// on the preference ray (the authors' default).
const epoTolerance = 1e-4

// epo is exact Pareto optimal search (Mahapatra and Rajan, "Multi-Task
// Learning with User Preferences: Gradient Descent with Controlled Ascent
// in Pareto Optimization", ICML 2020). The preference vector u is the
// direction in loss space the model should end on (the same meaning as for
// "pmtl"), so EPO's r = 1/u (element-wise) and every entry of u must be
// positive. With l̂ = r⊙L / Σ r⊙L, the non-uniformity
// μ = Σ_i l̂_i·log(T·l̂_i) is zero exactly on the ray, and a = r⊙(log(T·l̂) − μ)
// is the direction in loss space that reduces it. With C = G·Gᵀ, each step
// solves a linear program over the simplex, as the authors' code does:
//
//   - off the ray (μ > 1e-4), "balance": maximise αᵀ·C·a subject to
//     (C·α)_j ≥ 0 for the task furthest behind (largest r_j·L_j) and
//     (C·α)_j ≥ (C·a)_j for the tasks with (C·a)_j ≤ 0 — or, when no
//     task has (C·a)_j > 0, (C·α)_j ≥ 0 for every task — so the losses
//     move towards the ray without the worst task getting worse;
//   - on the ray, "descent": maximise 1ᵀ·C·α subject to C·α ≥ 0 (no task
//     gets worse) and αᵀ·C·a ≥ min(max_j (C·a)_j, 0).
//
// The programs are solved by gonum's simplex method on C scaled to unit
// maximum. The authors' code does not handle an infeasible program; here
// the constraints are then relaxed: in balance mode to the worst task's
// alone (always feasible: α = e_worst satisfies it), in descent mode to
// C·α ≥ 0 alone (feasible: MGDA's min-norm α satisfies it), and as a last
// resort to the simplex. Coef = T·α.
type epo struct {
	r []float64 // 1/u
}

func newEPO(b base, prefs [][]float64, k int) (*gradMethod, error) {
	if len(prefs) == 0 {
		return nil, fmt.Errorf("balance: epo: no preference vectors (see Preferences)")
	}
	if k < 0 || k >= len(prefs) {
		return nil, fmt.Errorf("balance: epo: preference index %d, have %d vectors", k, len(prefs))
	}
	u := prefs[k]
	if len(u) != b.tasks {
		return nil, fmt.Errorf("balance: epo: preference vector %d has %d values for %d tasks", k, len(u), b.tasks)
	}
	r := make([]float64, len(u))
	for i, v := range u {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("balance: epo: preference vector %d = %v: EPO aims at the ray itself, so every entry must be finite and > 0", k, u)
		}
		r[i] = 1 / v
	}
	return newGradMethod(b, Needs{TaskGrads: true}, &epo{r: r}), nil
}

// adjustments returns r⊙L, the non-uniformity μ and the direction a.
func (e *epo) adjustments(losses []float64) (rl []float64, mu float64, a []float64, err error) {
	T := len(losses)
	rl = make([]float64, T)
	sum := 0.0
	for i, l := range losses {
		if l < 0 {
			return nil, 0, nil, fmt.Errorf("loss of task %d is %g; EPO needs non-negative losses", i, l)
		}
		rl[i] = e.r[i] * l
		sum += rl[i]
	}
	a = make([]float64, T)
	if sum == 0 {
		return rl, 0, a, nil
	}
	logs := make([]float64, T)
	for i, v := range rl {
		h := v / sum
		// A zero loss contributes 0 to μ; its log is clipped so that a stays finite.
		logs[i] = math.Log(math.Max(h, 1e-300) * float64(T))
		if h > 0 {
			mu += h * logs[i]
		}
	}
	for i := range a {
		a[i] = e.r[i] * (logs[i] - mu)
	}
	return rl, mu, a, nil
}

func (e *epo) coef(g *matrix, s *Step) ([]float64, error) {
	T := g.n
	rl, mu, a, err := e.adjustments(s.Losses)
	if err != nil {
		return nil, err
	}
	scale := 0.0
	for _, v := range g.data {
		scale = math.Max(scale, math.Abs(v))
	}
	alpha := make([]float64, T)
	if scale == 0 {
		for i := range alpha {
			alpha[i] = 1
		}
		return alpha, nil
	}
	C := newMatrix(T)
	for i, v := range g.data {
		C.data[i] = v / scale
	}
	Ca := C.mulVec(a)
	var attempts []lpProblem
	if mu > epoTolerance {
		maxRL, anyUp := 0.0, false
		for j, v := range rl {
			maxRL = math.Max(maxRL, v)
			anyUp = anyUp || Ca[j] > 0
		}
		full, worstOnly := lpProblem{obj: Ca}, lpProblem{obj: Ca}
		for j := 0; j < T; j++ {
			switch {
			case rl[j] == maxRL:
				full.addRow(C.row(j), 0)
				worstOnly.addRow(C.row(j), 0)
			case !anyUp: // no task can be raised: none may get worse
				full.addRow(C.row(j), 0)
			case Ca[j] <= 0:
				full.addRow(C.row(j), Ca[j])
			}
		}
		attempts = []lpProblem{full, worstOnly, {obj: Ca}}
	} else {
		obj := make([]float64, T)
		maxCa := math.Inf(-1)
		for j := 0; j < T; j++ {
			for i := 0; i < T; i++ {
				obj[i] += C.at(j, i)
			}
			maxCa = math.Max(maxCa, Ca[j])
		}
		restricted, relaxed := lpProblem{obj: obj}, lpProblem{obj: obj}
		for j := 0; j < T; j++ {
			restricted.addRow(C.row(j), 0)
			relaxed.addRow(C.row(j), 0)
		}
		restricted.addRow(Ca, math.Min(maxCa, 0))
		attempts = []lpProblem{restricted, relaxed, {obj: obj}}
	}
	for _, p := range attempts {
		x, err := p.solve(T)
		if err == nil {
			for i := range alpha {
				alpha[i] = float64(T) * x[i]
			}
			return alpha, nil
		}
	}
	return nil, fmt.Errorf("no linear program could be solved")
}

// lpProblem is max objᵀα over the simplex subject to rows·α ≥ rhs.
type lpProblem struct {
	obj  []float64
	rows [][]float64
	rhs  []float64
}

func (p *lpProblem) addRow(row []float64, rhs float64) {
	p.rows = append(p.rows, row)
	p.rhs = append(p.rhs, rhs)
}

// solve puts the problem in standard form (one slack variable per
// inequality) and runs the simplex method.
func (p *lpProblem) solve(T int) ([]float64, error) {
	k := len(p.rows)
	n := T + k
	A := mat.NewDense(1+k, n, nil)
	b := make([]float64, 1+k)
	c := make([]float64, n)
	for i := 0; i < T; i++ {
		A.Set(0, i, 1)
		c[i] = -p.obj[i]
	}
	b[0] = 1
	for j, row := range p.rows {
		for i, v := range row {
			A.Set(1+j, i, v)
		}
		A.Set(1+j, T+j, -1)
		b[1+j] = p.rhs[j]
	}
	_, x, err := lp.Simplex(c, A, b, 1e-10, nil)
	if err != nil {
		return nil, err
	}
	return x[:T], nil
}

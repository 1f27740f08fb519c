package balance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomGrads returns T random task gradients of P values, with a shared
// component so that some examples conflict and some do not.
func randomGrads(rng *rand.Rand, T, P int) [][]float32 {
	common := make([]float64, P)
	for p := range common {
		common[p] = rng.NormFloat64() * rng.Float64()
	}
	out := make([][]float32, T)
	for i := range out {
		out[i] = make([]float32, P)
		scale := math.Exp(rng.NormFloat64())
		for p := range out[i] {
			out[i][p] = float32(scale * (common[p] + rng.NormFloat64()))
		}
	}
	return out
}

func combineWith(t *testing.T, name string, cfg Config, grads [][]float32) *Step {
	t.Helper()
	if cfg.Tasks == 0 {
		cfg.Tasks = len(grads)
	}
	m, err := New(name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &Step{Losses: make([]float64, len(grads)), Grads: grads}
	for i := range s.Losses {
		s.Losses[i] = 1
	}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// simplexGrid calls f with every point of the simplex in R^T whose
// coordinates are multiples of 1/h.
func simplexGrid(T, h int, f func(a []float64)) {
	a := make([]float64, T)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == T-1 {
			a[i] = float64(left) / float64(h)
			f(a)
			return
		}
		for c := 0; c <= left; c++ {
			a[i] = float64(c) / float64(h)
			rec(i+1, left-c)
		}
	}
	rec(0, h)
}

// TestMGDAMinNorm compares MGDA's result with a brute-force search over a
// grid of the simplex, and checks the optimality conditions of the
// min-norm point: g_iᵀd ≥ ‖d‖² for every task.
func TestMGDAMinNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 30; trial++ {
		T := 2 + trial%3
		grads := randomGrads(rng, T, 6)
		s := combineWith(t, "mgda", Config{}, grads)
		M := gramMatrix(grads)
		got := M.quad(s.Coef)
		sum := 0.0
		for i, a := range s.Coef {
			if a < -1e-12 {
				t.Fatalf("trial %d: coefficient %d = %g < 0", trial, i, a)
			}
			sum += a
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Fatalf("trial %d: coefficients sum to %g", trial, sum)
		}
		best := math.Inf(1)
		h := map[int]int{2: 2000, 3: 200, 4: 60}[T]
		simplexGrid(T, h, func(a []float64) { best = math.Min(best, M.quad(a)) })
		if got > best*(1+1e-9)+1e-12 {
			t.Errorf("trial %d (T=%d): ‖d‖² = %g, grid finds %g", trial, T, got, best)
		}
		d := float64sOf(s.Shared)
		dd := dot64(d, d)
		for i, g := range grads {
			if gd := dot64(float64sOf(g), d); gd < dd-1e-4*(1+dd) {
				t.Errorf("trial %d: g_%d·d = %g < ‖d‖² = %g", trial, i, gd, dd)
			}
		}
	}
}

func float64sOf(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestNonConflictingDirection checks the methods that guarantee a
// direction no task opposes — MGDA and MGDA-UB (g_iᵀd ≥ ‖d‖²), PCGrad with
// two tasks, Nash-MTL (α_i·g_iᵀd = 1) — and the defining equalities of
// Nash-MTL, IMTL-G (equal projections on the unit task gradients) and
// Aligned-MTL.
func TestNonConflictingDirection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		grads := randomGrads(rng, 2, 5)
		for _, name := range []string{"mgda", "mgda-ub", "pcgrad", "nash"} {
			s := combineWith(t, name, Config{Seed: uint64(trial)}, grads)
			d := float64sOf(s.Shared)
			for i, g := range grads {
				if gd := dot64(float64sOf(g), d); gd < -1e-5*math.Sqrt(dot64(d, d)*dot64(float64sOf(g), float64sOf(g))) {
					t.Errorf("trial %d %s: g_%d·d = %g < 0", trial, name, i, gd)
				}
			}
		}
	}
	for trial := 0; trial < 30; trial++ {
		T := 2 + trial%4
		grads := randomGrads(rng, T, 8)
		// Nash-MTL: every task's directional derivative is 1/α_i.
		s := combineWith(t, "nash", Config{}, grads)
		d := float64sOf(s.Shared)
		for i, g := range grads {
			if v := s.Coef[i] * dot64(float64sOf(g), d); math.Abs(v-1) > 1e-5 {
				t.Errorf("trial %d nash: α_%d·g_%dᵀd = %g, want 1", trial, i, i, v)
			}
		}
		// IMTL-G: equal projections onto the unit task gradients.
		s = combineWith(t, "imtl", Config{}, grads)
		d = float64sOf(s.Shared)
		var proj []float64
		for _, g := range grads {
			g64 := float64sOf(g)
			proj = append(proj, dot64(g64, d)/math.Sqrt(dot64(g64, g64)))
		}
		for i := range proj {
			if math.Abs(proj[i]-proj[0]) > 1e-4*(1+math.Abs(proj[0])) {
				t.Errorf("trial %d imtl: projections %v differ", trial, proj)
				break
			}
		}
		// Aligned-MTL (T ≤ P here, so the Gram matrix has full rank).
		s = combineWith(t, "aligned", Config{}, grads)
		checkAligned(t, trial, grads, s)
	}
}

// checkAligned verifies Aligned-MTL's defining property: with
// B = σ_min·M^{−1/2} the aligned gradients B·G satisfy (B·G)(B·G)ᵀ = σ_min²·I,
// so the mean d = Gᵀ·Coef has inner product σ_min²/T with each of them.
func checkAligned(t *testing.T, trial int, grads [][]float32, s *Step) {
	M := gramMatrix(grads)
	T := M.n
	// Coef = B·1/T, so M·Coef = M·B·1/T and Bᵀ·M·Coef = σ_min²/T·1.
	vals, vecs, err := eigenSym(M)
	if err != nil {
		t.Fatal(err)
	}
	lmin := math.Inf(1)
	for _, v := range vals {
		lmin = math.Min(lmin, v)
	}
	mc := M.mulVec(s.Coef)
	// B·mc with B = σ_min·V·Λ^{−1/2}·Vᵀ.
	for i := 0; i < T; i++ {
		bi := 0.0
		for k, lk := range vals {
			vk := 0.0
			for j := 0; j < T; j++ {
				vk += vecs.at(j, k) * mc[j]
			}
			bi += vecs.at(i, k) * vk / math.Sqrt(lk)
		}
		bi *= math.Sqrt(lmin)
		if want := lmin / float64(T); math.Abs(bi-want) > 1e-6*(1+want) {
			t.Errorf("trial %d aligned: aligned gradient %d · d = %g, want σ_min²/T = %g", trial, i, bi, want)
		}
	}
}

// TestCAGradWorstCase checks CAGrad's defining property: its direction lies
// in the ball ‖d − g0‖ ≤ c‖g0‖, its worst task's directional derivative
// min_i g_iᵀd reaches the dual optimum (grid search over the simplex), and no
// sampled point of the ball does better.
func TestCAGradWorstCase(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 20; trial++ {
		T, P := 2+trial%3, 4
		grads := randomGrads(rng, T, P)
		s := combineWith(t, "cagrad", Config{C: 0.5}, grads)
		g64 := make([][]float64, T)
		g0 := make([]float64, P)
		for i, g := range grads {
			g64[i] = float64sOf(g)
			for p := range g0 {
				g0[p] += g64[i][p] / float64(T)
			}
		}
		r := 0.5 * math.Sqrt(dot64(g0, g0))
		worst := func(d []float64) float64 {
			w := math.Inf(1)
			for _, g := range g64 {
				w = math.Min(w, dot64(g, d))
			}
			return w
		}
		d := float64sOf(s.Shared)
		dist := 0.0
		for p := range d {
			dist += (d[p] - g0[p]) * (d[p] - g0[p])
		}
		if math.Sqrt(dist) > r*(1+1e-4)+1e-6 {
			t.Fatalf("trial %d: ‖d − g0‖ = %g > c‖g0‖ = %g", trial, math.Sqrt(dist), r)
		}
		got := worst(d)
		// Duality: max over the ball of min_i g_iᵀd equals
		// min over the simplex of g_wᵀg0 + r‖g_w‖, found here on a grid.
		if T <= 3 {
			dual := math.Inf(1)
			simplexGrid(T, map[int]int{2: 20000, 3: 400}[T], func(w []float64) {
				gw := make([]float64, P)
				for i, g := range g64 {
					for p := range gw {
						gw[p] += w[i] * g[p]
					}
				}
				dual = math.Min(dual, dot64(gw, g0)+r*math.Sqrt(dot64(gw, gw)))
			})
			if gap := dual - got; gap > 1e-5*(1+math.Abs(dual)) || gap < -1e-5*(1+math.Abs(dual)) {
				t.Errorf("trial %d (T=%d): worst-task derivative %g, dual optimum %g", trial, T, got, dual)
			}
		}
		for k := 0; k < 2000; k++ {
			e := make([]float64, P)
			for p := range e {
				e[p] = rng.NormFloat64()
			}
			n := math.Sqrt(dot64(e, e))
			for p := range e {
				e[p] = g0[p] + r*e[p]/n
			}
			if w := worst(e); w > got+1e-4*(1+math.Abs(got)) {
				t.Fatalf("trial %d: sampled direction has worst-task derivative %g > CAGrad's %g", trial, w, got)
			}
		}
	}
}

// TestIdenticalGradients: when every task has the same gradient g, each
// gradient method returns a positive multiple of g.
func TestIdenticalGradients(t *testing.T) {
	g := []float32{0.5, -1, 2, 0.25}
	prefs, _ := Preferences(3, 4)
	for _, name := range []string{"pcgrad", "mgda", "mgda-ub", "cagrad", "nash", "imtl", "aligned", "pmtl", "epo"} {
		for _, grads := range [][][]float32{{g, g, g}, {g}} {
			cfg := Config{Preferences: prefs, Preference: 1}
			if name == "epo" {
				cfg = Config{Preferences: [][]float64{{1, 2, 3}}}
			}
			if len(grads) == 1 {
				cfg = Config{Preferences: [][]float64{{1}}}
			}
			checkMultiple(t, name, g, combineWith(t, name, cfg, grads))
		}
	}
}

// checkMultiple fails unless s.Shared is a positive multiple of g.
func checkMultiple(t *testing.T, name string, g []float32, s *Step) {
	t.Helper()
	k := float64(s.Shared[0]) / float64(g[0])
	if !(k > 0) {
		t.Errorf("%s: combined %v is not a positive multiple of %v", name, s.Shared, g)
		return
	}
	for p := range g {
		if math.Abs(float64(s.Shared[p])-k*float64(g[p])) > 1e-5*k {
			t.Errorf("%s: combined %v is not a multiple of %v", name, s.Shared, g)
			return
		}
	}
}

// TestDegenerateGradients: all-zero task gradients give a zero direction,
// and exactly opposed ones a finite one no longer than either, never NaN or
// an error.
func TestDegenerateGradients(t *testing.T) {
	for _, name := range []string{"pcgrad", "mgda", "cagrad", "nash", "imtl", "aligned", "epo"} {
		cfg := Config{Preferences: [][]float64{{1, 2}}}
		grads := [][]float32{make([]float32, 3), make([]float32, 3)}
		s := combineWith(t, name, cfg, grads)
		for _, v := range s.Shared {
			if v != 0 {
				t.Errorf("%s: zero gradients give %v, want zeros", name, s.Shared)
				break
			}
		}
		s = combineWith(t, name, cfg, [][]float32{{1, -2, 3}, {-1, 2, -3}})
		d := float64sOf(s.Shared)
		if n := math.Sqrt(dot64(d, d)); !(n <= math.Sqrt(14)*(1+1e-6)) {
			t.Errorf("%s: opposed gradients give %v (norm %g)", name, s.Shared, n)
		}
	}
}

// TestEPOGuarantees checks what EPO's linear programs guarantee: on the
// preference ray no task's loss increases along the direction (C·α ≥ 0);
// off the ray the task furthest behind its preference does not get worse.
func TestEPOGuarantees(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 40; trial++ {
		T := 2 + trial%3
		grads := randomGrads(rng, T, 6)
		u := make([]float64, T)
		for i := range u {
			u[i] = 0.1 + rng.Float64()
		}
		m, err := New("epo", Config{Tasks: T, Preferences: [][]float64{u}})
		if err != nil {
			t.Fatal(err)
		}
		onRay := trial%2 == 0
		losses := make([]float64, T)
		for i := range losses {
			losses[i] = 0.5 + rng.Float64()
			if onRay {
				losses[i] = 2 * u[i]
			}
		}
		s := &Step{Losses: losses, Grads: grads}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		d := float64sOf(s.Shared)
		worst := 0
		for i := range losses {
			if losses[i]/u[i] > losses[worst]/u[worst] {
				worst = i
			}
		}
		for i, g := range grads {
			if !onRay && i != worst {
				continue
			}
			g64 := float64sOf(g)
			if gd := dot64(g64, d); gd < -1e-6*math.Sqrt(dot64(g64, g64)*dot64(d, d)) {
				t.Errorf("trial %d (on ray %v): g_%d·d = %g < 0", trial, onRay, i, gd)
			}
		}
	}
}

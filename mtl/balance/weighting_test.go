package balance

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNewUnknownListsNames(t *testing.T) {
	_, err := New("adam", Config{Tasks: 2})
	if err == nil {
		t.Fatal("no error for an unknown method")
	}
	for _, n := range Names() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
	for _, n := range Names() {
		cfg := Config{Tasks: 2, Weights: []float64{1, 2}, Preferences: [][]float64{{1, 2}, {2, 1}}}
		m, err := New(n, cfg)
		if err != nil {
			t.Errorf("New(%q): %v", n, err)
			continue
		}
		if m.Name() != n {
			t.Errorf("New(%q).Name() = %q", n, m.Name())
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		step Step
		want string // in New's or Combine's error
	}{
		{"ew", Config{Tasks: 0}, Step{}, "at least one task"},
		{"fixed", Config{Tasks: 2, Weights: []float64{1}}, Step{}, "1 weights for 2 tasks"},
		{"fixed", Config{Tasks: 2, Weights: []float64{1, -1}}, Step{}, "weight 1 is -1"},
		{"fixed", Config{Tasks: 2, Weights: []float64{0, 0}}, Step{}, "every weight is zero"},
		{"dwa", Config{Tasks: 2, Temperature: -1}, Step{}, "temperature"},
		{"cagrad", Config{Tasks: 2, C: -1}, Step{}, "radius"},
		{"pmtl", Config{Tasks: 2}, Step{}, "no preference vectors"},
		{"pmtl", Config{Tasks: 2, Preferences: [][]float64{{1, 0}}, Preference: 3}, Step{}, "preference index 3"},
		{"pmtl", Config{Tasks: 2, Preferences: [][]float64{{1, 0, 0}}}, Step{}, "3 values for 2 tasks"},
		{"epo", Config{Tasks: 2, Preferences: [][]float64{{1, 0}}}, Step{}, "every entry must be finite and > 0"},
		{"epo", Config{Tasks: 2, Preferences: [][]float64{{1, 1}}}, Step{Losses: []float64{-1, 1}, Grads: [][]float32{{1}, {1}}}, "non-negative losses"},
		{"ew", Config{Tasks: 2}, Step{Losses: []float64{1}}, "1 losses for 2 tasks"},
		{"uw", Config{Tasks: 2}, Step{Losses: []float64{1, math.NaN()}}, "loss of task 1 is NaN"},
		{"mgda", Config{Tasks: 2}, Step{Losses: []float64{1, 1}, Grads: [][]float32{{1}}}, "task gradients for 1 tasks"},
		{"pcgrad", Config{Tasks: 2}, Step{Losses: []float64{1, 1}, Grads: [][]float32{{1, 2}, {1}}}, "task 1 has 1 values"},
		{"nash", Config{Tasks: 2}, Step{Losses: []float64{1, 1}, Grads: [][]float32{{1, float32(math.Inf(1))}, {1, 1}}}, "not finite"},
		{"gradnorm", Config{Tasks: 2}, Step{Losses: []float64{1, 1}}, "last shared layer gradients for 0 tasks"},
		{"gradnorm", Config{Tasks: 2}, Step{Losses: []float64{0, 1}, LastShared: [][]float32{{1}, {1}}}, "positive loss"},
	}
	for _, tt := range tests {
		m, err := New(tt.name, tt.cfg)
		if err == nil {
			err = m.Combine(&tt.step)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %+v: error %v, want one containing %q", tt.name, tt.cfg, err, tt.want)
		}
	}
}

func TestFixedWeights(t *testing.T) {
	for _, tt := range []struct {
		name string
		w    []float64
		want []float64
	}{
		{"ew", nil, []float64{1, 1, 1}},
		{"fixed", []float64{0.2, 0, 3}, []float64{0.2, 0, 3}},
	} {
		m, err := New(tt.name, Config{Tasks: 3, Weights: tt.w})
		if err != nil {
			t.Fatal(err)
		}
		s := &Step{Losses: []float64{1, 2, 3}}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Weights, tt.want) || s.Shared != nil {
			t.Errorf("%s: weights %v shared %v, want %v and nil", tt.name, s.Weights, s.Shared, tt.want)
		}
	}
}

// TestUncertaintyGradient compares the gradient Combine writes for the
// log-variances with central finite differences of Kendall et al.'s
// objective Σ ½·exp(−s_i)·L_i + ½·s_i.
func TestUncertaintyGradient(t *testing.T) {
	m, _ := New("uw", Config{Tasks: 3})
	s := m.Params()[0]
	copy(s.Data, []float32{0.3, -0.7, 1.2})
	losses := []float64{2.5, 0.1, 4}
	step := &Step{Losses: losses}
	if err := m.Combine(step); err != nil {
		t.Fatal(err)
	}
	objective := func(sv []float64) float64 {
		v := 0.0
		for i, l := range losses {
			v += 0.5*math.Exp(-sv[i])*l + 0.5*sv[i]
		}
		return v
	}
	sv := float64sOf(s.Data)
	const h = 1e-5
	for i := range sv {
		p, q := slices.Clone(sv), slices.Clone(sv)
		p[i] += h
		q[i] -= h
		fd := (objective(p) - objective(q)) / (2 * h)
		if math.Abs(fd-float64(s.Grad[i])) > 1e-5*(1+math.Abs(fd)) {
			t.Errorf("d/ds_%d = %g, finite differences %g", i, s.Grad[i], fd)
		}
		if w := 0.5 * math.Exp(-sv[i]); math.Abs(step.Weights[i]-w) > 1e-6 {
			t.Errorf("weight %d = %g, want ½exp(−s) = %g", i, step.Weights[i], w)
		}
	}
}

// TestGradNormDirection: a task whose loss falls more slowly than the
// other's (higher relative inverse rate) must have its weight pushed up,
// and the faster task's down; weights are renormalised to sum to T.
func TestGradNormDirection(t *testing.T) {
	m, _ := New("gradnorm", Config{Tasks: 2, Alpha: 1.5})
	w := m.Params()[0]
	last := [][]float32{{3, 4}, {0, 5}} // equal gradient norms 5
	s := &Step{Losses: []float64{1, 1}, LastShared: last}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	// Equal rates and equal norms: nothing to correct.
	if w.Grad[0] != 0 || w.Grad[1] != 0 {
		t.Fatalf("balanced start: gradient %v, want zeros", w.Grad)
	}
	// Task 0 has halved its loss, task 1 has not moved.
	s = &Step{Index: 1, Losses: []float64{0.5, 1}, LastShared: last}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	if !(w.Grad[0] > 0 && w.Grad[1] < 0) {
		t.Errorf("gradient %v: want w_0 decreased (positive gradient) and w_1 increased", w.Grad)
	}
	if math.Abs(float64(w.Grad[0])-5) > 1e-6 || math.Abs(float64(w.Grad[1])+5) > 1e-6 {
		t.Errorf("gradient %v, want ±‖∇_W L_i‖ = ±5", w.Grad)
	}
	// An optimizer step, then renormalisation to sum T = 2.
	w.Data[0], w.Data[1] = 0.5, 2
	s = &Step{Index: 2, Losses: []float64{0.5, 1}, LastShared: last}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.Weights[0]-0.4) > 1e-6 || math.Abs(s.Weights[1]-1.6) > 1e-6 {
		t.Errorf("renormalised weights %v, want [0.4 1.6]", s.Weights)
	}
	if st := m.State(); !slices.Equal(st, []float64{1, 1}) {
		t.Errorf("state %v, want the first losses [1 1]", st)
	}
}

// TestDWA checks the formula on given epoch losses.
func TestDWA(t *testing.T) {
	m, _ := New("dwa", Config{Tasks: 2})
	weights := func() []float64 {
		s := &Step{Losses: []float64{1, 1}}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		return s.Weights
	}
	if w := weights(); !slices.Equal(w, []float64{1, 1}) {
		t.Errorf("epoch 0: %v, want ones", w)
	}
	if err := m.EndEpoch([]float64{2, 4}); err != nil {
		t.Fatal(err)
	}
	if w := weights(); !slices.Equal(w, []float64{1, 1}) {
		t.Errorf("epoch 1: %v, want ones", w)
	}
	if err := m.EndEpoch([]float64{1, 3}); err != nil {
		t.Fatal(err)
	}
	// r = (1/2, 3/4), τ = 2: w_i = 2·exp(r_i/2)/Σ.
	e0, e1 := math.Exp(0.25), math.Exp(0.375)
	want := []float64{2 * e0 / (e0 + e1), 2 * e1 / (e0 + e1)}
	got := weights()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("epoch 2: weights %v, want %v", got, want)
		}
	}
	// State round trip.
	m2, _ := New("dwa", Config{Tasks: 2})
	if err := m2.SetState(m.State()); err != nil {
		t.Fatal(err)
	}
	s := &Step{Losses: []float64{1, 1}}
	if err := m2.Combine(s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Weights, got) {
		t.Errorf("restored state gives %v, want %v", s.Weights, got)
	}
	if err := m2.SetState([]float64{2, 1}); err == nil {
		t.Error("short state accepted")
	}
}

// TestRLW: the weights are a softmax (positive, sum 1), the same for the
// same seed and step, and different across steps.
func TestRLW(t *testing.T) {
	draw := func(seed uint64, index int) []float64 {
		m, _ := New("rlw", Config{Tasks: 4, Seed: seed})
		s := &Step{Index: index, Losses: []float64{1, 1, 1, 1}}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		return s.Weights
	}
	a, b, c := draw(7, 3), draw(7, 3), draw(7, 4)
	if !slices.Equal(a, b) {
		t.Errorf("same seed and step: %v and %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("steps 3 and 4 drew the same weights %v", a)
	}
	sum := 0.0
	for _, w := range a {
		if w <= 0 {
			t.Errorf("weight %g ≤ 0", w)
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %g", sum)
	}
}

func TestPreferences(t *testing.T) {
	p, err := Preferences(2, 5)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p {
		th := (float64(k) + 0.5) * math.Pi / 10 // 9°, 27°, ..., 81°
		if math.Abs(v[0]-math.Cos(th)) > 1e-12 || math.Abs(v[1]-math.Sin(th)) > 1e-12 {
			t.Errorf("vector %d = %v, want angle %g", k, v, th)
		}
	}
	for _, tk := range [][2]int{{3, 1}, {3, 2}, {3, 3}, {3, 7}, {3, 10}, {4, 10}, {5, 12}} {
		T, K := tk[0], tk[1]
		p, err := Preferences(T, K)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != K {
			t.Fatalf("%v: %d vectors", tk, len(p))
		}
		for i, v := range p {
			if n := dot64(v, v); math.Abs(n-1) > 1e-12 {
				t.Errorf("%v: vector %d has squared norm %g", tk, i, n)
			}
			for _, x := range v {
				if !(x > 0) {
					t.Errorf("%v: vector %d = %v has an entry ≤ 0", tk, i, v)
					break
				}
			}
			for j := range i {
				if slices.Equal(v, p[j]) {
					t.Errorf("%v: vectors %d and %d are equal", tk, i, j)
				}
			}
		}
		if K >= T { // one vector leaning towards each task comes first
			for i := 0; i < T; i++ {
				if m := slices.Index(p[i], slices.Max(p[i])); m != i {
					t.Errorf("%v: vector %d = %v leans towards task %d", tk, i, p[i], m)
				}
			}
		}
	}
	// Three tasks, ten vectors: exactly the interior of the 6-lattice.
	p, _ = Preferences(3, 10)
	seen := map[[3]int]bool{}
	for _, v := range p {
		s := v[0] + v[1] + v[2]
		seen[[3]int{int(math.Round(6 * v[0] / s)), int(math.Round(6 * v[1] / s)), int(math.Round(6 * v[2] / s))}] = true
	}
	if len(seen) != 10 {
		t.Errorf("Preferences(3, 10) covers %d of the 10 interior lattice points", len(seen))
	}
	if _, err := Preferences(1, 3); err == nil {
		t.Error("one task accepted")
	}
	if _, err := Preferences(2, 0); err == nil {
		t.Error("zero vectors accepted")
	}
}

// TestParetoMTLInitialPhase: outside its sub-region, the model steers
// into it — the direction decreases every active constraint
// (u_j − u_k)ᵀL — and once inside, the result is a min-norm combination
// of task gradients and active constraints like MGDA.
func TestParetoMTLInitialPhase(t *testing.T) {
	prefs, _ := Preferences(2, 3) // 15°, 45°, 75°
	m, err := New("pmtl", Config{Tasks: 2, Preferences: prefs, Preference: 0})
	if err != nil {
		t.Fatal(err)
	}
	grads := [][]float32{{1, 0}, {0, 1}} // orthogonal task gradients
	// Losses (1, 2) lie towards task 2's axis, outside the region of the 15° vector.
	s := &Step{Losses: []float64{1, 2}, Grads: grads}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	d := float64sOf(s.Shared)
	for j, u := range prefs[1:] {
		w := []float64{u[0] - prefs[0][0], u[1] - prefs[0][1]}
		if dot64(w, []float64{1, 2}) <= 0 {
			continue
		}
		// Gradient of the constraint is wᵀG = w here; a step −d lowers it.
		if dot64(w, d) <= 0 {
			t.Errorf("constraint %d: gradient %v · d %v ≤ 0: the step does not enter the region", j+1, w, d)
		}
	}
	if st := m.State(); st[0] != 0 {
		t.Errorf("state %v: initial phase ended outside the region", st)
	}
	// Inside the region (task 1's loss dominates) the phase ends.
	s = &Step{Losses: []float64{3, 0.5}, Grads: grads}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	if st := m.State(); st[0] != 1 {
		t.Errorf("state %v: initial phase did not end inside the region", st)
	}
	abs := math.Abs(s.Coef[0]) + math.Abs(s.Coef[1])
	if math.Abs(abs-2) > 1e-9 {
		t.Errorf("Σ|coef| = %g, want T = 2", abs)
	}
}

package balance

import (
	"math"
	"testing"
)

// The example of ../shared/data/mtl/aggregator-reference.md (torchjd
// 0.8.1's unit tests): two task gradients over three shared parameters.
var refJ = [][]float32{{-4, 1, 1}, {6, 1, 1}}

// TestReferenceValues compares each gradient method with torchjd's outputs
// on the reference example. scale is the factor between this package's
// convention and torchjd's (ours = scale × torchjd's), explained per row.
func TestReferenceValues(t *testing.T) {
	tests := []struct {
		method  string
		want    []float64 // torchjd's combined gradient
		weights []float64 // torchjd's weights (nil: not published)
		scale   float64
	}{
		// Simplex weights, no normalisation: the same convention.
		{"mgda", []float64{0, 1, 1}, []float64{0.6, 0.4}, 1},
		{"mgda-ub", []float64{0, 1, 1}, []float64{0.6, 0.4}, 1},
		// Sum of the projected gradients, as torchjd and the paper.
		{"pcgrad", []float64{0.5848, 3.8012, 3.8012}, []float64{2.2222, 1.5789}, 1},
		// Weights summing to 1.
		{"imtl", []float64{0.0767, 1, 1}, []float64{0.5923, 0.4077}, 1},
		// Mean of the aligned gradients (LibMTL sums: T = 2 times this).
		{"aligned", []float64{0.2133, 0.9673, 0.9673}, []float64{0.5591, 0.4083}, 1},
		// The paper's d = g0 + √φ·g_w/‖g_w‖ without the authors' 1/(1+c²).
		{"cagrad", []float64{0.1835, 1.2041, 1.2041}, []float64{0.7041, 0.5}, 1},
		// We solve the paper's (G·Gᵀ)α = 1/α; torchjd's α satisfies
		// (G·Gᵀ)α = 1/(2α) (checked below), which is ours divided by √2.
		{"nash", []float64{0.0542, 0.7061, 0.7061}, nil, math.Sqrt2},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			m, err := New(tt.method, Config{Tasks: 2, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			s := &Step{Losses: []float64{1, 1}, Grads: refJ}
			if err := m.Combine(s); err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.want {
				if got := float64(s.Shared[i]) / tt.scale; math.Abs(got-w) > 1e-4 {
					t.Errorf("combined[%d] = %.6f (÷%.4f), torchjd %.4f", i, got, tt.scale, w)
				}
			}
			for i, w := range tt.weights {
				if got := s.Coef[i] / tt.scale; math.Abs(got-w) > 1e-4 {
					t.Errorf("coef[%d] = %.6f, torchjd %.4f", i, got, w)
				}
			}
			for i, w := range s.Weights {
				if w != 1 {
					t.Errorf("task-specific weight %d = %g, want 1", i, w)
				}
			}
		})
	}
}

// TestNashReferenceRelation shows the relation between the two Nash-MTL
// solutions: our α solves M·α = 1/α exactly, and torchjd's published
// direction, expressed in the task gradients, gives α_i·(Mα)_i = 1/2.
func TestNashReferenceRelation(t *testing.T) {
	m, _ := New("nash", Config{Tasks: 2})
	s := &Step{Losses: []float64{1, 1}, Grads: refJ}
	if err := m.Combine(s); err != nil {
		t.Fatal(err)
	}
	M := gramMatrix(refJ)
	ma := M.mulVec(s.Coef)
	for i, a := range s.Coef {
		if math.Abs(a*ma[i]-1) > 1e-6 {
			t.Errorf("α_%d·(Mα)_%d = %g, want 1", i, i, a*ma[i])
		}
	}
	// torchjd's direction d = (−4a₁+6a₂, a₁+a₂, a₁+a₂) = (0.0542, 0.7061, 0.7061).
	a2 := (0.0542 + 4*0.7061) / 10
	ref := []float64{0.7061 - a2, a2}
	mr := M.mulVec(ref)
	for i, a := range ref {
		if math.Abs(a*mr[i]-0.5) > 1e-3 {
			t.Errorf("torchjd: α_%d·(Mα)_%d = %g, want 1/2", i, i, a*mr[i])
		}
	}
}

// TestPCGradOrderTwoTasks checks that with two tasks PCGrad gives the same
// result for every seed: each gradient is projected against the other's
// original gradient, so the order cannot matter.
func TestPCGradOrderTwoTasks(t *testing.T) {
	var first []float32
	for seed := uint64(0); seed < 8; seed++ {
		m, _ := New("pcgrad", Config{Tasks: 2, Seed: seed})
		s := &Step{Index: int(seed), Losses: []float64{1, 1}, Grads: refJ}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = append([]float32(nil), s.Shared...)
			continue
		}
		for i := range first {
			if s.Shared[i] != first[i] {
				t.Fatalf("seed %d: %v, seed 0: %v", seed, s.Shared, first)
			}
		}
	}
}

// TestPCGradOrderThreeTasks: with three tasks the projection order
// matters; it is drawn from (seed, step index), so it repeats for the same
// pair and varies across steps.
func TestPCGradOrderThreeTasks(t *testing.T) {
	grads := [][]float32{{1, 0.2}, {-1, 1}, {-0.5, -1}}
	run := func(seed uint64, index int) [2]float32 {
		m, _ := New("pcgrad", Config{Tasks: 3, Seed: seed})
		s := &Step{Index: index, Losses: []float64{1, 1, 1}, Grads: grads}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		return [2]float32{s.Shared[0], s.Shared[1]}
	}
	seen := map[[2]float32]bool{}
	for i := 0; i < 16; i++ {
		a, b := run(9, i), run(9, i)
		if a != b {
			t.Fatalf("step %d: %v then %v", i, a, b)
		}
		seen[a] = true
	}
	if len(seen) < 2 {
		t.Errorf("16 steps gave one result %v: the order is not random", seen)
	}
}

// TestMGDANormalization checks the relation that defines the normalised
// variants: the coefficients equal plain MGDA's on the gradients divided by
// n_i (norm, loss, or both), applied to the unscaled gradients.
func TestMGDANormalization(t *testing.T) {
	losses := []float64{2, 0.5, 1.5}
	grads := [][]float32{{-4, 1, 1}, {6, 1, 1}, {1, -3, 0.5}}
	for _, norm := range []string{"l2", "loss", "loss+"} {
		m, err := New("mgda", Config{Tasks: 3, Normalization: norm})
		if err != nil {
			t.Fatal(err)
		}
		s := &Step{Losses: losses, Grads: grads}
		if err := m.Combine(s); err != nil {
			t.Fatal(err)
		}
		scaled := make([][]float32, 3)
		for i, g := range grads {
			n := 1.0
			g64 := float64sOf(g)
			switch norm {
			case "l2":
				n = math.Sqrt(dot64(g64, g64))
			case "loss":
				n = losses[i]
			case "loss+":
				n = losses[i] * math.Sqrt(dot64(g64, g64))
			}
			for _, v := range g64 {
				scaled[i] = append(scaled[i], float32(v/n))
			}
		}
		plain, _ := New("mgda", Config{Tasks: 3})
		ps := &Step{Losses: losses, Grads: scaled}
		if err := plain.Combine(ps); err != nil {
			t.Fatal(err)
		}
		for i := range s.Coef {
			if math.Abs(s.Coef[i]-ps.Coef[i]) > 1e-6 {
				t.Errorf("%s: coefficients %v, plain MGDA on scaled gradients %v", norm, s.Coef, ps.Coef)
				break
			}
		}
		want := make([]float32, 3)
		combine(want, grads, ps.Coef)
		for p := range want {
			if math.Abs(float64(s.Shared[p]-want[p])) > 1e-5 {
				t.Errorf("%s: combined %v, want the unscaled gradients weighted: %v", norm, s.Shared, want)
				break
			}
		}
	}
	if _, err := New("mgda", Config{Tasks: 2, Normalization: "max"}); err == nil {
		t.Error("unknown normalisation accepted")
	}
}

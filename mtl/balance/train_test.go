package balance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/nn"
)

// twoTaskModel is a two-task linear regression with a one-dimensional shared
// representation z = x·W and a task-specific head y_i = z·h_i + b_i. The
// targets depend on conflicting directions of x, so no W fits both tasks:
// the tasks compete for the shared layer.
type twoTaskModel struct {
	x, y1, y2 *nn.Tensor
	w         *nn.Tensor   // shared
	heads     []*nn.Tensor // h_0, b_0, h_1, b_1
}

func newTwoTaskModel(seed uint64) *twoTaskModel {
	rng := rand.New(rand.NewPCG(seed, 0))
	const n, d = 64, 4
	x := make([]float32, n*d)
	y1 := make([]float32, n)
	y2 := make([]float32, n)
	for r := 0; r < n; r++ {
		row := x[r*d : (r+1)*d]
		for c := range row {
			row[c] = float32(rng.NormFloat64())
		}
		y1[r] = 2*row[0] + row[1] + 1
		y2[r] = -2*row[0] + row[1] - 1
	}
	m := &twoTaskModel{x: nn.New(x, n, d), y1: nn.New(y1, n, 1), y2: nn.New(y2, n, 1)}
	w := make([]float32, d)
	for i := range w {
		w[i] = float32(0.1 * rng.NormFloat64())
	}
	m.w = nn.Param(w, d, 1)
	m.heads = []*nn.Tensor{nn.Param([]float32{0.5}, 1, 1), nn.Param([]float32{0}, 1), nn.Param([]float32{-0.5}, 1, 1), nn.Param([]float32{0}, 1)}
	return m
}

// losses returns the representation and the two task losses computed from
// rep (z itself, or a leaf standing for it).
func (m *twoTaskModel) losses(rep *nn.Tensor) []*nn.Tensor {
	p1 := nn.Linear(rep, m.heads[0], m.heads[1])
	p2 := nn.Linear(rep, m.heads[2], m.heads[3])
	return []*nn.Tensor{nn.MSE(p1, m.y1), nn.MSE(p2, m.y2)}
}

// step runs one training step of the protocol in the package
// documentation and returns the loss values before the update.
func (m *twoTaskModel) step(t *testing.T, meth Method, index int, opt nn.Optimizer) []float64 {
	t.Helper()
	shared := []*nn.Tensor{m.w}
	all := append([]*nn.Tensor{m.w}, m.heads...)
	nn.ZeroGrads(all)
	z := nn.MatMul(m.x, m.w)
	rep := z
	needs := meth.Needs()
	if needs.Representation {
		rep = z.Detach() // a leaf standing for z: per-task backward passes stop here
		rep.SetRequiresGrad(true)
	}
	L := m.losses(rep)
	s := &Step{Index: index, Losses: []float64{float64(L[0].Item()), float64(L[1].Item())}}
	if needs.TaskGrads || needs.LastSharedGrads {
		for _, l := range L {
			var g []float32
			if needs.Representation {
				rep.ZeroGrad()
				nn.Backward(l)
				g = append([]float32(nil), rep.Grad...)
			} else {
				nn.ZeroGrads(shared)
				nn.Backward(l)
				g = nn.FlatGrad(shared)
			}
			if needs.TaskGrads {
				s.Grads = append(s.Grads, g)
			}
			if needs.LastSharedGrads { // W is the last (and only) shared layer
				s.LastShared = append(s.LastShared, g)
			}
		}
	}
	if err := meth.Combine(s); err != nil {
		t.Fatal(err)
	}
	nn.ZeroGrads(all)
	total := nn.Add(nn.Scale(L[0], float32(s.Weights[0])), nn.Scale(L[1], float32(s.Weights[1])))
	nn.Backward(total)
	if needs.Representation {
		nn.ZeroGrads(shared)
		if s.Shared != nil {
			nn.BackwardWith(z, s.Shared)
		} else {
			nn.BackwardWith(z, rep.Grad)
		}
	} else if s.Shared != nil {
		if err := nn.SetFlatGrad(shared, s.Shared); err != nil {
			t.Fatal(err)
		}
	}
	opt.Step()
	return s.Losses
}

// TestTrainingReducesBothLosses trains the conflicting two-task regression
// with every method from the same start and checks that each ends with both
// task losses below their starting values.
func TestTrainingReducesBothLosses(t *testing.T) {
	prefs, _ := Preferences(2, 5)
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			m := newTwoTaskModel(1)
			meth, err := New(name, Config{Tasks: 2, Seed: 3, Weights: []float64{0.3, 0.7}, Preferences: prefs, Preference: 2})
			if err != nil {
				t.Fatal(err)
			}
			params := append([]*nn.Tensor{m.w}, m.heads...)
			opt := nn.NewAdam(append(params, meth.Params()...), 0.02)
			var first, last []float64
			sum := make([]float64, 2)
			for i := 0; i < 300; i++ {
				last = m.step(t, meth, i, opt)
				if first == nil {
					first = last
				}
				for k, l := range last {
					sum[k] += l / 30
				}
				if i%30 == 29 { // an "epoch" of 30 steps
					if err := meth.EndEpoch(sum); err != nil {
						t.Fatal(err)
					}
					clear(sum)
				}
			}
			t.Logf("losses %.4f → %.4f", first, last)
			for k := range first {
				if !(last[k] < 0.8*first[k]) {
					t.Errorf("task %d: loss %.4f → %.4f, want a clear decrease", k, first[k], last[k])
				}
			}
		})
	}
}

// TestParetoPreferencesSpread trains one model per preference vector and
// checks that they end in the order of their preferences along the front:
// the larger the preference angle towards task 2, the larger L_2/L_1
// (Pareto MTL keeps L/‖L‖ near the preference ray's sub-region).
func TestParetoPreferencesSpread(t *testing.T) {
	prefs, _ := Preferences(2, 5)
	var ratios []float64
	for k := range prefs {
		m := newTwoTaskModel(1)
		meth, err := New("pmtl", Config{Tasks: 2, Preferences: prefs, Preference: k})
		if err != nil {
			t.Fatal(err)
		}
		opt := nn.NewAdam(append([]*nn.Tensor{m.w}, m.heads...), 0.02)
		var last []float64
		for i := 0; i < 300; i++ {
			last = m.step(t, meth, i, opt)
		}
		ratios = append(ratios, last[1]/last[0])
	}
	t.Logf("L2/L1 by preference: %.3g", ratios)
	for k := 1; k < len(ratios); k++ {
		if !(ratios[k] > ratios[k-1]) {
			t.Errorf("L2/L1 by preference: %v, want increasing", ratios)
			break
		}
	}
}

// TestEPOReachesRay trains one model per interior preference vector with
// EPO and checks that each ends on its ray: the normalised loss vector is
// within a few degrees of the preference direction.
func TestEPOReachesRay(t *testing.T) {
	all, _ := Preferences(2, 3)
	for k, u := range all {
		m := newTwoTaskModel(1)
		meth, err := New("epo", Config{Tasks: 2, Preferences: all, Preference: k})
		if err != nil {
			t.Fatal(err)
		}
		opt := nn.NewAdam(append([]*nn.Tensor{m.w}, m.heads...), 0.02)
		var last []float64
		for i := 0; i < 400; i++ {
			last = m.step(t, meth, i, opt)
		}
		cos := dot64(last, u) / math.Sqrt(dot64(last, last))
		t.Logf("preference %.3f: losses %.4f, cos %.5f", u, last, cos)
		if cos < math.Cos(3*math.Pi/180) {
			t.Errorf("preference %.3f: losses %.4f are %.1f° off the ray", u, last, math.Acos(math.Min(cos, 1))*180/math.Pi)
		}
	}
}

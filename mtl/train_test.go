package mtl

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/mtl/balance"
	"github.com/trident-lab/trident/nn"
)

func TestTrainerReducesLoss(t *testing.T) {
	d, err := Synthetic(SyntheticConfig{Rows: 1200, Dim: 20, P: 0.9, C: 1, M: 10, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := d.Split(1, 0.8, 0.2)
	for _, arch := range []string{"shared-bottom", "mmoe"} {
		cfg := DefaultConfig(arch)
		cfg.Hidden = []int{16}
		cfg.Tower = []int{8}
		n, err := NewNetwork(cfg, parts[0], 1)
		if err != nil {
			t.Fatal(err)
		}
		before := Evaluate(n, parts[1], 512)
		tr, err := NewTrainer(n, EqualWeights(2), TrainOptions{Epochs: 8, BatchSize: 64, LR: 0.005, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background(), parts[0], parts[1]); err != nil {
			t.Fatal(err)
		}
		after := tr.History[len(tr.History)-1].Val
		for i := range after {
			if after[i].MSE > 0.5*before[i].MSE {
				t.Errorf("%s task %d: validation MSE %g → %g, want at least halved", arch, i, before[i].MSE, after[i].MSE)
			}
		}
	}
}

// TestEveryMethodTrains runs each balancing method through the trainer on
// two correlated regression tasks and checks that both losses fall.
func TestEveryMethodTrains(t *testing.T) {
	d, err := Synthetic(SyntheticConfig{Rows: 600, Dim: 10, P: 0.7, C: 1, M: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	specs := append(balance.Names(), "fixed:0.3,0.7", "pmtl:3/1", "epo:3/1")
	for _, spec := range specs {
		if spec == "fixed" || spec == "pmtl" || spec == "epo" {
			continue // need settings; covered by the forms with arguments
		}
		m, err := NewMethod(spec, 2, 1)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		n, err := NewNetwork(Config{Arch: "shared-bottom", Hidden: []int{16}, Tower: []int{8}}, d, 1)
		if err != nil {
			t.Fatal(err)
		}
		before := Evaluate(n, d, 600)
		tr, err := NewTrainer(n, m, TrainOptions{Epochs: 4, BatchSize: 50, LR: 0.01, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if err := tr.Run(context.Background(), d, nil); err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		after := Evaluate(n, d, 600)
		for i := range after {
			if after[i].MSE >= before[i].MSE {
				t.Errorf("%s: task %d MSE %g → %g", spec, i, before[i].MSE, after[i].MSE)
			}
		}
	}
}

func TestNewMethodErrors(t *testing.T) {
	for _, spec := range []string{"sgd", "fixed", "fixed:1", "fixed:a,b", "pmtl:3", "pmtl:3/7", "ew:1"} {
		if _, err := NewMethod(spec, 2, 1); err == nil {
			t.Errorf("NewMethod(%q) accepted", spec)
		}
	}
	single, err := NewNetwork(Config{Arch: "single", Hidden: []int{4}, EmbedDim: 2}, tinyTable(4), 1)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := NewMethod("mgda", 3, 1)
	if _, err := NewTrainer(single, m, TrainOptions{Epochs: 1, BatchSize: 1, LR: 1}); err == nil {
		t.Error("a gradient method was accepted for a model without shared parameters")
	}
}

// TestMGDAUBUsesRepresentationGradients checks the trainer's MGDA-UB step
// on a shared-bottom network: the shared gradient it leaves must equal the
// gradient of Σ c_i·L_i, with c the min-norm coefficients of the task
// gradients with respect to the shared representation.
func TestMGDAUBUsesRepresentationGradients(t *testing.T) {
	d, _ := Synthetic(SyntheticConfig{Rows: 64, Dim: 6, P: 0.2, C: 1, M: 2, Seed: 9})
	n, err := NewNetwork(Config{Arch: "shared-bottom", Hidden: []int{5}, Tower: []int{3}}, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 64)
	for i := range idx {
		idx[i] = i
	}
	b := d.Batch(idx)
	m, _ := NewMethod("mgda-ub", 2, 1)
	tr, _ := NewTrainer(n, m, TrainOptions{Epochs: 1, BatchSize: 64, LR: 1e-30, Seed: 1})
	if _, err := tr.Step(b); err != nil {
		t.Fatal(err)
	}
	shared := n.Params.Group(SharedPrefix)
	got := nn.FlatGrad(shared)

	// The same by hand: representation gradients, MGDA coefficients, and
	// the weighted loss through the whole network.
	n.CutRepresentation(true)
	outs := n.Forward(b, true)
	_, leaf := n.Representation()
	var grads [][]float32
	var losses []*nn.Tensor
	for i, task := range n.Tasks {
		l := TaskLoss(task, outs[i], b, i)
		leaf.ZeroGrad()
		nn.Backward(l)
		grads = append(grads, nn.FlatGrad([]*nn.Tensor{leaf}))
		losses = append(losses, l)
	}
	n.CutRepresentation(false)
	ref, _ := NewMethod("mgda", 2, 1)
	step := &balance.Step{Losses: []float64{float64(losses[0].Item()), float64(losses[1].Item())}, Grads: grads}
	if err := ref.Combine(step); err != nil {
		t.Fatal(err)
	}
	n.Params.ZeroGrad()
	outs = n.Forward(b, true)
	total := nn.Add(nn.Scale(TaskLoss(n.Tasks[0], outs[0], b, 0), float32(step.Coef[0])),
		nn.Scale(TaskLoss(n.Tasks[1], outs[1], b, 1), float32(step.Coef[1])))
	nn.Backward(total)
	want := nn.FlatGrad(shared)
	for i := range want {
		if d := got[i] - want[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("shared gradient %d: trainer %g, Σ c_i ∇L_i %g (c = %v)", i, got[i], want[i], step.Coef)
		}
	}
}

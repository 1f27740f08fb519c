package mtl

import (
	"context"
	"testing"
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
		tr, err := NewTrainer(n, EqualWeights(), TrainOptions{Epochs: 8, BatchSize: 64, LR: 0.005, Seed: 1})
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

package mtl

import (
	"context"
	"fmt"
	"math"
)

// SyntheticBench configures the MMoE paper's synthetic experiment (Ma et
// al. 2018, figure 4): test loss against task correlation for several
// architectures, over several seeds.
type SyntheticBench struct {
	Correlations []float64 // the paper uses 1.0, 0.9, 0.8 and 0.5
	Archs        []string  // shared-bottom, moe (one gate) and mmoe
	Seeds        int
	Epochs       int
	BatchSize    int
	LR           float64
}

// DefaultSyntheticBench returns the experiment's settings.
func DefaultSyntheticBench() SyntheticBench {
	return SyntheticBench{
		Correlations: []float64{1.0, 0.9, 0.8, 0.5},
		Archs:        []string{"shared-bottom", "moe", "mmoe"},
		Seeds:        5,
		Epochs:       30,
		BatchSize:    64,
		LR:           0.002,
	}
}

// SyntheticConfigFor returns the network size the benchmark uses for an
// architecture: 8 experts of 16 hidden units for the mixtures and a shared
// bottom of 128 units (the same number of first-layer parameters, as the
// paper compares models of equal size), towers of 8 units.
func SyntheticConfigFor(arch string) Config {
	cfg := Config{Arch: arch, Tower: []int{8}}
	switch arch {
	case "moe", "mmoe":
		cfg.Experts, cfg.Hidden = 8, []int{16}
	default:
		cfg.Hidden = []int{128}
	}
	return cfg
}

// SyntheticCell is the result of one architecture at one correlation: the
// test loss (the mean over both tasks of the test MSE) of each seed.
type SyntheticCell struct {
	Arch   string    `json:"arch"`
	P      float64   `json:"p"`
	Losses []float64 `json:"losses"`
	Mean   float64   `json:"mean"`
	Std    float64   `json:"std"`
}

// Run trains every architecture at every correlation for every seed (a new
// data set per seed) and reports the test losses. progress, if not nil, is
// called after each training run.
func (sb SyntheticBench) Run(ctx context.Context, progress func(done, total int)) ([]SyntheticCell, error) {
	total := len(sb.Correlations) * len(sb.Archs) * sb.Seeds
	done := 0
	var cells []SyntheticCell
	for _, p := range sb.Correlations {
		row := make([]SyntheticCell, len(sb.Archs))
		for i, a := range sb.Archs {
			row[i] = SyntheticCell{Arch: a, P: p}
		}
		for seed := 1; seed <= sb.Seeds; seed++ {
			sp, err := openSynthetic(fmt.Sprintf("p=%g,seed=%d", p, seed))
			if err != nil {
				return nil, err
			}
			for i, a := range sb.Archs {
				n, err := NewNetwork(SyntheticConfigFor(a), sp.Train, uint64(seed))
				if err != nil {
					return nil, err
				}
				tr, err := NewTrainer(n, EqualWeights(len(sp.Train.Tasks)), TrainOptions{Epochs: sb.Epochs, BatchSize: sb.BatchSize, LR: sb.LR, Seed: uint64(seed), KeepBest: true})
				if err != nil {
					return nil, err
				}
				if err := tr.Run(ctx, sp.Train, sp.Val); err != nil {
					return nil, err
				}
				m := Evaluate(n, sp.Test, 4096)
				row[i].Losses = append(row[i].Losses, (m[0].MSE+m[1].MSE)/2)
				done++
				if progress != nil {
					progress(done, total)
				}
			}
		}
		for i := range row {
			row[i].Mean, row[i].Std = meanStd(row[i].Losses)
		}
		cells = append(cells, row...)
	}
	return cells, nil
}

func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		std = math.Sqrt(std / float64(len(xs)-1))
	}
	return mean, std
}

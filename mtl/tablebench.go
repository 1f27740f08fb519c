package mtl

import (
	"context"
	"fmt"
	"time"
)

// TableBench trains several architectures with one balancing method on a
// tabular data source and reports each one's test metrics and its
// multi-task gain Δm% over the single-task baseline, as the MMoE and PLE
// papers compare models on Census-Income.
type TableBench struct {
	Data      string
	Archs     []string // "single" is trained first as the baseline
	Balance   string
	Epochs    int
	BatchSize int
	LR        float64
	Seed      uint64
}

// TableResult is one architecture's outcome.
type TableResult struct {
	Arch          string        `json:"arch"`
	Parameters    int           `json:"parameters"`
	Test          []TaskMetrics `json:"test"`
	DeltaM        float64       `json:"delta_m"`
	SamplesPerSec float64       `json:"samples_per_sec"`
	Seconds       float64       `json:"seconds"`
}

// Run trains every architecture (keeping each one's best validation epoch)
// and evaluates it on the test split.
func (tb TableBench) Run(ctx context.Context, progress func(TableResult)) ([]TableResult, error) {
	sp, err := OpenSource(tb.Data, SourceOptions{Seed: tb.Seed})
	if err != nil {
		return nil, err
	}
	archs := append([]string{"single"}, tb.Archs...)
	var baseline []TaskMetrics
	var out []TableResult
	for i, arch := range archs {
		if i > 0 && arch == "single" {
			continue
		}
		start := time.Now()
		cfg := DefaultConfig(arch)
		net, err := NewNetwork(cfg, sp.Train, tb.Seed)
		if err != nil {
			return nil, err
		}
		spec := tb.Balance
		if arch == "single" {
			spec = "ew" // nothing is shared: every method reduces to training each task alone
		}
		method, err := NewMethod(spec, len(sp.Train.Tasks), tb.Seed)
		if err != nil {
			return nil, err
		}
		tr, err := NewTrainer(net, method, TrainOptions{Epochs: tb.Epochs, BatchSize: tb.BatchSize, LR: tb.LR, Seed: tb.Seed, KeepBest: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", arch, err)
		}
		if err := tr.Run(ctx, sp.Train, sp.Val); err != nil {
			return nil, fmt.Errorf("%s: %w", arch, err)
		}
		r := TableResult{Arch: arch, Parameters: net.Params.Count(), Test: Evaluate(net, sp.Test, 4096), Seconds: time.Since(start).Seconds()}
		var sps float64
		for _, h := range tr.History {
			sps += h.SamplesPerSec
		}
		r.SamplesPerSec = sps / float64(len(tr.History))
		if arch == "single" {
			baseline = r.Test
		}
		r.DeltaM = DeltaM(sp.Train.Tasks, r.Test, baseline)
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out, nil
}

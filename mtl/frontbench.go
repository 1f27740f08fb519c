package mtl

import (
	"context"
	"fmt"
	"time"
)

// FrontBench compares balancing methods on one two-task image problem
// (MultiFashion or MultiMNIST) with one network, as Lin et al. (2019) and
// Sener and Koltun (2018) do, and records each run's per-task test
// accuracy: points of the trade-off between the tasks.
type FrontBench struct {
	Data      string   // multifashion or multimnist (optionally :DIR)
	Arch      string   // image architecture, shared-bottom by default
	Methods   []string // balancing methods, each a CombinerFactory name
	TrainRows int      // training images used (0: all 60,000)
	Epochs    int
	BatchSize int
	LR        float64
	Seed      uint64
}

// FrontPoint is one training run's result.
type FrontPoint struct {
	Method   string    `json:"method"`
	Accuracy []float64 `json:"accuracy"` // per task, on the test split
	Seconds  float64   `json:"seconds"`
}

// Run trains one network per method and evaluates it; progress, if not
// nil, is called after each run.
func (fb FrontBench) Run(ctx context.Context, progress func(FrontPoint)) ([]FrontPoint, error) {
	sp, err := OpenSource(fb.Data, SourceOptions{Seed: fb.Seed})
	if err != nil {
		return nil, err
	}
	train := sp.Train
	if fb.TrainRows > 0 && fb.TrainRows < train.Rows {
		train = train.Slice(0, fb.TrainRows)
	}
	arch := fb.Arch
	if arch == "" {
		arch = "shared-bottom"
	}
	var points []FrontPoint
	for _, name := range fb.Methods {
		start := time.Now()
		net, err := NewNetwork(Config{Arch: arch}, train, fb.Seed)
		if err != nil {
			return nil, err
		}
		method, err := NewMethod(name, len(train.Tasks), fb.Seed)
		if err != nil {
			return nil, err
		}
		tr, err := NewTrainer(net, method, TrainOptions{Epochs: fb.Epochs, BatchSize: fb.BatchSize, LR: fb.LR, Seed: fb.Seed})
		if err != nil {
			return nil, err
		}
		if err := tr.Run(ctx, train, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		m := Evaluate(net, sp.Test, 2000)
		p := FrontPoint{Method: name, Seconds: time.Since(start).Seconds()}
		for _, tm := range m {
			p.Accuracy = append(p.Accuracy, tm.Accuracy)
		}
		points = append(points, p)
		if progress != nil {
			progress(p)
		}
	}
	return points, nil
}

// ParetoFront returns the indices of the points no other point beats on
// every task (larger accuracy is better), in order of the first task's
// accuracy.
func ParetoFront(points []FrontPoint) []int {
	var front []int
	for i, p := range points {
		dominated := false
		for j, q := range points {
			if i != j && dominates(q.Accuracy, p.Accuracy) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, i)
		}
	}
	for a := 1; a < len(front); a++ {
		for b := a; b > 0 && points[front[b]].Accuracy[0] < points[front[b-1]].Accuracy[0]; b-- {
			front[b], front[b-1] = front[b-1], front[b]
		}
	}
	return front
}

// dominates reports whether a is at least as good as b on every task and
// better on one.
func dominates(a, b []float64) bool {
	better := false
	for i := range a {
		if a[i] < b[i] {
			return false
		}
		if a[i] > b[i] {
			better = true
		}
	}
	return better
}

package mtl

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/trident-lab/trident/nn"
	"gonum.org/v1/gonum/stat/distuv"
)

// FrontBench compares balancing methods on one two-task image problem
// (MultiFashion or MultiMNIST) with one network, as Lin et al. (2019) and
// Sener and Koltun (2018) do, and records each run's per-task test
// accuracy: points of the trade-off between the tasks.
//
// Every epoch is scored on the source's validation split (the mean over
// tasks of the validation accuracy, Score) and the run is tested with the
// weights of its best epoch, so a run that overfits late is not reported
// at its last epoch; the test split never takes part in the choice.
type FrontBench struct {
	Data      string   // multifashion or multimnist (optionally :DIR)
	Arch      string   // image architecture, shared-bottom by default
	Methods   []string // balancing methods, each a CombinerFactory name
	TrainRows int      // training images used (0: all 60,000)
	Epochs    int
	BatchSize int
	LR        float64
	// Schedule, if set, gives Adam's learning rate for each epoch (counted
	// from 0) in place of the constant LR.
	Schedule nn.Schedule
	// Dropout is the network's Config.Dropout: MultiLeNet's dropout
	// probability, 0 for none.
	Dropout float64
	Seed    uint64
	// Seeds is how many seeds each method runs with (Seed, Seed+1, ...;
	// 0 means 1). A seed sets the training and validation overlays (which
	// item is paired with which), the initialization and the shuffling;
	// every run is tested on the same overlays, those of Seed.
	Seeds int
	// OnEpoch, if set, is called after every epoch of every run.
	OnEpoch func(method string, seed uint64, e FrontEpoch)
}

// FrontPoint is one training run's result.
type FrontPoint struct {
	Method string `json:"method"`
	Seed   uint64 `json:"seed"`
	// Accuracy is per task, on the test split, with the weights of
	// BestEpoch.
	Accuracy []float64 `json:"accuracy"`
	// BestEpoch (counted from 1) had the best validation score; Val is
	// its per-task validation accuracy.
	BestEpoch int          `json:"best_epoch"`
	Val       []float64    `json:"val"`
	Epochs    []FrontEpoch `json:"epochs,omitempty"`
	Seconds   float64      `json:"seconds"`
}

// FrontEpoch is the state of a run after one epoch. Test accuracy is
// recorded for every epoch to show what the validation choice gains or
// loses; it is not used to choose.
type FrontEpoch struct {
	Epoch int       `json:"epoch"` // counted from 1
	LR    float64   `json:"lr"`
	Val   []float64 `json:"val"`
	Test  []float64 `json:"test"`
}

// MGDAUBSchedule is the learning-rate schedule of Sener and Koltun's
// training script (multi_task/train_multi_task.py in
// intel-isl/MultiObjectiveOptimization): the rate is multiplied by 0.85
// before every tenth epoch, so epochs 10–19 (counted from 1) run at
// 0.85·lr and epoch 100 at 0.85¹⁰·lr ≈ 0.2·lr.
func MGDAUBSchedule(lr float64) nn.Schedule {
	decay := nn.StepDecay(lr, 10, 0.85)
	return func(epoch int) float64 { return decay(epoch + 1) }
}

// MGDAUBDropout is the dropout probability of Sener and Koltun's
// MultiLeNet (multi_task/models/multi_lenet.py in the same repository), for
// Config.Dropout.
const MGDAUBDropout = 0.5

// Run trains one network per method and seed and evaluates it. It goes
// seed by seed, every method on a seed before the next seed, so the
// progress reports of an interrupted benchmark still pair every method
// with the baseline on the seeds it finished; progress, if not nil, is
// called after each run.
func (fb FrontBench) Run(ctx context.Context, progress func(FrontPoint)) ([]FrontPoint, error) {
	seeds := max(fb.Seeds, 1)
	arch := fb.Arch
	if arch == "" {
		arch = "shared-bottom"
	}
	var test *Dataset
	var points []FrontPoint
	for s := 0; s < seeds; s++ {
		seed := fb.Seed + uint64(s)
		sp, err := OpenSource(fb.Data, SourceOptions{Seed: seed})
		if err != nil {
			return nil, err
		}
		if sp.Val == nil || sp.Val.Rows == 0 {
			return nil, fmt.Errorf("mtl: %s has no validation split to choose the epoch on", fb.Data)
		}
		if test == nil {
			test = sp.Test
		}
		train := sp.Train
		if fb.TrainRows > 0 && fb.TrainRows < train.Rows {
			train = train.Slice(0, fb.TrainRows)
		}
		for _, name := range fb.Methods {
			p, err := fb.runOne(ctx, arch, name, seed, train, sp.Val, test)
			if err != nil {
				return nil, fmt.Errorf("%s, seed %d: %w", name, seed, err)
			}
			points = append(points, p)
			if progress != nil {
				progress(p)
			}
		}
	}
	return points, nil
}

// runOne trains one network with method name, keeping the weights of the
// epoch with the best validation score, and tests them.
func (fb FrontBench) runOne(ctx context.Context, arch, name string, seed uint64, train, val, test *Dataset) (FrontPoint, error) {
	start := time.Now()
	p := FrontPoint{Method: name, Seed: seed}
	net, err := NewNetwork(Config{Arch: arch, Dropout: fb.Dropout}, train, seed)
	if err != nil {
		return p, err
	}
	method, err := NewMethod(name, len(train.Tasks), seed)
	if err != nil {
		return p, err
	}
	opt := TrainOptions{Epochs: fb.Epochs, BatchSize: fb.BatchSize, LR: fb.LR, Seed: seed, KeepBest: true, Schedule: fb.Schedule}
	var tr *Trainer
	opt.OnEpoch = func(rec EpochRecord) error {
		e := FrontEpoch{Epoch: rec.Epoch + 1, LR: tr.Opt.LR(), Val: accuracies(rec.Val), Test: accuracies(Evaluate(net, test, 2000))}
		p.Epochs = append(p.Epochs, e)
		if fb.OnEpoch != nil {
			fb.OnEpoch(name, seed, e)
		}
		return nil
	}
	if tr, err = NewTrainer(net, method, opt); err != nil {
		return p, err
	}
	if err := tr.Run(ctx, train, val); err != nil {
		return p, err
	}
	if tr.BestAt < 0 {
		return p, fmt.Errorf("mtl: no epoch was scored on validation")
	}
	p.BestEpoch = tr.BestAt + 1
	p.Val = p.Epochs[tr.BestAt].Val
	p.Accuracy = accuracies(Evaluate(net, test, 2000))
	p.Seconds = time.Since(start).Seconds()
	return p, nil
}

func accuracies(m []TaskMetrics) []float64 {
	out := make([]float64, len(m))
	for i, tm := range m {
		out[i] = tm.Accuracy
	}
	return out
}

// FrontSummary is one method's accuracy over seeds and its comparison with
// a baseline method run on the same seeds.
type FrontSummary struct {
	Method string `json:"method"`
	Runs   int    `json:"runs"`
	// Per task: mean accuracy, its standard deviation over seeds and the
	// half-width of the 95% confidence interval of the mean (Student's t).
	Mean []float64 `json:"mean"`
	SD   []float64 `json:"sd"`
	CI95 []float64 `json:"ci95"`
	// Per task, paired by seed: the mean of (method − baseline) accuracy,
	// its standard error and the half-width of its 95% confidence
	// interval. Empty for the baseline itself.
	Diff     []float64 `json:"diff,omitempty"`
	DiffSE   []float64 `json:"diff_se,omitempty"`
	DiffCI95 []float64 `json:"diff_ci95,omitempty"`
}

// Verdict says how the method compares with the baseline on task i:
// "better" or "worse" when the 95% confidence interval of the paired
// difference excludes zero, "within noise" otherwise (always so for a
// single seed, which cannot tell a difference from noise).
func (s FrontSummary) Verdict(i int) string {
	switch {
	case len(s.Diff) <= i || s.Runs < 2:
		return "within noise"
	case s.Diff[i]-s.DiffCI95[i] > 0:
		return "better"
	case s.Diff[i]+s.DiffCI95[i] < 0:
		return "worse"
	}
	return "within noise"
}

// NotWorse reports whether the method is better than the baseline or
// within noise of it on every task.
func (s FrontSummary) NotWorse() bool {
	for i := range s.Mean {
		if s.Verdict(i) == "worse" {
			return false
		}
	}
	return true
}

// SummarizeFront groups runs by method (in order of first appearance) and
// compares each with the baseline method's runs of the same seeds. Every
// method must have run on exactly the baseline's seeds.
func SummarizeFront(points []FrontPoint, baseline string) ([]FrontSummary, error) {
	var order []string
	bySeed := map[string]map[uint64][]float64{}
	for _, p := range points {
		m := bySeed[p.Method]
		if m == nil {
			m = map[uint64][]float64{}
			bySeed[p.Method] = m
			order = append(order, p.Method)
		}
		if _, dup := m[p.Seed]; dup {
			return nil, fmt.Errorf("mtl: method %s ran twice with seed %d", p.Method, p.Seed)
		}
		m[p.Seed] = p.Accuracy
	}
	base, ok := bySeed[baseline]
	if !ok {
		return nil, fmt.Errorf("mtl: baseline method %s has no runs", baseline)
	}
	var seeds []uint64
	for s := range base {
		seeds = append(seeds, s)
	}
	for a := 1; a < len(seeds); a++ {
		for b := a; b > 0 && seeds[b] < seeds[b-1]; b-- {
			seeds[b], seeds[b-1] = seeds[b-1], seeds[b]
		}
	}
	tasks := len(base[seeds[0]])
	var out []FrontSummary
	for _, name := range order {
		runs := bySeed[name]
		if len(runs) != len(seeds) {
			return nil, fmt.Errorf("mtl: method %s ran with %d seeds, baseline %s with %d", name, len(runs), baseline, len(seeds))
		}
		s := FrontSummary{Method: name, Runs: len(seeds)}
		for t := 0; t < tasks; t++ {
			acc := make([]float64, len(seeds))
			diff := make([]float64, len(seeds))
			for k, seed := range seeds {
				a, ok := runs[seed]
				if !ok {
					return nil, fmt.Errorf("mtl: method %s has no run with seed %d", name, seed)
				}
				if len(a) != tasks {
					return nil, fmt.Errorf("mtl: method %s, seed %d: %d task accuracies, want %d", name, seed, len(a), tasks)
				}
				acc[k] = a[t]
				diff[k] = a[t] - base[seed][t]
			}
			m, sd, _, half := spread(acc)
			s.Mean = append(s.Mean, m)
			s.SD = append(s.SD, sd)
			s.CI95 = append(s.CI95, half)
			if name != baseline {
				m, _, se, half := spread(diff)
				s.Diff = append(s.Diff, m)
				s.DiffSE = append(s.DiffSE, se)
				s.DiffCI95 = append(s.DiffCI95, half)
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// spread returns the mean of xs, the sample standard deviation, the
// standard error of the mean and the half-width of the mean's 95%
// confidence interval (Student's t with len(xs)−1 degrees of freedom);
// the last three are 0 for a single value.
func spread(xs []float64) (mean, sd, se, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, 0, 0, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd = math.Sqrt(ss / (n - 1))
	se = sd / math.Sqrt(n)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return mean, sd, se, t * se
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

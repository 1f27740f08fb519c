package mtl

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/trident-lab/trident/nn"
)

// Combiner decides, each step, how the task losses are turned into
// parameter gradients. The trainer computes the per-task losses and, when
// the combiner asks for them, the per-task gradients of the shared
// parameters; the combiner returns the gradient of the shared parameters
// and the weight of each task's loss for its task-specific parameters.
type Combiner interface {
	// Name identifies the method.
	Name() string
	// NeedsTaskGradients reports whether Combine needs the gradient of
	// each task's loss with respect to the shared parameters.
	NeedsTaskGradients() bool
	// Combine receives the step's losses (and task gradients when asked
	// for) and returns the per-task loss weights; a gradient method also
	// returns the combined shared gradient (nil otherwise, and the weighted
	// loss's gradient is used).
	Combine(s *StepInfo) (weights []float64, shared []float32, err error)
}

// StepInfo is what a Combiner sees of a training step.
type StepInfo struct {
	Step, Epoch int
	Losses      []*nn.Tensor // per task, scalars in the current graph
	LossValues  []float64
	// TaskGrads[i] is the gradient of task i's loss with respect to the
	// shared parameters, flattened (set when NeedsTaskGradients).
	TaskGrads [][]float32
	Shared    []*nn.Tensor // the shared parameters
}

// TrainOptions configure Train.
type TrainOptions struct {
	Epochs      int     `json:"epochs"`
	BatchSize   int     `json:"batch_size"`
	LR          float64 `json:"lr"`
	WeightDecay float64 `json:"weight_decay"`
	Seed        uint64  `json:"seed"`
	// Patience stops training when the validation score has not improved
	// for this many epochs (0: never stop early).
	Patience int `json:"patience"`
	// KeepBest restores, when Run returns, the weights of the epoch with
	// the best validation score.
	KeepBest bool `json:"keep_best"`
	// OnEpoch, if set, is called after each epoch with its record; an error
	// stops training (a checkpoint writer uses it).
	OnEpoch func(EpochRecord) error `json:"-"`
	// OnStep, if set, is called after each step (for progress).
	OnStep func(step, steps int, loss float64) `json:"-"`
}

// EpochRecord summarizes one epoch of training.
type EpochRecord struct {
	Epoch         int           `json:"epoch"`
	TrainLoss     []float64     `json:"train_loss"`
	Val           []TaskMetrics `json:"val"`
	ValScore      float64       `json:"val_score"`
	Seconds       float64       `json:"seconds"`
	SamplesPerSec float64       `json:"samples_per_sec"`
}

// Trainer trains a Network with Adam and a Combiner, epoch by epoch. Its
// state (network parameters, optimizer moments, epoch and history) can be
// saved and restored to resume an interrupted run.
type Trainer struct {
	Net      *Network
	Opt      *nn.Adam
	Method   Combiner
	Options  TrainOptions
	History  []EpochRecord
	Epoch    int // epochs completed
	BestEval float64
	BestAt   int
	step     int
	best     []float32 // weights at BestAt, with KeepBest
}

// NewTrainer prepares training of n with method m. Extra trainable tensors
// of the method (such as uncertainty weighting's log-variances) are passed
// in extra and optimized with the network.
func NewTrainer(n *Network, m Combiner, opt TrainOptions, extra ...*nn.Tensor) (*Trainer, error) {
	if opt.Epochs <= 0 || opt.BatchSize <= 0 || opt.LR <= 0 {
		return nil, fmt.Errorf("mtl: epochs, batch size and learning rate must be positive, have %d, %d, %g", opt.Epochs, opt.BatchSize, opt.LR)
	}
	params := append(n.Params.Trainable(), extra...)
	adam := nn.NewAdam(params, opt.LR)
	adam.WeightDecay = opt.WeightDecay
	return &Trainer{Net: n, Opt: adam, Method: m, Options: opt, BestEval: math.Inf(-1), BestAt: -1}, nil
}

// Score is the validation score used for early stopping and for picking
// the best epoch: the mean over tasks of each task's headline metric.
func Score(tasks []Task, m []TaskMetrics) float64 {
	var s float64
	for i, t := range tasks {
		s += m[i].Score(t.Kind)
	}
	return s / float64(len(tasks))
}

// Run trains until Options.Epochs epochs are complete (continuing from
// t.Epoch after a resume), early stopping triggers, or ctx is cancelled.
func (t *Trainer) Run(ctx context.Context, train, val *Dataset) error {
	for t.Epoch < t.Options.Epochs {
		rec, err := t.runEpoch(ctx, train, val)
		if err != nil {
			return err
		}
		t.History = append(t.History, rec)
		t.Epoch++
		if val != nil && rec.ValScore > t.BestEval {
			t.BestEval, t.BestAt = rec.ValScore, rec.Epoch
			if t.Options.KeepBest {
				t.best = nn.FlatParams(t.Net.Params.Trainable())
			}
		}
		if t.Options.OnEpoch != nil {
			if err := t.Options.OnEpoch(rec); err != nil {
				return err
			}
		}
		if t.Options.Patience > 0 && t.Epoch-1-t.BestAt >= t.Options.Patience {
			break
		}
	}
	if t.best != nil {
		at := t.best
		for _, p := range t.Net.Params.Trainable() {
			copy(p.Data, at[:len(p.Data)])
			at = at[len(p.Data):]
		}
	}
	return nil
}

func (t *Trainer) runEpoch(ctx context.Context, train, val *Dataset) (EpochRecord, error) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(t.Options.Seed, uint64(t.Epoch)))
	perm := rng.Perm(train.Rows)
	bs := t.Options.BatchSize
	steps := (train.Rows + bs - 1) / bs
	T := len(t.Net.Tasks)
	sums := make([]float64, T)
	for s := 0; s < steps; s++ {
		if err := ctx.Err(); err != nil {
			return EpochRecord{}, err
		}
		idx := perm[s*bs : min((s+1)*bs, train.Rows)]
		losses, err := t.Step(train.Batch(idx))
		if err != nil {
			return EpochRecord{}, err
		}
		total := 0.0
		for i, l := range losses {
			sums[i] += l * float64(len(idx))
			total += l
		}
		if t.Options.OnStep != nil {
			t.Options.OnStep(s+1, steps, total)
		}
	}
	for i := range sums {
		sums[i] /= float64(train.Rows)
	}
	secs := time.Since(start).Seconds()
	rec := EpochRecord{Epoch: t.Epoch, TrainLoss: sums, Seconds: secs, SamplesPerSec: float64(train.Rows) / secs}
	if val != nil {
		rec.Val = Evaluate(t.Net, val, 4096)
		rec.ValScore = Score(t.Net.Tasks, rec.Val)
	}
	return rec, nil
}

// SetStep sets the count of steps taken (after a resume).
func (t *Trainer) SetStep(n int) { t.step = n }

// Step runs one training step on batch b and returns the task losses.
func (t *Trainer) Step(b *Batch) ([]float64, error) {
	n := t.Net
	outs := n.Forward(b, true)
	T := len(n.Tasks)
	info := &StepInfo{Step: t.step, Epoch: t.Epoch, Losses: make([]*nn.Tensor, T), LossValues: make([]float64, T)}
	for i, task := range n.Tasks {
		l := TaskLoss(task, outs[i], b, i)
		if err := nn.CheckFinite(t.step, l); err != nil {
			return nil, fmt.Errorf("task %s: %w", task.Name, err)
		}
		info.Losses[i], info.LossValues[i] = l, float64(l.Item())
	}
	t.step++
	shared := n.Params.Group(SharedPrefix)
	info.Shared = shared
	n.Params.ZeroGrad()
	for _, p := range t.Opt.Params {
		p.ZeroGrad()
	}
	if t.Method.NeedsTaskGradients() && len(shared) > 0 {
		info.TaskGrads = make([][]float32, T)
		for i, l := range info.Losses {
			nn.ZeroGrads(shared)
			nn.Backward(l)
			info.TaskGrads[i] = nn.FlatGrad(shared)
		}
		// Task-specific parameters now hold their own task's gradient
		// (each is reached by one loss only); reset them so that the
		// weighted pass below sets them.
		n.Params.ZeroGrad()
	}
	weights, sharedGrad, err := t.Method.Combine(info)
	if err != nil {
		return nil, fmt.Errorf("%s: step %d: %w", t.Method.Name(), t.step-1, err)
	}
	if len(weights) != T {
		return nil, fmt.Errorf("%s returned %d weights for %d tasks", t.Method.Name(), len(weights), T)
	}
	var total *nn.Tensor
	for i, l := range info.Losses {
		w := nn.Scale(l, float32(weights[i]))
		if total == nil {
			total = w
		} else {
			total = nn.Add(total, w)
		}
	}
	nn.Backward(total)
	if sharedGrad != nil {
		if err := nn.SetFlatGrad(shared, sharedGrad); err != nil {
			return nil, err
		}
	}
	t.Opt.Step()
	return info.LossValues, nil
}

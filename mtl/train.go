package mtl

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/trident-lab/trident/mtl/balance"
	"github.com/trident-lab/trident/nn"
)

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
	// Schedule, if set, gives the Adam learning rate of each epoch
	// (counted from 0); LR is then only checked to be positive.
	Schedule nn.Schedule `json:"-"`
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
	Method   balance.Method
	Options  TrainOptions
	History  []EpochRecord
	Epoch    int // epochs completed
	BestEval float64
	BestAt   int
	step     int
	best     []float32 // weights at BestAt, with KeepBest
}

// NewTrainer prepares training of n with balancing method m. The method's
// own trainable tensors (such as uncertainty weighting's log-variances) are
// optimized with the network's.
func NewTrainer(n *Network, m balance.Method, opt TrainOptions) (*Trainer, error) {
	if opt.Epochs <= 0 || opt.BatchSize <= 0 || opt.LR <= 0 {
		return nil, fmt.Errorf("mtl: epochs, batch size and learning rate must be positive, have %d, %d, %g", opt.Epochs, opt.BatchSize, opt.LR)
	}
	needs := m.Needs()
	if (needs.TaskGrads || needs.LastSharedGrads) && len(n.Params.Group(SharedPrefix)) == 0 {
		return nil, fmt.Errorf("mtl: %s works on shared parameters and the %s model has none", m.Name(), n.Config.Arch)
	}
	params := append(n.Params.Trainable(), m.Params()...)
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
	if t.Options.Schedule != nil {
		t.Opt.SetLR(t.Options.Schedule(t.Epoch))
	}
	rng := rand.New(rand.NewPCG(t.Options.Seed, uint64(t.Epoch)))
	perm := rng.Perm(train.Rows)
	t.Net.seedDropout(t.Options.Seed, t.Epoch)
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
	if err := t.Method.EndEpoch(sums); err != nil {
		return EpochRecord{}, fmt.Errorf("%s: %w", t.Method.Name(), err)
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

// Step runs one training step on batch b, following the protocol of
// package balance, and returns the task losses.
func (t *Trainer) Step(b *Batch) ([]float64, error) {
	n := t.Net
	needs := t.Method.Needs()
	// MGDA-UB works on gradients with respect to the shared
	// representation where the architecture has one.
	useRep := needs.Representation && n.CutRepresentation(true)
	defer n.CutRepresentation(false)
	outs := n.Forward(b, true)
	T := len(n.Tasks)
	losses := make([]*nn.Tensor, T)
	step := &balance.Step{Index: t.step, Losses: make([]float64, T)}
	for i, task := range n.Tasks {
		l := TaskLoss(task, outs[i], b, i)
		if err := nn.CheckFinite(t.step, l); err != nil {
			return nil, fmt.Errorf("task %s: %w", task.Name, err)
		}
		losses[i], step.Losses[i] = l, float64(l.Item())
	}
	t.step++
	for _, p := range t.Opt.Params {
		p.ZeroGrad()
	}
	shared := n.Params.Group(SharedPrefix)
	z, zLeaf := n.Representation()
	if needs.TaskGrads || needs.LastSharedGrads {
		last := n.LastShared()
		for _, l := range losses {
			nn.ZeroGrads(shared)
			if useRep {
				zLeaf.ZeroGrad()
			}
			nn.Backward(l)
			switch {
			case useRep:
				step.Grads = append(step.Grads, nn.FlatGrad([]*nn.Tensor{zLeaf}))
			case needs.TaskGrads:
				step.Grads = append(step.Grads, nn.FlatGrad(shared))
			}
			if needs.LastSharedGrads {
				step.LastShared = append(step.LastShared, nn.FlatGrad(last))
			}
		}
		// Each task-specific parameter now holds its own task's gradient:
		// only its task's loss reaches it.
	}
	if err := t.Method.Combine(step); err != nil {
		return nil, fmt.Errorf("%s: step %d: %w", t.Method.Name(), step.Index, err)
	}
	if len(step.Weights) != T {
		return nil, fmt.Errorf("%s set %d weights for %d tasks", t.Method.Name(), len(step.Weights), T)
	}
	if useRep {
		// Push Σ c_i·∂L_i/∂Z through the shared layers; the heads keep
		// their own task's gradient from the per-task passes.
		if step.Shared == nil || !allOnes(step.Weights) {
			return nil, fmt.Errorf("%s: a representation method must return a combined gradient with unit weights", t.Method.Name())
		}
		nn.ZeroGrads(shared)
		nn.BackwardWith(z, step.Shared)
		t.Opt.Step()
		return step.Losses, nil
	}
	if step.Shared == nil || !allOnes(step.Weights) || !needs.TaskGrads {
		// Backpropagate the weighted sum of the losses into every model
		// parameter (the method's own parameters keep what Combine wrote).
		n.Params.ZeroGrad()
		var total *nn.Tensor
		for i, l := range losses {
			w := nn.Scale(l, float32(step.Weights[i]))
			if total == nil {
				total = w
			} else {
				total = nn.Add(total, w)
			}
		}
		nn.Backward(total)
	}
	if step.Shared != nil {
		if err := nn.SetFlatGrad(shared, step.Shared); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Method.Name(), err)
		}
	}
	t.Opt.Step()
	return step.Losses, nil
}

func allOnes(w []float64) bool {
	for _, v := range w {
		if v != 1 {
			return false
		}
	}
	return true
}

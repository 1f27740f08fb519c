package mtl

import (
	"github.com/trident-lab/trident/nn"
)

// Batch is a set of rows of a Dataset laid out as tensors.
type Batch struct {
	Rows  int
	Dense *nn.Tensor // [Rows, dense width], or [Rows, C, H, W] for images
	Cat   [][]int    // Cat[column][row]
	// Targets[task] is [Rows, 1] for binary and regression tasks; Labels
	// holds class indices for multi-class tasks.
	Targets []*nn.Tensor
	Labels  [][]int
}

// Batch gathers the rows idx of d.
func (d *Dataset) Batch(idx []int) *Batch {
	w := d.DenseWidth()
	b := &Batch{Rows: len(idx), Cat: make([][]int, len(d.Cat)), Targets: make([]*nn.Tensor, len(d.Tasks)), Labels: make([][]int, len(d.Tasks))}
	dense := make([]float32, len(idx)*w)
	for i, r := range idx {
		copy(dense[i*w:(i+1)*w], d.Dense[r*w:(r+1)*w])
	}
	if d.Channels > 0 {
		b.Dense = nn.New(dense, len(idx), d.Channels, d.Height, d.Width)
	} else {
		b.Dense = nn.New(dense, len(idx), w)
	}
	for c, col := range d.Cat {
		ids := make([]int, len(idx))
		for i, r := range idx {
			ids[i] = int(col[r])
		}
		b.Cat[c] = ids
	}
	for t, task := range d.Tasks {
		col := d.Targets[t]
		if task.Kind == Multiclass {
			labels := make([]int, len(idx))
			for i, r := range idx {
				labels[i] = int(col[r])
			}
			b.Labels[t] = labels
			continue
		}
		v := make([]float32, len(idx))
		for i, r := range idx {
			v[i] = col[r]
		}
		b.Targets[t] = nn.New(v, len(idx), 1)
	}
	return b
}

// TaskLoss returns the loss of one task's output on batch b: BCE with
// logits for binary tasks, softmax cross-entropy for multi-class tasks and
// MSE for regression.
func TaskLoss(task Task, out *nn.Tensor, b *Batch, t int) *nn.Tensor {
	switch task.Kind {
	case Binary:
		return nn.BCEWithLogits(out, b.Targets[t])
	case Multiclass:
		return nn.SoftmaxCrossEntropy(out, b.Labels[t])
	default:
		return nn.MSE(out, b.Targets[t])
	}
}

package mtl

import (
	"math"

	"github.com/trident-lab/trident/nn"
)

// Evaluate runs n over d in batches of batchSize without recording
// gradients and returns each task's metrics.
func Evaluate(n *Network, d *Dataset, batchSize int) []TaskMetrics {
	T := len(n.Tasks)
	scores := make([][]float32, T)
	preds := make([][]int, T)
	losses := make([]float64, T)
	n.Params.NoGrad(func() {
		forBatches(d, batchSize, func(idx []int) {
			b := d.Batch(idx)
			outs := n.Forward(b, false)
			for t, task := range n.Tasks {
				losses[t] += float64(TaskLoss(task, outs[t], b, t).Item()) * float64(len(idx))
				switch task.Kind {
				case Multiclass:
					c := task.Classes
					for i := range idx {
						row := outs[t].Data[i*c : (i+1)*c]
						best := 0
						for j, v := range row {
							if v > row[best] {
								best = j
							}
						}
						preds[t] = append(preds[t], best)
					}
				default:
					scores[t] = append(scores[t], outs[t].Data...)
				}
			}
		})
	})
	out := make([]TaskMetrics, T)
	for t, task := range n.Tasks {
		m := TaskMetrics{Task: task.Name, Loss: losses[t] / float64(d.Rows)}
		y := d.Targets[t]
		switch task.Kind {
		case Binary:
			m.AUC = AUC(scores[t], y)
			correct := 0
			for i, s := range scores[t] {
				if (s > 0) == (y[i] > 0.5) {
					correct++
				}
			}
			m.Accuracy = float64(correct) / float64(d.Rows)
		case Multiclass:
			correct := 0
			for i, p := range preds[t] {
				if float32(p) == y[i] {
					correct++
				}
			}
			m.Accuracy = float64(correct) / float64(d.Rows)
		case Regression:
			var se float64
			for i, s := range scores[t] {
				e := float64(s - y[i])
				se += e * e
			}
			m.MSE = se / float64(d.Rows)
			m.RMSE = math.Sqrt(m.MSE)
		}
		out[t] = m
	}
	return out
}

// Predict returns each task's predictions for d: probabilities for binary
// tasks, class probabilities (row-major, Classes per row) for multi-class
// tasks, values for regression.
func Predict(n *Network, d *Dataset, batchSize int) [][]float32 {
	out := make([][]float32, len(n.Tasks))
	n.Params.NoGrad(func() {
		forBatches(d, batchSize, func(idx []int) {
			outs := n.Forward(d.Batch(idx), false)
			for t, task := range n.Tasks {
				switch task.Kind {
				case Binary:
					outs[t] = nn.Sigmoid(outs[t])
				case Multiclass:
					outs[t] = nn.Softmax(outs[t], 1)
				}
				out[t] = append(out[t], outs[t].Data...)
			}
		})
	})
	return out
}

// forBatches calls fn with the row indices of d in consecutive batches of at
// most size rows.
func forBatches(d *Dataset, size int, fn func(idx []int)) {
	for start := 0; start < d.Rows; start += size {
		end := min(start+size, d.Rows)
		idx := make([]int, end-start)
		for i := range idx {
			idx[i] = start + i
		}
		fn(idx)
	}
}

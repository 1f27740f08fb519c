package mtl

import (
	"math"
	"slices"
)

// AUC returns the area under the ROC curve of scores for 0/1 labels: the
// probability that a random positive scores above a random negative, ties
// counting one half (the Mann–Whitney statistic). It returns NaN when
// either class is missing.
func AUC(scores, labels []float32) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return 0
	})
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avgRank := float64(i+j+1) / 2 // ranks are 1-based
		for k := i; k < j; k++ {
			if labels[idx[k]] > 0.5 {
				pos++
				rankSum += avgRank
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// TaskMetrics are the evaluation results of one task.
type TaskMetrics struct {
	Task     string  `json:"task"`
	Loss     float64 `json:"loss"`
	AUC      float64 `json:"auc,omitempty"`      // binary tasks
	Accuracy float64 `json:"accuracy,omitempty"` // binary and multi-class tasks
	MSE      float64 `json:"mse,omitempty"`      // regression tasks
	RMSE     float64 `json:"rmse,omitempty"`
}

// Score returns the task's headline metric, larger is better: AUC for
// binary tasks, accuracy for multi-class tasks, -RMSE for regression.
func (m TaskMetrics) Score(k Kind) float64 {
	switch k {
	case Binary:
		return m.AUC
	case Multiclass:
		return m.Accuracy
	}
	return -m.RMSE
}

// DeltaM returns the multi-task gain Δm% of Maninis et al. (2019) and
// Vandenhende et al.: the mean over tasks of the relative improvement of
// each task's headline metric over the single-task baseline, in percent,
// with the sign flipped for metrics where lower is better.
func DeltaM(tasks []Task, multi, single []TaskMetrics) float64 {
	var s float64
	for i, t := range tasks {
		var m, b float64
		lower := false
		switch t.Kind {
		case Binary:
			m, b = multi[i].AUC, single[i].AUC
		case Multiclass:
			m, b = multi[i].Accuracy, single[i].Accuracy
		default:
			m, b, lower = multi[i].RMSE, single[i].RMSE, true
		}
		d := (m - b) / b
		if lower {
			d = -d
		}
		s += d
	}
	return 100 * s / float64(len(tasks))
}

package nn

import (
	"fmt"
	"math"
)

// pairLoss builds the mean over elements of a per-element loss f(pred,
// target), with dp and dt its partial derivatives.
func pairLoss(op string, pred, target *Tensor, f func(p, t float64) float64, dp, dt func(p, t float64) float64) *Tensor {
	if !sameShape(pred.Shape, target.Shape) {
		panic(shapeErr(op, "prediction %v and target %v differ in shape", pred.Shape, target.Shape))
	}
	n := len(pred.Data)
	var s float64
	for i := range pred.Data {
		s += f(float64(pred.Data[i]), float64(target.Data[i]))
	}
	out := Scalar(float32(s / float64(max(n, 1))))
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		scale := float64(g[0]) / float64(max(n, 1))
		for i := range pred.Data {
			p, t := float64(pred.Data[i]), float64(target.Data[i])
			if ig[0] != nil {
				ig[0][i] += float32(scale * dp(p, t))
			}
			if ig[1] != nil {
				ig[1][i] += float32(scale * dt(p, t))
			}
		}
	}, pred, target)
}

// MSE returns the mean squared error between pred and target.
func MSE(pred, target *Tensor) *Tensor {
	return pairLoss("MSE", pred, target,
		func(p, t float64) float64 { return (p - t) * (p - t) },
		func(p, t float64) float64 { return 2 * (p - t) },
		func(p, t float64) float64 { return -2 * (p - t) })
}

// L1 returns the mean absolute error between pred and target.
func L1(pred, target *Tensor) *Tensor {
	sign := func(v float64) float64 {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	return pairLoss("L1", pred, target,
		func(p, t float64) float64 { return math.Abs(p - t) },
		func(p, t float64) float64 { return sign(p - t) },
		func(p, t float64) float64 { return -sign(p - t) })
}

// Charbonnier returns the mean of sqrt((pred-target)² + eps²), a smooth L1
// used for super-resolution (Lai et al. 2017 use eps = 1e-3).
func Charbonnier(pred, target *Tensor, eps float64) *Tensor {
	e2 := eps * eps
	return pairLoss("Charbonnier", pred, target,
		func(p, t float64) float64 { return math.Sqrt((p-t)*(p-t) + e2) },
		func(p, t float64) float64 { return (p - t) / math.Sqrt((p-t)*(p-t)+e2) },
		func(p, t float64) float64 { return -(p - t) / math.Sqrt((p-t)*(p-t)+e2) })
}

// BCEWithLogits returns the mean binary cross-entropy between sigmoid(logits)
// and targets in [0, 1], computed stably from the logits:
// max(x, 0) - x·y + log(1 + exp(-|x|)).
func BCEWithLogits(logits, targets *Tensor) *Tensor {
	return pairLoss("BCEWithLogits", logits, targets,
		func(x, y float64) float64 { return math.Max(x, 0) - x*y + math.Log1p(math.Exp(-math.Abs(x))) },
		func(x, y float64) float64 { return float64(sigmoid(float32(x))) - y },
		func(x, _ float64) float64 { return -x })
}

// SoftmaxCrossEntropy returns the mean over rows of -log softmax(logits)[label]
// for logits of shape [N, C] and N class labels in [0, C).
func SoftmaxCrossEntropy(logits *Tensor, labels []int) *Tensor {
	if logits.Dims() != 2 || logits.Shape[0] != len(labels) {
		panic(shapeErr("SoftmaxCrossEntropy", "logits %v for %d labels, want [%d, classes]", logits.Shape, len(labels), len(labels)))
	}
	n, c := logits.Shape[0], logits.Shape[1]
	for i, l := range labels {
		if l < 0 || l >= c {
			panic(shapeErr("SoftmaxCrossEntropy", "label %d (row %d) out of range for %d classes", l, i, c))
		}
	}
	lsm := LogSoftmax(logits.Detach(), 1)
	prob := make([]float32, len(lsm.Data))
	var s float64
	for i, l := range labels {
		s -= float64(lsm.Data[i*c+l])
	}
	for i, v := range lsm.Data {
		prob[i] = float32(math.Exp(float64(v)))
	}
	out := Scalar(float32(s / float64(max(n, 1))))
	return record(out, "SoftmaxCrossEntropy", func(_ *Tensor, g []float32, ig [][]float32) {
		scale := g[0] / float32(max(n, 1))
		for i, l := range labels {
			for j := 0; j < c; j++ {
				d := prob[i*c+j]
				if j == l {
					d--
				}
				ig[0][i*c+j] += scale * d
			}
		}
	}, logits)
}

// CheckFinite returns an error naming the step when loss is NaN or
// infinite, so that a diverging run stops with a clear message.
func CheckFinite(step int, loss *Tensor) error {
	if loss.HasNaN() {
		return fmt.Errorf("nn: loss is %v at step %d", loss.Data[0], step)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/nn"
)

// demoNN trains a small MLP with nn to separate two interleaved spirals, a
// classic problem no linear model can solve, and draws what it learned.
func demoNN(ctx context.Context, w io.Writer) error {
	const (
		perClass = 200
		steps    = 600
	)
	rng := nn.NewRNG(7)
	xs := make([]float32, 0, 4*perClass)
	labels := make([]int, 0, 2*perClass)
	for class := 0; class < 2; class++ {
		for i := 0; i < perClass; i++ {
			r := float64(i) / perClass * 5
			a := float64(i)/perClass*3*math.Pi + float64(class)*math.Pi
			xs = append(xs,
				float32(r*math.Cos(a)/5+rng.NormFloat64()*0.02),
				float32(r*math.Sin(a)/5+rng.NormFloat64()*0.02))
			labels = append(labels, class)
		}
	}
	x := nn.New(xs, 2*perClass, 2)

	ps := nn.NewParams()
	model := nn.NewMLP(ps, "spiral", []int{2, 64, 64, 2}, nn.Tanh, rng)
	opt := nn.NewAdam(ps.Trainable(), 0.01)
	sched := nn.Cosine(0.01, 0.0005, steps)
	fmt.Fprintf(w, "training a 2-64-64-2 MLP (%d parameters) on two spirals, %d points, Adam with cosine decay\n", ps.Count(), len(labels))
	bar := progress.New(w, steps, "train")
	var loss *nn.Tensor
	for step := 0; step < steps; step++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		opt.SetLR(sched(step))
		ps.ZeroGrad()
		loss = nn.SoftmaxCrossEntropy(model.Forward(x), labels)
		if err := nn.CheckFinite(step, loss); err != nil {
			return err
		}
		nn.Backward(loss)
		opt.Step()
		bar.Add(1, fmt.Sprintf("loss %.4f", loss.Item()))
	}
	bar.Finish()

	logits := model.Forward(x)
	correct := 0
	for i, l := range labels {
		if (logits.Data[2*i+1] > logits.Data[2*i]) == (l == 1) {
			correct++
		}
	}
	fmt.Fprintf(w, "final loss %.4f, training accuracy %.1f%%\n", loss.Item(), 100*float64(correct)/float64(len(labels)))
	fmt.Fprintln(w, "what it learned (class of each point of the plane; o and x are training points):")
	fmt.Fprint(w, drawRegions(model, xs, labels))
	return nil
}

// drawRegions renders the model's decision over [-1.1, 1.1]² as text.
func drawRegions(model *nn.MLP, xs []float32, labels []int) string {
	const cols, rows = 48, 20
	grid := make([]float32, 0, 2*cols*rows)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			grid = append(grid, -1.1+2.2*float32(c)/(cols-1), 1.1-2.2*float32(r)/(rows-1))
		}
	}
	logits := model.Forward(nn.New(grid, cols*rows, 2))
	cells := make([][]byte, rows)
	for r := range cells {
		cells[r] = make([]byte, cols)
		for c := range cells[r] {
			i := r*cols + c
			cells[r][c] = '.'
			if logits.Data[2*i+1] > logits.Data[2*i] {
				cells[r][c] = '#'
			}
		}
	}
	for i, l := range labels {
		c := int(math.Round(float64((xs[2*i] + 1.1) / 2.2 * (cols - 1))))
		r := int(math.Round(float64((1.1 - xs[2*i+1]) / 2.2 * (rows - 1))))
		if r >= 0 && r < rows && c >= 0 && c < cols && i%4 == 0 {
			cells[r][c] = "ox"[l]
		}
	}
	var b strings.Builder
	for _, row := range cells {
		b.WriteString("  ")
		b.Write(row)
		b.WriteByte('\n')
	}
	return b.String()
}

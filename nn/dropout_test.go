package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDropout(t *testing.T) {
	x := Full(2, 100, 100)
	x.SetRequiresGrad(true)
	for _, p := range []float32{0.1, 0.5, 0.9} {
		y := Dropout(x, p, true, rand.New(rand.NewPCG(1, 2)))
		kept := 0
		for i, v := range y.Data {
			switch v {
			case 0:
			case 2 / (1 - p):
				kept++
			default:
				t.Fatalf("p=%g: element %d is %g, want 0 or %g", p, i, v, 2/(1-p))
			}
		}
		// 10 000 Bernoulli draws: the kept fraction is within 5σ of 1-p.
		frac, sigma := float64(kept)/1e4, math.Sqrt(float64(p*(1-p))/1e4)
		if math.Abs(frac-float64(1-p)) > 5*sigma {
			t.Errorf("p=%g: kept %.4f of the elements, want about %.2f", p, frac, 1-p)
		}
		again := Dropout(x, p, true, rand.New(rand.NewPCG(1, 2)))
		if closeTo(again.Data, f64(y.Data), 0) != "" {
			t.Errorf("p=%g: the same seed gave a different mask", p)
		}
	}
	if y := Dropout(x, 0.5, false, nil); y != x {
		t.Error("evaluation mode does not return the input")
	}
	if y := Dropout(x, 0, true, nil); y != x {
		t.Error("p = 0 does not return the input")
	}
}

func TestDropoutGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	x := randTensor(rng, -1, 1, 3, 4, 5)
	checkGrad(t, "Dropout", func(in []*Tensor) *Tensor {
		return Dropout(in[0], 0.3, true, rand.New(rand.NewPCG(9, 9)))
	}, x)
}

func TestDropoutErrors(t *testing.T) {
	x := Zeros(2, 2)
	for _, p := range []float32{-0.1, 1, 1.5, float32(math.NaN())} {
		if err := Try(func() { Dropout(x, p, true, rand.New(rand.NewPCG(1, 1))) }); err == nil || !strings.Contains(err.Error(), "Dropout") {
			t.Errorf("p=%g: error %v", p, err)
		}
	}
	if err := Try(func() { Dropout(x, 0.5, true, nil) }); err == nil || !strings.Contains(err.Error(), "random source") {
		t.Errorf("nil rng: error %v", err)
	}
}

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestArithMatchesGeneric checks the tight loops of Add, Sub and Mul
// against the generic broadcasting path, forward and backward, for every
// broadcast they take and some they leave to it.
func TestArithMatchesGeneric(t *testing.T) {
	generic := map[string]func(a, b *Tensor) *Tensor{
		"Add": func(a, b *Tensor) *Tensor {
			return binary("Add", a, b, func(x, y float32) float32 { return x + y },
				func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return 1 })
		},
		"Sub": func(a, b *Tensor) *Tensor {
			return binary("Sub", a, b, func(x, y float32) float32 { return x - y },
				func(_, _, _ float32) float32 { return 1 }, func(_, _, _ float32) float32 { return -1 })
		},
		"Mul": func(a, b *Tensor) *Tensor {
			return binary("Mul", a, b, func(x, y float32) float32 { return x * y },
				func(_, y, _ float32) float32 { return y }, func(x, _, _ float32) float32 { return x })
		},
	}
	fast := map[string]func(a, b *Tensor) *Tensor{"Add": Add, "Sub": Sub, "Mul": Mul}
	shapes := [][2][]int{
		{{3, 4}, {3, 4}},
		{{3, 4}, {4}},
		{{3, 4}, {1, 4}},
		{{2, 3, 4}, {3, 4}},
		{{5, 2}, {}},
		{{5, 2}, {1}},
		{{5, 1}, {1, 4}},    // both broadcast: generic path
		{{4}, {3, 4}},       // a broadcast: generic path
		{{600, 300}, {300}}, // large enough to split across goroutines
		{{700, 300}, {700, 300}},
	}
	for name, f := range fast {
		for _, sh := range shapes {
			label := fmt.Sprintf("%s %v %v", name, sh[0], sh[1])
			var results [2][3][]float32
			var shapes [2]string
			for k, op := range []func(a, b *Tensor) *Tensor{f, generic[name]} {
				r := rand.New(rand.NewPCG(5, 6))
				a := randTensor(r, -2, 2, sh[0]...)
				b := randTensor(r, -2, 2, sh[1]...)
				a.SetRequiresGrad(true)
				b.SetRequiresGrad(true)
				y := op(a, b)
				gy := randTensor(rand.New(rand.NewPCG(7, 8)), -1, 1, y.Shape...)
				BackwardWith(y, gy.Data)
				results[k] = [3][]float32{y.Data, a.Grad, b.Grad}
				shapes[k] = fmt.Sprint(y.Shape)
			}
			if shapes[0] != shapes[1] {
				t.Errorf("%s: shape %s, generic %s", label, shapes[0], shapes[1])
			}
			for i, what := range []string{"value", "grad a", "grad b"} {
				if msg := closeTo(results[0][i], f64(results[1][i]), 1e-5); msg != "" {
					t.Errorf("%s: %s: %s", label, what, msg)
				}
			}
		}
	}
}

// TestActivationsMatchDefinition checks ReLU, Sigmoid and Tanh, whose loops
// are specialised, and their gradients on a tensor large enough to be split.
func TestActivationsMatchDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x := randTensor(rng, -6, 6, 300, 1000)
	x.SetRequiresGrad(true)
	for _, tc := range []struct {
		name string
		f    func(*Tensor) *Tensor
		ref  func(float64) (y, dy float64)
	}{
		{"ReLU", ReLU, func(v float64) (float64, float64) {
			if v > 0 {
				return v, 1
			}
			return 0, 0
		}},
		{"Sigmoid", Sigmoid, func(v float64) (float64, float64) {
			s := 1 / (1 + math.Exp(-v))
			return s, s * (1 - s)
		}},
		{"Tanh", Tanh, func(v float64) (float64, float64) {
			th := math.Tanh(v)
			return th, 1 - th*th
		}},
	} {
		x.ZeroGrad()
		y := tc.f(x)
		BackwardWith(y, x.Data) // gradient = x, so dx = x·f'(x)
		want, wantGrad := make([]float64, len(x.Data)), make([]float64, len(x.Data))
		for i, v := range x.Data {
			yv, d := tc.ref(float64(v))
			want[i], wantGrad[i] = yv, float64(v)*d
		}
		if msg := closeTo(y.Data, want, 1e-6); msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
		if msg := closeTo(x.Grad, wantGrad, 1e-5); msg != "" {
			t.Errorf("%s gradient: %s", tc.name, msg)
		}
	}
}

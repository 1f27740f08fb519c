package nn

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestOptimizersMatchPyTorch runs five steps of each optimizer on a fixed
// quadratic and compares with PyTorch's results in testdata/optim_golden.json
// (made by testdata/optim_golden.py).
func TestOptimizersMatchPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/optim_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string][]float64
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	c := []float32{1, 2, 0.5}
	d := []float32{0.1, -0.3, 0.2}
	cases := map[string]func(p []*Tensor) Optimizer{
		"sgd": func(p []*Tensor) Optimizer { return NewSGD(p, 0.1) },
		"sgd_momentum": func(p []*Tensor) Optimizer {
			return &SGD{Params: p, Rate: 0.1, Momentum: 0.9, WeightDecay: 0.01}
		},
		"sgd_nesterov": func(p []*Tensor) Optimizer { return &SGD{Params: p, Rate: 0.1, Momentum: 0.9, Nesterov: true} },
		"adam":         func(p []*Tensor) Optimizer { return NewAdam(p, 0.05) },
		"adam_l2": func(p []*Tensor) Optimizer {
			o := NewAdam(p, 0.05)
			o.WeightDecay = 0.1
			return o
		},
		"adamw": func(p []*Tensor) Optimizer {
			o := NewAdamW(p, 0.05)
			o.WeightDecay = 0.1
			return o
		},
	}
	for name, make := range cases {
		want, ok := golden[name]
		if !ok {
			t.Fatalf("%s: no golden values", name)
		}
		p := Param([]float32{0.5, -1, 2}, 3)
		opt := make([]*Tensor{p})
		cc, dd := New(c, 3), New(d, 3)
		for step := 0; step < 5; step++ {
			p.ZeroGrad()
			loss := Add(SumAll(Mul(cc, Square(p))), SumAll(Mul(dd, p)))
			Backward(loss)
			opt.Step()
		}
		for i := range want {
			if math.Abs(float64(p.Data[i])-want[i]) > 1e-5 {
				t.Errorf("%s: parameters %v, PyTorch %v", name, p.Data, want)
				break
			}
		}
	}
}

func TestAdamStateRoundTrip(t *testing.T) {
	run := func(o *Adam, p *Tensor, steps int) {
		for i := 0; i < steps; i++ {
			p.ZeroGrad()
			Backward(SumAll(Square(p)))
			o.Step()
		}
	}
	p1 := Param([]float32{1, -2}, 2)
	a1 := NewAdam([]*Tensor{p1}, 0.1)
	run(a1, p1, 6)

	p2 := Param([]float32{1, -2}, 2)
	a2 := NewAdam([]*Tensor{p2}, 0.1)
	run(a2, p2, 3)
	state, steps, err := a2.State([]string{"p"}, "opt/")
	if err != nil {
		t.Fatal(err)
	}
	p3 := Param(append([]float32(nil), p2.Data...), 2)
	a3 := NewAdam([]*Tensor{p3}, 0.1)
	if err := a3.SetState([]string{"p"}, "opt/", state, steps); err != nil {
		t.Fatal(err)
	}
	run(a3, p3, 3)
	for i := range p1.Data {
		if p1.Data[i] != p3.Data[i] {
			t.Fatalf("resumed Adam gives %v, uninterrupted %v", p3.Data, p1.Data)
		}
	}
}

func TestSchedules(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"constant", Constant(0.1), 100, 0.1},
		{"step before", StepDecay(1, 10, 0.5), 9, 1},
		{"step after two", StepDecay(1, 10, 0.5), 20, 0.25},
		{"cosine start", Cosine(1, 0, 100), 0, 1},
		{"cosine middle", Cosine(1, 0, 100), 50, 0.5},
		{"cosine end", Cosine(1, 0.1, 100), 100, 0.1},
		{"warmup first", Warmup(4, Constant(1)), 0, 0.25},
		{"warmup last", Warmup(4, Constant(1)), 3, 1},
		{"warmup then cosine", Warmup(10, Cosine(1, 0, 100)), 60, 0.5},
	}
	for _, tt := range tests {
		if got := tt.s(tt.step); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: step %d gives %g, want %g", tt.name, tt.step, got, tt.want)
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a := Param([]float32{0, 0}, 2)
	b := Param([]float32{0}, 1)
	a.Grad = []float32{3, 0}
	b.Grad = []float32{4}
	norm := ClipGradNorm([]*Tensor{a, b}, 1)
	if math.Abs(norm-5) > 1e-9 {
		t.Fatalf("norm before clipping %g, want 5", norm)
	}
	if got := GradNorm([]*Tensor{a, b}); math.Abs(got-1) > 1e-5 {
		t.Fatalf("norm after clipping %g, want 1", got)
	}
}

// TestMLPLearnsXOR trains a 2-8-1 MLP with Adam on the four XOR points.
func TestMLPLearnsXOR(t *testing.T) {
	ps := NewParams()
	rng := NewRNG(1)
	mlp := NewMLP(ps, "xor", []int{2, 8, 1}, Tanh, rng)
	x := New([]float32{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	y := New([]float32{0, 1, 1, 0}, 4, 1)
	opt := NewAdam(ps.Trainable(), 0.05)
	var loss *Tensor
	for step := 0; step < 500; step++ {
		ps.ZeroGrad()
		loss = BCEWithLogits(mlp.Forward(x), y)
		if err := CheckFinite(step, loss); err != nil {
			t.Fatal(err)
		}
		Backward(loss)
		opt.Step()
	}
	out := Sigmoid(mlp.Forward(x))
	for i, want := range y.Data {
		if math.Abs(float64(out.Data[i]-want)) > 0.1 {
			t.Fatalf("after training, XOR outputs %v, want %v (loss %g)", out.Data, y.Data, loss.Item())
		}
	}
}

func TestDeterministicInit(t *testing.T) {
	build := func() []float32 {
		ps := NewParams()
		NewMLP(ps, "m", []int{3, 4, 2}, nil, NewRNG(42))
		return FlatParams(ps.Trainable())
	}
	a, b := build(), build()
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed gave different initial weights")
		}
	}
}

func TestParamsGroups(t *testing.T) {
	ps := NewParams()
	rng := NewRNG(1)
	NewDense(ps, "shared/fc", 2, 3, rng)
	NewDense(ps, "task0/head", 3, 1, rng)
	ps.AddBuffer("shared/bn/running_mean", Zeros(3))
	if got := len(ps.Group("shared/")); got != 2 {
		t.Fatalf("shared group has %d tensors, want 2 (buffers excluded)", got)
	}
	if got := ps.GroupNames("task0/"); len(got) != 2 || got[0] != "task0/head/w" {
		t.Fatalf("task0 names %v", got)
	}
	if err := Try(func() { ps.Add("shared/fc/w", Zeros(1)) }); err == nil {
		t.Fatal("duplicate name accepted")
	}
	g := ps.Group("shared/")
	flat := make([]float32, 9)
	for i := range flat {
		flat[i] = float32(i)
	}
	if err := SetFlatGrad(g, flat); err != nil {
		t.Fatal(err)
	}
	back := FlatGrad(g)
	for i := range flat {
		if back[i] != flat[i] {
			t.Fatalf("FlatGrad after SetFlatGrad = %v", back)
		}
	}
	if err := SetFlatGrad(g, flat[:4]); err == nil {
		t.Fatal("short gradient vector accepted")
	}
}

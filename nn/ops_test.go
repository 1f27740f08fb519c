package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// awayFromZero shifts values so none lies within margin of zero, keeping
// finite differences off the kinks of ReLU, Abs and similar.
func awayFromZero(t *Tensor, margin float32) *Tensor {
	for i, v := range t.Data {
		if v >= 0 && v < margin {
			t.Data[i] = v + margin
		} else if v < 0 && v > -margin {
			t.Data[i] = v - margin
		}
	}
	return t
}

func TestGradElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pos := func(shape ...int) *Tensor { return randTensor(rng, 0.5, 2, shape...) }
	any := func(shape ...int) *Tensor { return awayFromZero(randTensor(rng, -2, 2, shape...), 0.05) }
	tests := []struct {
		name   string
		f      func(in []*Tensor) *Tensor
		inputs []*Tensor
	}{
		{"Add same", func(in []*Tensor) *Tensor { return Add(in[0], in[1]) }, []*Tensor{any(2, 3), any(2, 3)}},
		{"Add bias", func(in []*Tensor) *Tensor { return Add(in[0], in[1]) }, []*Tensor{any(4, 3), any(3)}},
		{"Add scalar", func(in []*Tensor) *Tensor { return Add(in[0], in[1]) }, []*Tensor{any(2, 3), any()}},
		{"Add both broadcast", func(in []*Tensor) *Tensor { return Add(in[0], in[1]) }, []*Tensor{any(2, 1, 3), any(4, 1)}},
		{"Sub column", func(in []*Tensor) *Tensor { return Sub(in[0], in[1]) }, []*Tensor{any(3, 4), any(3, 1)}},
		{"Mul broadcast", func(in []*Tensor) *Tensor { return Mul(in[0], in[1]) }, []*Tensor{any(2, 3, 4), any(1, 3, 1)}},
		{"Div", func(in []*Tensor) *Tensor { return Div(in[0], in[1]) }, []*Tensor{any(3, 2), pos(2)}},
		{"Maximum", func(in []*Tensor) *Tensor { return Maximum(in[0], in[1]) }, []*Tensor{any(5), any(5)}},
		{"Scale", func(in []*Tensor) *Tensor { return Scale(in[0], -1.5) }, []*Tensor{any(4)}},
		{"AddScalar", func(in []*Tensor) *Tensor { return AddScalar(in[0], 3) }, []*Tensor{any(4)}},
		{"ReLU", func(in []*Tensor) *Tensor { return ReLU(in[0]) }, []*Tensor{any(3, 4)}},
		{"LeakyReLU", func(in []*Tensor) *Tensor { return LeakyReLU(in[0], 0.1) }, []*Tensor{any(3, 4)}},
		{"GELU", func(in []*Tensor) *Tensor { return GELU(in[0]) }, []*Tensor{any(3, 4)}},
		{"Sigmoid", func(in []*Tensor) *Tensor { return Sigmoid(in[0]) }, []*Tensor{any(3, 4)}},
		{"Tanh", func(in []*Tensor) *Tensor { return Tanh(in[0]) }, []*Tensor{any(3, 4)}},
		{"Exp", func(in []*Tensor) *Tensor { return Exp(in[0]) }, []*Tensor{any(3, 4)}},
		{"Log", func(in []*Tensor) *Tensor { return Log(in[0]) }, []*Tensor{pos(3, 4)}},
		{"Sqrt", func(in []*Tensor) *Tensor { return Sqrt(in[0]) }, []*Tensor{pos(3, 4)}},
		{"Square", func(in []*Tensor) *Tensor { return Square(in[0]) }, []*Tensor{any(3, 4)}},
		{"Abs", func(in []*Tensor) *Tensor { return Abs(in[0]) }, []*Tensor{any(3, 4)}},
		{"Clamp", func(in []*Tensor) *Tensor { return Clamp(in[0], -1, 1) }, []*Tensor{any(3, 4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkGrad(t, tt.name, tt.f, tt.inputs...) })
	}
}

func TestGradReduceAndShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	any := func(shape ...int) *Tensor { return randTensor(rng, -2, 2, shape...) }
	tests := []struct {
		name   string
		f      func(in []*Tensor) *Tensor
		inputs []*Tensor
	}{
		{"Sum all", func(in []*Tensor) *Tensor { return SumAll(in[0]) }, []*Tensor{any(2, 3)}},
		{"Sum axis 1 keep", func(in []*Tensor) *Tensor { return Sum(in[0], true, 1) }, []*Tensor{any(2, 3, 4)}},
		{"Sum axes 0,2", func(in []*Tensor) *Tensor { return Sum(in[0], false, 0, -1) }, []*Tensor{any(2, 3, 4)}},
		{"Mean axis", func(in []*Tensor) *Tensor { return Mean(in[0], false, 1) }, []*Tensor{any(2, 5)}},
		{"Mean all", func(in []*Tensor) *Tensor { return MeanAll(in[0]) }, []*Tensor{any(3, 2)}},
		{"Max axis", func(in []*Tensor) *Tensor { return Max(in[0], false, 1) }, []*Tensor{any(3, 4)}},
		{"Max all", func(in []*Tensor) *Tensor { return Max(in[0], true) }, []*Tensor{any(3, 4)}},
		{"Softmax last", func(in []*Tensor) *Tensor { return Softmax(in[0], -1) }, []*Tensor{any(3, 4)}},
		{"Softmax axis 1 of 3", func(in []*Tensor) *Tensor { return Softmax(in[0], 1) }, []*Tensor{any(2, 3, 2)}},
		{"LogSoftmax", func(in []*Tensor) *Tensor { return LogSoftmax(in[0], 1) }, []*Tensor{any(2, 5, 2)}},
		{"Reshape", func(in []*Tensor) *Tensor { return Mul(Reshape(in[0], 3, -1), in[1]) }, []*Tensor{any(2, 6), any(3, 4)}},
		{"Permute", func(in []*Tensor) *Tensor { return Permute(in[0], 2, 0, 1) }, []*Tensor{any(2, 3, 4)}},
		{"Transpose", func(in []*Tensor) *Tensor { return Transpose(in[0], 0, 1) }, []*Tensor{any(3, 5)}},
		{"Concat axis 1", func(in []*Tensor) *Tensor { return Concat(1, in[0], in[1]) }, []*Tensor{any(2, 3, 2), any(2, 1, 2)}},
		{"Slice", func(in []*Tensor) *Tensor { return Slice(in[0], 1, 1, 3) }, []*Tensor{any(2, 4, 3)}},
		{"Split", func(in []*Tensor) *Tensor {
			p := Split(in[0], 0, 1, 3)
			return Concat(0, p[1], Scale(p[0], 2))
		}, []*Tensor{any(4, 2)}},
		{"Stack", func(in []*Tensor) *Tensor { return Stack(1, in[0], in[1]) }, []*Tensor{any(2, 3), any(2, 3)}},
		{"Gather repeated", func(in []*Tensor) *Tensor { return Gather(in[0], []int{2, 0, 2, 1}) }, []*Tensor{any(3, 2)}},
		{"MatMul", func(in []*Tensor) *Tensor { return MatMul(in[0], in[1]) }, []*Tensor{any(3, 4), any(4, 5)}},
		{"MatMul batched", func(in []*Tensor) *Tensor { return MatMul(in[0], in[1]) }, []*Tensor{any(2, 3, 4), any(2, 4, 2)}},
		{"MatMul shared right", func(in []*Tensor) *Tensor { return MatMul(in[0], in[1]) }, []*Tensor{any(2, 3, 4), any(4, 2)}},
		{"Linear", func(in []*Tensor) *Tensor { return Linear(in[0], in[1], in[2]) }, []*Tensor{any(3, 4), any(4, 2), any(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkGrad(t, tt.name, tt.f, tt.inputs...) })
	}
}

func TestGradLosses(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	any := func(shape ...int) *Tensor { return randTensor(rng, -2, 2, shape...) }
	unit := func(shape ...int) *Tensor { return randTensor(rng, 0, 1, shape...) }
	pair := func() (*Tensor, *Tensor) {
		p, q := any(3, 4), any(3, 4)
		for i := range p.Data { // keep |p-q| off the L1 kink
			if d := p.Data[i] - q.Data[i]; d > -0.05 && d < 0.05 {
				p.Data[i] += 0.1
			}
		}
		return p, q
	}
	p1, q1 := pair()
	p2, q2 := pair()
	tests := []struct {
		name   string
		f      func(in []*Tensor) *Tensor
		inputs []*Tensor
	}{
		{"MSE", func(in []*Tensor) *Tensor { return MSE(in[0], in[1]) }, []*Tensor{any(3, 4), any(3, 4)}},
		{"L1", func(in []*Tensor) *Tensor { return L1(in[0], in[1]) }, []*Tensor{p1, q1}},
		{"Charbonnier", func(in []*Tensor) *Tensor { return Charbonnier(in[0], in[1], 1e-3) }, []*Tensor{p2, q2}},
		{"BCEWithLogits", func(in []*Tensor) *Tensor { return BCEWithLogits(in[0], in[1]) }, []*Tensor{any(6, 1), unit(6, 1)}},
		{"SoftmaxCrossEntropy", func(in []*Tensor) *Tensor { return SoftmaxCrossEntropy(in[0], []int{0, 3, 1}) }, []*Tensor{any(3, 4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkGrad(t, tt.name, tt.f, tt.inputs...) })
	}
}

func TestForwardValues(t *testing.T) {
	close := func(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-5 }
	x := New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	tests := []struct {
		name string
		got  *Tensor
		want []float32
	}{
		{"Add bias", Add(x, New([]float32{10, 20, 30}, 3)), []float32{11, 22, 33, 14, 25, 36}},
		{"Sub column", Sub(x, New([]float32{1, 4}, 2, 1)), []float32{0, 1, 2, 0, 1, 2}},
		{"Sum axis 0", Sum(x, false, 0), []float32{5, 7, 9}},
		{"Mean axis 1", Mean(x, false, 1), []float32{2, 5}},
		{"Max axis 1", Max(x, false, 1), []float32{3, 6}},
		{"Transpose", Transpose(x, 0, 1), []float32{1, 4, 2, 5, 3, 6}},
		{"MatMul", MatMul(x, New([]float32{1, 0, 0, 1, 1, 1}, 3, 2)), []float32{4, 5, 10, 11}},
		{"Slice", Slice(x, 1, 1, 3), []float32{2, 3, 5, 6}},
		{"Concat 0", Concat(0, x, x), []float32{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}},
		{"Stack 2", Stack(2, x, x), []float32{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}},
		{"Gather", Gather(x, []int{1, 1, 0}), []float32{4, 5, 6, 4, 5, 6, 1, 2, 3}},
		{"Softmax", Softmax(New([]float32{0, float32(math.Log(3))}, 2), 0), []float32{0.25, 0.75}},
		{"GELU", GELU(New([]float32{1}, 1)), []float32{0.8413447}},
		{"BCE", BCEWithLogits(New([]float32{0}, 1), New([]float32{1}, 1)), []float32{float32(math.Log(2))}},
		{"Clamp", Clamp(New([]float32{-3, 0.5, 3}, 3), -1, 1), []float32{-1, 0.5, 1}},
	}
	for _, tt := range tests {
		if len(tt.got.Data) != len(tt.want) {
			t.Errorf("%s: %d values, want %d", tt.name, len(tt.got.Data), len(tt.want))
			continue
		}
		for i := range tt.want {
			if !close(tt.got.Data[i], tt.want[i]) {
				t.Errorf("%s: got %v, want %v", tt.name, tt.got.Data, tt.want)
				break
			}
		}
	}
}

func TestShapeErrorsNameOpAndShapes(t *testing.T) {
	a, b := Zeros(2, 3), Zeros(4, 5)
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"Add", func() { Add(a, b) }, []string{"Add", "[2 3]", "[4 5]"}},
		{"MatMul", func() { MatMul(a, b) }, []string{"MatMul", "[2 3]", "[4 5]"}},
		{"Reshape", func() { Reshape(a, 4, 2) }, []string{"Reshape", "[4 2]", "[2 3]"}},
		{"Concat", func() { Concat(0, a, b) }, []string{"Concat", "[2 3]", "[4 5]"}},
		{"MSE", func() { MSE(a, b) }, []string{"MSE", "[2 3]", "[4 5]"}},
		{"Gather", func() { Gather(a, []int{2}) }, []string{"Gather", "index 2"}},
	}
	for _, tt := range tests {
		err := Try(tt.f)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, w)
			}
		}
	}
}

func TestBackwardTwiceSharesGraph(t *testing.T) {
	// Two losses over one shared parameter: per-task gradients, as
	// multi-task gradient methods need them.
	w := Param([]float32{1, 2}, 2)
	x := New([]float32{3, 4}, 2)
	h := Mul(w, x)
	l1 := SumAll(h)
	l2 := SumAll(Square(h))
	Backward(l1)
	g1 := FlatGrad([]*Tensor{w})
	w.ZeroGrad()
	Backward(l2)
	g2 := FlatGrad([]*Tensor{w})
	want1 := []float32{3, 4}
	want2 := []float32{2 * 3 * 3, 2 * 8 * 4}
	for i := range want1 {
		if g1[i] != want1[i] || g2[i] != want2[i] {
			t.Fatalf("per-task gradients %v and %v, want %v and %v", g1, g2, want1, want2)
		}
	}
}

func TestNoGraphWithoutGrad(t *testing.T) {
	y := Add(MatMul(Zeros(2, 2), Zeros(2, 2)), Zeros(2))
	if y.RequiresGrad() || y.node != nil {
		t.Fatal("operation on constants recorded a graph")
	}
}

func TestCheckFinite(t *testing.T) {
	if err := CheckFinite(3, Scalar(1)); err != nil {
		t.Fatal(err)
	}
	err := CheckFinite(17, Scalar(float32(math.NaN())))
	if err == nil || !strings.Contains(err.Error(), "step 17") {
		t.Fatalf("CheckFinite(NaN) = %v, want an error naming step 17", err)
	}
}

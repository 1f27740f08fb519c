package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// refBatchNorm normalizes by the definition in float64 and returns the
// output with the updated running statistics (train) or the inputs' (eval).
func refBatchNorm(x, gamma, beta, rm, rv *Tensor, train bool, momentum, eps float64) (y, newMean, newVar []float64) {
	n, c := x.Shape[0], x.Shape[1]
	inner := len(x.Data) / (n * c)
	m := n * inner
	y = make([]float64, len(x.Data))
	newMean, newVar = f64(rm.Data), f64(rv.Data)
	for ch := 0; ch < c; ch++ {
		var vals []float64
		for b := 0; b < n; b++ {
			vals = append(vals, f64(x.Data[(b*c+ch)*inner:(b*c+ch+1)*inner])...)
		}
		mu, v := float64(rm.Data[ch]), float64(rv.Data[ch])
		if train {
			mu = 0
			for _, a := range vals {
				mu += a / float64(m)
			}
			v = 0
			for _, a := range vals {
				v += (a - mu) * (a - mu) / float64(m)
			}
			newMean[ch] = (1-momentum)*newMean[ch] + momentum*mu
			newVar[ch] = (1-momentum)*newVar[ch] + momentum*v*float64(m)/float64(m-1)
		}
		for b := 0; b < n; b++ {
			for i := 0; i < inner; i++ {
				at := (b*c+ch)*inner + i
				y[at] = (float64(x.Data[at])-mu)/math.Sqrt(v+eps)*float64(gamma.Data[ch]) + float64(beta.Data[ch])
			}
		}
	}
	return y, newMean, newVar
}

var batchNormShapes = [][]int{{6, 3}, {3, 2, 3, 4}, {2, 3, 2, 2}, {4, 2, 5}}

func TestBatchNormForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, shape := range batchNormShapes {
		for _, train := range []bool{true, false} {
			c := shape[1]
			x := randTensor(rng, -2, 3, shape...)
			gamma, beta := randTensor(rng, 0.5, 1.5, c), randTensor(rng, -1, 1, c)
			rm, rv := randTensor(rng, -1, 1, c), randTensor(rng, 0.5, 2, c)
			rm.SetRequiresGrad(false)
			rv.SetRequiresGrad(false)
			wantY, wantM, wantV := refBatchNorm(x, gamma, beta, rm, rv, train, 0.1, 1e-5)
			y := BatchNorm(x, gamma, beta, rm, rv, train, 0.1, 1e-5)
			if msg := closeTo(y.Data, wantY, 1e-5); msg != "" {
				t.Errorf("%v train=%v: output %s", shape, train, msg)
			}
			if msg := closeTo(rm.Data, wantM, 1e-6); msg != "" {
				t.Errorf("%v train=%v: running mean %s", shape, train, msg)
			}
			if msg := closeTo(rv.Data, wantV, 1e-6); msg != "" {
				t.Errorf("%v train=%v: running var %s", shape, train, msg)
			}
		}
	}
}

func TestBatchNormGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, shape := range batchNormShapes {
		for _, train := range []bool{true, false} {
			c := shape[1]
			x := randTensor(rng, -2, 3, shape...)
			gamma, beta := randTensor(rng, 0.5, 1.5, c), randTensor(rng, -1, 1, c)
			rm, rv := Zeros(c), Full(1, c)
			name := fmt.Sprintf("BatchNorm %v", shape)
			if train {
				name += " train"
			} else {
				name += " eval"
				for i := range rm.Data {
					rm.Data[i], rv.Data[i] = rng.Float32()-0.5, 0.5+rng.Float32()
				}
			}
			checkGrad(t, name, func(in []*Tensor) *Tensor {
				return BatchNorm(in[0], in[1], in[2], rm, rv, train, 0.1, 1e-5)
			}, x, gamma, beta)
		}
	}
	// Without affine parameters and without running statistics.
	x := randTensor(rng, -1, 1, 4, 3, 2, 2)
	checkGrad(t, "BatchNorm plain", func(in []*Tensor) *Tensor { return BatchNorm(in[0], nil, nil, nil, nil, true, 0.1, 1e-5) }, x)
}

// TestBatchNormMatchesComposed compares the fused backward with the
// gradient of the same formula built from primitive ops.
func TestBatchNormMatchesComposed(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	x := randTensor(rng, -2, 3, 3, 4, 3, 2)
	gamma, beta := randTensor(rng, 0.5, 1.5, 4), randTensor(rng, -1, 1, 4)
	w := randTensor(rng, -1, 1, 3, 4, 3, 2)
	w.SetRequiresGrad(false)

	Backward(SumAll(Mul(BatchNorm(x, gamma, beta, nil, nil, true, 0.1, 1e-5), w)))
	fused := [][]float32{x.Grad, gamma.Grad, beta.Grad}
	for _, p := range []*Tensor{x, gamma, beta} {
		p.Grad = nil
	}
	mean := Mean(x, true, 0, 2, 3)
	d := Sub(x, mean)
	v := Mean(Square(d), true, 0, 2, 3)
	xhat := Div(d, Sqrt(AddScalar(v, 1e-5)))
	y := Add(Mul(xhat, Reshape(gamma, 1, 4, 1, 1)), Reshape(beta, 1, 4, 1, 1))
	Backward(SumAll(Mul(y, w)))
	for i, p := range []*Tensor{x, gamma, beta} {
		if msg := closeTo(fused[i], f64(p.Grad), 1e-4); msg != "" {
			t.Errorf("input %d: fused vs composed gradient: %s", i, msg)
		}
	}
}

func TestBatchNormErrors(t *testing.T) {
	c3 := Zeros(3)
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"1-D", func() { BatchNorm(Zeros(4), nil, nil, nil, nil, true, 0.1, 1e-5) }, "[4]"},
		{"gamma", func() { BatchNorm(Zeros(2, 3), Zeros(2), nil, nil, nil, true, 0.1, 1e-5) }, "gamma [2]"},
		{"one value per channel", func() { BatchNorm(Zeros(1, 3), nil, nil, nil, nil, true, 0.1, 1e-5) }, "more than one value"},
		{"eval without statistics", func() { BatchNorm(Zeros(2, 3), nil, nil, nil, nil, false, 0.1, 1e-5) }, "running statistics"},
		{"only mean", func() { BatchNorm(Zeros(2, 3), nil, nil, c3, nil, true, 0.1, 1e-5) }, "both"},
	}
	for _, tc := range cases {
		err := Try(tc.f)
		if err == nil || !strings.Contains(err.Error(), "BatchNorm") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming BatchNorm and %q", tc.name, err, tc.want)
		}
	}
}

func refLayerNorm(x, gamma, beta *Tensor, d int, eps float64) []float64 {
	out := make([]float64, len(x.Data))
	for r := 0; r < len(x.Data)/d; r++ {
		row := f64(x.Data[r*d : (r+1)*d])
		var mu, v float64
		for _, a := range row {
			mu += a / float64(d)
		}
		for _, a := range row {
			v += (a - mu) * (a - mu) / float64(d)
		}
		for i, a := range row {
			out[r*d+i] = (a-mu)/math.Sqrt(v+eps)*float64(gamma.Data[i]) + float64(beta.Data[i])
		}
	}
	return out
}

func TestLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	for _, tc := range []struct {
		shape []int
		dims  int
	}{{[]int{4, 6}, 1}, {[]int{3, 4, 5}, 2}, {[]int{2, 3, 2, 2}, 3}, {[]int{7}, 1}} {
		x := randTensor(rng, -2, 2, tc.shape...)
		norm := tc.shape[len(tc.shape)-tc.dims:]
		gamma, beta := randTensor(rng, 0.5, 1.5, norm...), randTensor(rng, -1, 1, norm...)
		y := LayerNormOp(x, gamma, beta, tc.dims, 1e-5)
		if msg := closeTo(y.Data, refLayerNorm(x, gamma, beta, numel(norm), 1e-5), 1e-5); msg != "" {
			t.Errorf("%v over %d dims: %s", tc.shape, tc.dims, msg)
		}
		dims := tc.dims
		checkGrad(t, "LayerNorm", func(in []*Tensor) *Tensor { return LayerNormOp(in[0], in[1], in[2], dims, 1e-5) }, x, gamma, beta)
		checkGrad(t, "LayerNorm plain", func(in []*Tensor) *Tensor { return LayerNormOp(in[0], nil, nil, dims, 1e-5) }, x)
	}
}

func TestLayerNormErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     func()
		wants []string
	}{
		{"gamma shape", func() { LayerNormOp(Zeros(2, 3, 4), Zeros(3), nil, 2, 1e-5) }, []string{"gamma [3]", "[2 3 4]"}},
		{"too many dims", func() { LayerNormOp(Zeros(2, 3), nil, nil, 3, 1e-5) }, []string{"last 3", "[2 3]"}},
		{"zero dims", func() { LayerNormOp(Zeros(2, 3), nil, nil, 0, 1e-5) }, []string{"last 0"}},
	} {
		err := Try(tc.f)
		if err == nil || !strings.Contains(err.Error(), "LayerNorm") {
			t.Errorf("%s: error %v", tc.name, err)
			continue
		}
		for _, w := range tc.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

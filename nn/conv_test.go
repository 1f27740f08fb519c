package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// closeTo reports the first element where got and want differ by more than
// tol·(1 + |want|), or "" when they agree.
func closeTo(got []float32, want []float64, tol float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*(1+math.Abs(want[i])) || math.IsNaN(float64(got[i])) {
			return fmt.Sprintf("element %d: got %g, want %g", i, got[i], want[i])
		}
	}
	return ""
}

// refConv2D is the convolution written as its definition, in float64.
func refConv2D(x, w, bias *Tensor, sh, sw, ph, pw, dh, dw, groups int) ([]float64, []int) {
	n, c, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	o, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	og := o / groups
	oh := (h+2*ph-dh*(kh-1)-1)/sh + 1
	ow := (wd+2*pw-dw*(kw-1)-1)/sw + 1
	out := make([]float64, n*o*oh*ow)
	for b := 0; b < n; b++ {
		for oc := 0; oc < o; oc++ {
			grp := oc / og
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					var s float64
					if bias != nil {
						s = float64(bias.Data[oc])
					}
					for ic := 0; ic < cg; ic++ {
						ch := grp*cg + ic
						for i := 0; i < kh; i++ {
							for j := 0; j < kw; j++ {
								iy, ix := y*sh-ph+i*dh, xx*sw-pw+j*dw
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								s += float64(x.Data[((b*c+ch)*h+iy)*wd+ix]) * float64(w.Data[((oc*cg+ic)*kh+i)*kw+j])
							}
						}
					}
					out[((b*o+oc)*oh+y)*ow+xx] = s
				}
			}
		}
	}
	return out, []int{n, o, oh, ow}
}

type convCase struct {
	name              string
	n, c, h, w        int
	o, kh, kw         int
	sh, sw            int
	ph, pw            int
	dh, dw            int
	groups            int
	bias              bool
	xRequires, wGrads bool
}

var convCases = []convCase{
	{name: "3x3 plain", n: 2, c: 3, h: 6, w: 5, o: 4, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1, bias: true},
	{name: "stride 2 pad 1", n: 2, c: 3, h: 7, w: 6, o: 4, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1, bias: true},
	{name: "dilation 2 pad 2", n: 1, c: 2, h: 8, w: 7, o: 3, kh: 3, kw: 3, sh: 1, sw: 1, ph: 2, pw: 2, dh: 2, dw: 2, groups: 1, bias: true},
	{name: "groups 2", n: 2, c: 4, h: 5, w: 5, o: 6, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 2, bias: true},
	{name: "depthwise", n: 2, c: 3, h: 6, w: 6, o: 3, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 3, bias: true},
	{name: "depthwise multiplier 2 stride 2", n: 1, c: 3, h: 7, w: 7, o: 6, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1, groups: 3},
	{name: "non-square kernel stride and padding", n: 1, c: 2, h: 7, w: 9, o: 3, kh: 2, kw: 4, sh: 1, sw: 2, ph: 1, pw: 0, dh: 2, dw: 1, groups: 1, bias: true},
	{name: "1x1", n: 2, c: 5, h: 3, w: 4, o: 3, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, groups: 1, bias: true},
	{name: "1x1 stride 2 groups 5", n: 1, c: 5, h: 5, w: 4, o: 5, kh: 1, kw: 1, sh: 2, sw: 2, dh: 1, dw: 1, groups: 5, bias: true},
	{name: "kernel larger than input thanks to padding", n: 1, c: 1, h: 2, w: 2, o: 2, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1, groups: 1},
}

func (tc convCase) build(rng *rand.Rand) (x, w, b *Tensor, opt Conv2DOptions) {
	x = randTensor(rng, -1, 1, tc.n, tc.c, tc.h, tc.w)
	w = randTensor(rng, -1, 1, tc.o, tc.c/tc.groups, tc.kh, tc.kw)
	if tc.bias {
		b = randTensor(rng, -1, 1, tc.o)
	}
	opt = Conv2DOptions{Stride: [2]int{tc.sh, tc.sw}, Padding: [2]int{tc.ph, tc.pw}, Dilation: [2]int{tc.dh, tc.dw}, Groups: tc.groups}
	return x, w, b, opt
}

func TestConv2DForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range convCases {
		x, w, b, opt := tc.build(rng)
		got := Conv2D(x, w, b, opt)
		want, shape := refConv2D(x, w, b, tc.sh, tc.sw, tc.ph, tc.pw, tc.dh, tc.dw, tc.groups)
		if !sameShape(got.Shape, shape) {
			t.Errorf("%s: shape %v, want %v", tc.name, got.Shape, shape)
			continue
		}
		if msg := closeTo(got.Data, want, 1e-5); msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
	}
}

func TestConv2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range convCases {
		x, w, b, opt := tc.build(rng)
		inputs := []*Tensor{x, w}
		if b != nil {
			inputs = append(inputs, b)
		}
		checkGrad(t, "Conv2D "+tc.name, func(in []*Tensor) *Tensor {
			var bias *Tensor
			if len(in) == 3 {
				bias = in[2]
			}
			return Conv2D(in[0], in[1], bias, opt)
		}, inputs...)
	}
}

// TestConv2DPartialGrad covers the backward pass when only some inputs take
// a gradient (frozen weights, or a constant image).
func TestConv2DPartialGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tc := convCases[1]
	x, w, b, opt := tc.build(rng)
	w.SetRequiresGrad(false)
	checkGrad(t, "Conv2D frozen weight", func(in []*Tensor) *Tensor { return Conv2D(in[0], in[1], in[2], opt) }, x, w, b)
	x2, w2, _, _ := tc.build(rng)
	x2.SetRequiresGrad(false)
	checkGrad(t, "Conv2D constant input", func(in []*Tensor) *Tensor { return Conv2D(in[0], in[1], nil, opt) }, x2, w2)
}

func TestConv2DZeroOptionsMeanOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := randTensor(rng, -1, 1, 1, 2, 5, 5)
	w := randTensor(rng, -1, 1, 3, 2, 3, 3)
	a := Conv2D(x, w, nil, Conv2DOptions{})
	b := Conv2D(x, w, nil, Conv2DOptions{Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1})
	if !sameShape(a.Shape, []int{1, 3, 3, 3}) || closeTo(a.Data, f64(b.Data), 0) != "" {
		t.Errorf("zero options: %v, explicit ones: %v", a, b)
	}
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func TestConv2DShapeErrors(t *testing.T) {
	cases := []struct {
		name    string
		x, w, b []int
		opt     Conv2DOptions
		want    []string
	}{
		{"channels", []int{1, 3, 8, 8}, []int{4, 2, 3, 3}, nil, Conv2DOptions{}, []string{"Conv2D", "[1 3 8 8]", "[4 2 3 3]", "2·groups=2"}},
		{"groups do not divide channels", []int{1, 3, 8, 8}, []int{4, 1, 3, 3}, nil, Conv2DOptions{Groups: 2}, []string{"Conv2D", "[1 3 8 8]", "2 groups"}},
		{"groups do not divide outputs", []int{1, 4, 8, 8}, []int{3, 2, 3, 3}, nil, Conv2DOptions{Groups: 2}, []string{"Conv2D", "[3 2 3 3]", "2 groups"}},
		{"bias", []int{1, 3, 8, 8}, []int{4, 3, 3, 3}, []int{3}, Conv2DOptions{}, []string{"Conv2D", "bias [3]", "[4 3 3 3]"}},
		{"kernel too big", []int{1, 1, 2, 2}, []int{1, 1, 3, 3}, nil, Conv2DOptions{}, []string{"Conv2D", "[1 1 2 2]", "does not fit"}},
		{"dilated kernel too big", []int{1, 1, 4, 4}, []int{1, 1, 3, 3}, nil, Conv2DOptions{Dilation: [2]int{2, 2}}, []string{"Conv2D", "does not fit"}},
		{"3-D input", []int{3, 8, 8}, []int{4, 3, 3, 3}, nil, Conv2DOptions{}, []string{"Conv2D", "[3 8 8]", "4-D"}},
		{"negative padding", []int{1, 1, 4, 4}, []int{1, 1, 3, 3}, nil, Conv2DOptions{Padding: [2]int{-1, 0}}, []string{"Conv2D", "negative"}},
	}
	for _, tc := range cases {
		x, w := Zeros(tc.x...), Zeros(tc.w...)
		var b *Tensor
		if tc.b != nil {
			b = Zeros(tc.b...)
		}
		err := Try(func() { Conv2D(x, w, b, tc.opt) })
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, s := range tc.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, s)
			}
		}
	}
}

// TestConv2DNoGradNoGraph checks that inference records nothing.
func TestConv2DNoGradNoGraph(t *testing.T) {
	x, w := Full(1, 1, 1, 3, 3), Full(1, 2, 1, 2, 2)
	y := Conv2D(x, w, nil, Conv2DOptions{})
	if y.RequiresGrad() || y.node != nil {
		t.Fatal("inference result carries a graph")
	}
	if closeTo(y.Data, []float64{4, 4, 4, 4, 4, 4, 4, 4}, 0) != "" {
		t.Errorf("ones conv: %v", y.Data)
	}
}

// refConv2DBackward is the adjoint of refConv2D written as its definition:
// every product x·w in the forward sum passes gy back to both factors.
func refConv2DBackward(x, w *Tensor, gy []float32, sh, sw, ph, pw, dh, dw, groups int) (dx, dwt []float64) {
	n, c, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	o, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	og := o / groups
	oh := (h+2*ph-dh*(kh-1)-1)/sh + 1
	ow := (wd+2*pw-dw*(kw-1)-1)/sw + 1
	dx, dwt = make([]float64, len(x.Data)), make([]float64, len(w.Data))
	for b := 0; b < n; b++ {
		for oc := 0; oc < o; oc++ {
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					g := float64(gy[((b*o+oc)*oh+y)*ow+xx])
					for ic := 0; ic < cg; ic++ {
						ch := oc/og*cg + ic
						for i := 0; i < kh; i++ {
							for j := 0; j < kw; j++ {
								iy, ix := y*sh-ph+i*dh, xx*sw-pw+j*dw
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xi, wi := ((b*c+ch)*h+iy)*wd+ix, ((oc*cg+ic)*kh+i)*kw+j
								dx[xi] += g * float64(w.Data[wi])
								dwt[wi] += g * float64(x.Data[xi])
							}
						}
					}
				}
			}
		}
	}
	return dx, dwt
}

// TestConv2DBands checks an image large enough that im2col works in several
// bands of output rows, forward and backward, against the references.
func TestConv2DBands(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := randTensor(rng, -1, 1, 1, 32, 96, 96)
	w := randTensor(rng, -1, 1, 4, 16, 3, 3)
	opt := Conv2DOptions{Padding: [2]int{2, 2}, Dilation: [2]int{2, 2}, Groups: 2}
	g := conv2DGeom(x, w, nil, opt)
	if g.band() >= g.oh {
		t.Fatalf("band of %d rows covers all %d output rows; the test needs several bands", g.band(), g.oh)
	}
	y := Conv2D(x, w, nil, opt)
	want, _ := refConv2D(x, w, nil, 1, 1, 2, 2, 2, 2, 2)
	if msg := closeTo(y.Data, want, 1e-5); msg != "" {
		t.Fatalf("forward: %s", msg)
	}
	gy := make([]float32, len(y.Data))
	for i := range gy {
		gy[i] = rng.Float32() - 0.5
	}
	BackwardWith(y, gy)
	dx, dw := refConv2DBackward(x, w, gy, 1, 1, 2, 2, 2, 2, 2)
	if msg := closeTo(x.Grad, dx, 1e-5); msg != "" {
		t.Errorf("dx: %s", msg)
	}
	if msg := closeTo(w.Grad, dw, 1e-4); msg != "" {
		t.Errorf("dw: %s", msg)
	}
}

// TestConv2DBackwardReference compares the gradients with the reference
// adjoint to float32 precision, tighter than the finite differences.
func TestConv2DBackwardReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range convCases {
		x, w, b, opt := tc.build(rng)
		y := Conv2D(x, w, b, opt)
		gy := make([]float32, len(y.Data))
		for i := range gy {
			gy[i] = rng.Float32() - 0.5
		}
		BackwardWith(y, gy)
		dx, dw := refConv2DBackward(x, w, gy, tc.sh, tc.sw, tc.ph, tc.pw, tc.dh, tc.dw, tc.groups)
		if msg := closeTo(x.Grad, dx, 1e-5); msg != "" {
			t.Errorf("%s: dx: %s", tc.name, msg)
		}
		if msg := closeTo(w.Grad, dw, 1e-5); msg != "" {
			t.Errorf("%s: dw: %s", tc.name, msg)
		}
		if b != nil {
			db := make([]float64, tc.o)
			per := len(gy) / (tc.n * tc.o)
			for i, v := range gy {
				db[i/per%tc.o] += float64(v)
			}
			if msg := closeTo(b.Grad, db, 1e-5); msg != "" {
				t.Errorf("%s: dbias: %s", tc.name, msg)
			}
		}
	}
}

func BenchmarkConv2D(b *testing.B) {
	for _, bc := range []struct {
		name         string
		c, o, groups int
		h, w, k, pad int
	}{
		{"3x3 16to16 64x64", 16, 16, 1, 64, 64, 3, 1},
		{"depthwise 3x3 32 64x64", 32, 32, 32, 64, 64, 3, 1},
		{"1x1 32to16 64x64", 32, 16, 1, 64, 64, 1, 0},
		{"3x3 64to64 9x9", 64, 64, 1, 9, 9, 3, 1},
	} {
		rng := rand.New(rand.NewPCG(1, 1))
		x := randTensor(rng, -1, 1, 1, bc.c, bc.h, bc.w)
		w := randTensor(rng, -1, 1, bc.o, bc.c/bc.groups, bc.k, bc.k)
		bias := randTensor(rng, -1, 1, bc.o)
		opt := Conv2DOptions{Padding: [2]int{bc.pad, bc.pad}, Groups: bc.groups}
		flops := 2 * float64(bc.o*bc.c/bc.groups*bc.k*bc.k*bc.h*bc.w)
		b.Run(bc.name+"/forward", func(b *testing.B) {
			x.SetRequiresGrad(false)
			w.SetRequiresGrad(false)
			bias.SetRequiresGrad(false)
			for b.Loop() {
				Conv2D(x, w, bias, opt)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(bc.name+"/forward+backward", func(b *testing.B) {
			x.SetRequiresGrad(true)
			w.SetRequiresGrad(true)
			bias.SetRequiresGrad(true)
			for b.Loop() {
				y := Conv2D(x, w, bias, opt)
				BackwardWith(y, y.Data)
			}
			b.ReportMetric(3*flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestConv2DParallelSplits checks the shapes whose work is split across
// goroutines: one image cut into bands of rows, and a batch whose weight
// gradient is summed in chunks, against the references and with the
// same result for one and for several threads.
func TestConv2DParallelSplits(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		n, c, o, h, k, groups int
	}{
		{"one image", 1, 32, 48, 12, 3, 1},
		{"batch", 9, 8, 16, 14, 5, 1},
		{"depthwise", 3, 48, 48, 40, 3, 48},
	} {
		rng := rand.New(rand.NewPCG(13, uint64(tc.n)))
		x := randTensor(rng, -1, 1, tc.n, tc.c, tc.h, tc.h)
		w := randTensor(rng, -1, 1, tc.o, tc.c/tc.groups, tc.k, tc.k)
		b := randTensor(rng, -1, 1, tc.o)
		pad := tc.k / 2
		opt := Conv2DOptions{Padding: [2]int{pad, pad}, Groups: tc.groups}
		want, _ := refConv2D(x, w, b, 1, 1, pad, pad, 1, 1, tc.groups)
		var first []float32
		for _, procs := range []int{1, 2, 3} {
			old := runtime.GOMAXPROCS(procs)
			x.ZeroGrad()
			w.ZeroGrad()
			y := Conv2D(x, w, b, opt)
			gy := make([]float32, len(y.Data))
			for i := range gy {
				gy[i] = float32(i%7) - 3
			}
			BackwardWith(y, gy)
			runtime.GOMAXPROCS(old)
			if msg := closeTo(y.Data, want, 1e-4); msg != "" {
				t.Fatalf("%s, %d threads: forward: %s", tc.name, procs, msg)
			}
			dx, dw := refConv2DBackward(x, w, gy, 1, 1, pad, pad, 1, 1, tc.groups)
			if msg := closeTo(x.Grad, dx, 1e-4); msg != "" {
				t.Errorf("%s, %d threads: dx: %s", tc.name, procs, msg)
			}
			if msg := closeTo(w.Grad, dw, 1e-3); msg != "" {
				t.Errorf("%s, %d threads: dw: %s", tc.name, procs, msg)
			}
			if first == nil {
				first = append(append([]float32(nil), w.Grad...), y.Data...)
			} else if msg := closeTo(append(append([]float32(nil), w.Grad...), y.Data...), f64(first), 0); msg != "" {
				t.Errorf("%s: %d threads differ from one: %s", tc.name, procs, msg)
			}
		}
	}
}

package nn

import (
	"fmt"
	"math"
	"testing"
)

// naiveConvNHWC is the obviously-correct channels-last convolution in
// float64: it returns the outputs [N, OH, OW, O] and, per output, the sum
// of the absolute values of its terms, which bounds the rounding error of
// any float32 summation order.
func naiveConvNHWC(x []float32, n, h, w, c int, wt *Tensor, bias []float32, opt Conv2DOptions) (out, mag []float64, oh, ow int) {
	o, cg, kh, kw := wt.Shape[0], wt.Shape[1], wt.Shape[2], wt.Shape[3]
	groups := orOne(opt.Groups)
	sh, sw := orOne(opt.Stride[0]), orOne(opt.Stride[1])
	dh, dw := orOne(opt.Dilation[0]), orOne(opt.Dilation[1])
	oh = convOutSize(h, kh, sh, opt.Padding[0], dh)
	ow = convOutSize(w, kw, sw, opt.Padding[1], dw)
	og := o / groups
	out = make([]float64, n*oh*ow*o)
	mag = make([]float64, len(out))
	for b := 0; b < n; b++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for oc := 0; oc < o; oc++ {
					gr := oc / og
					s, m := float64(bias[oc]), math.Abs(float64(bias[oc]))
					for ci := 0; ci < cg; ci++ {
						for ky := 0; ky < kh; ky++ {
							for kx := 0; kx < kw; kx++ {
								iy := oy*sh - opt.Padding[0] + ky*dh
								ix := ox*sw - opt.Padding[1] + kx*dw
								if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								v := float64(x[((b*h+iy)*w+ix)*c+gr*cg+ci]) * float64(wt.Data[((oc*cg+ci)*kh+ky)*kw+kx])
								s += v
								m += math.Abs(v)
							}
						}
					}
					i := ((b*oh+oy)*ow+ox)*o + oc
					out[i], mag[i] = s, m
				}
			}
		}
	}
	return out, mag, oh, ow
}

// f32Tol is the error bound of a float32 sum of terms whose absolute values
// add to mag, in any order, with some slack for the activation.
func f32Tol(terms int, mag float64) float64 { return 4*float64(terms+2)*0x1p-24*mag + 1e-7 }

func TestEvalConvMatchesConv2D(t *testing.T) {
	cases := []struct {
		name          string
		n, c, h, w, o int
		k             int
		opt           Conv2DOptions
		skip          bool
		act           Act
	}{
		{"3x3 same 4→64 9x9 relu", 1, 4, 9, 9, 64, 3, Conv2DOptions{Padding: [2]int{1, 1}}, false, ActReLU},
		{"3x3 same 32→32 residual relu batch 8", 8, 32, 9, 9, 32, 3, Conv2DOptions{Padding: [2]int{1, 1}}, true, ActReLU},
		{"3x3 same 64→64 9x9 residual relu (Winograd, two blocks of tiles)", 1, 64, 9, 9, 64, 3, Conv2DOptions{Padding: [2]int{1, 1}}, true, ActReLU},
		{"3x3 valid 16→16 8x6 (Winograd, even sizes)", 2, 16, 8, 6, 16, 3, Conv2DOptions{}, false, ActNone},
		{"3x3 pad 2 16→32 5x5 (Winograd, wide border)", 1, 16, 5, 5, 32, 3, Conv2DOptions{Padding: [2]int{2, 2}}, false, ActReLU},
		{"3x3 same 16→16 tanh (direct: no Winograd tanh)", 1, 16, 6, 6, 16, 3, Conv2DOptions{Padding: [2]int{1, 1}}, false, ActTanh},
		{"1x1 64→1 5x5 (dot products: few pixels)", 1, 64, 5, 5, 1, 1, Conv2DOptions{}, false, ActNone},
		{"3x3 same 32→4 2x20x20 (zero-padded product: many pixels)", 2, 32, 20, 20, 4, 3, Conv2DOptions{Padding: [2]int{1, 1}}, false, ActNone},
		{"3x3 same 16→3 residual relu 13x11 (zero-padded product)", 1, 16, 13, 11, 3, 3, Conv2DOptions{Padding: [2]int{1, 1}}, true, ActReLU},
		{"1x1 16→16 (input is the matrix)", 3, 16, 5, 7, 16, 1, Conv2DOptions{}, true, ActTanh},
		{"1x1 stride 2", 2, 8, 7, 6, 12, 1, Conv2DOptions{Stride: [2]int{2, 2}}, false, ActNone},
		{"3x3 stride 2 pad 1 10x7", 2, 8, 10, 7, 16, 3, Conv2DOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}}, false, ActReLU},
		{"3x3 valid 5→9 6x11", 1, 5, 6, 11, 9, 3, Conv2DOptions{}, false, ActNone},
		{"5x5 pad 2 1→64", 2, 1, 12, 12, 64, 5, Conv2DOptions{Padding: [2]int{2, 2}}, false, ActTanh},
		{"3x3 dilation 2 pad 2", 1, 6, 9, 9, 10, 3, Conv2DOptions{Padding: [2]int{2, 2}, Dilation: [2]int{2, 2}}, false, ActNone},
		{"3x3 uneven padding 1x0", 1, 3, 6, 6, 8, 3, Conv2DOptions{Padding: [2]int{1, 0}}, false, ActNone},
		{"3x3 2 groups 8→12", 2, 8, 6, 6, 12, 3, Conv2DOptions{Padding: [2]int{1, 1}, Groups: 2}, true, ActReLU},
		{"3x3 depthwise 6 channels", 1, 6, 7, 7, 6, 3, Conv2DOptions{Padding: [2]int{1, 1}, Groups: 6}, false, ActNone},
		{"kernel as large as the image", 1, 3, 4, 4, 9, 4, Conv2DOptions{}, false, ActNone},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := NewRNG(uint64(10 + i))
			layer := NewConv(NewParams(), "c", tc.c, tc.o, tc.k, tc.opt, rng)
			Normal(layer.B, 0.5, rng)
			x := Zeros(tc.n, tc.c, tc.h, tc.w)
			Normal(x, 1, rng)

			e := NewInfer()
			xl := e.ChannelsLast(x)
			want := Conv2D(x, layer.W, layer.B, tc.opt)
			ref, mag, oh, ow := naiveConvNHWC(xl.Data, tc.n, tc.h, tc.w, tc.c, layer.W, layer.B.Data, tc.opt)
			var skip *Tensor
			if tc.skip {
				skip = Zeros(tc.n, oh, ow, tc.o)
				Normal(skip, 1, rng)
				for j, v := range skip.Data {
					ref[j] += float64(v)
					mag[j] += math.Abs(float64(v))
				}
			}
			switch tc.act {
			case ActReLU:
				for j := range ref {
					ref[j] = max(ref[j], 0)
				}
			case ActTanh:
				for j := range ref {
					ref[j] = math.Tanh(ref[j])
				}
			}
			got := NewEvalConv(layer).Forward(e, xl, skip, tc.act)
			if fmt.Sprint(got.Shape) != fmt.Sprint([]int{tc.n, oh, ow, tc.o}) {
				t.Fatalf("shape %v, want [%d %d %d %d]", got.Shape, tc.n, oh, ow, tc.o)
			}
			terms := tc.c / orOne(tc.opt.Groups) * tc.k * tc.k
			for j, v := range got.Data {
				if d := math.Abs(float64(v) - ref[j]); d > f32Tol(terms, mag[j]) {
					t.Fatalf("output %d: %v, reference %v (bound %g)", j, v, ref[j], f32Tol(terms, mag[j]))
				}
			}
			// The autograd convolution, before bias-free epilogue steps,
			// agrees with the reference in channels-first order too.
			if tc.skip || tc.act != ActNone {
				return
			}
			back := e.ChannelsFirst(got)
			for j, v := range want.Data {
				if d := math.Abs(float64(v - back.Data[j])); d > 2*f32Tol(terms, 1+math.Abs(float64(v))*4) {
					t.Fatalf("NCHW element %d: eval %v, Conv2D %v", j, back.Data[j], v)
				}
			}
		})
	}
}

func TestEvalConvRejectsWrongInput(t *testing.T) {
	layer := NewConv(NewParams(), "c", 4, 8, 3, Conv2DOptions{}, NewRNG(1))
	l, e := NewEvalConv(layer), NewInfer()
	for _, tc := range []struct {
		name string
		x    *Tensor
		skip *Tensor
	}{
		{"channels-first input", Zeros(1, 4, 9, 9), nil},
		{"3-D input", Zeros(9, 9, 4), nil},
		{"too small for the kernel", Zeros(1, 2, 2, 4), nil},
		{"residual of another shape", Zeros(1, 9, 9, 4), Zeros(1, 9, 9, 4)},
	} {
		err := Try(func() { l.Forward(e, tc.x, tc.skip, ActNone) })
		if err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	bad := &Conv{W: layer.W, B: layer.B, Opt: Conv2DOptions{Stride: [2]int{-1, 1}}}
	if err := Try(func() { NewEvalConv(bad) }); err == nil {
		t.Error("NewEvalConv accepted a negative stride")
	}
	// An empty batch gives an empty result on both paths.
	for _, k := range []int{1, 3} {
		c := NewConv(NewParams(), "c", 16, 16, k, Conv2DOptions{Padding: [2]int{k / 2, k / 2}}, NewRNG(2))
		if got := NewEvalConv(c).Forward(e, Zeros(0, 5, 5, 16), nil, ActReLU); fmt.Sprint(got.Shape) != "[0 5 5 16]" {
			t.Errorf("%dx%d on an empty batch: shape %v", k, k, got.Shape)
		}
	}
}

func TestEvalDenseMatchesDense(t *testing.T) {
	for _, out := range []int{1, 3, 8, 20} {
		rng := NewRNG(uint64(out))
		d := NewDense(NewParams(), "d", 2*3*5, out, rng)
		Normal(d.B, 0.5, rng)
		x := Zeros(4, 2, 3, 5) // NCHW maps
		Normal(x, 1, rng)
		want := Tanh(d.Forward(Reshape(x, 4, -1)))
		e := NewInfer()
		flat := NewEvalDense(d).Forward(e, Reshape(x, 4, -1), ActTanh)
		maps := NewEvalDenseNHWC(d, 2, 3, 5).Forward(e, e.ChannelsLast(x), ActTanh)
		for _, got := range []*Tensor{flat, maps} {
			if fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
				t.Fatalf("out %d: shape %v, want %v", out, got.Shape, want.Shape)
			}
			for i, v := range want.Data {
				if math.Abs(float64(got.Data[i]-v)) > 1e-5 {
					t.Fatalf("out %d, element %d: %v, Dense %v", out, i, got.Data[i], v)
				}
			}
		}
	}
}

func TestInferReusesBuffers(t *testing.T) {
	x := Zeros(2, 3, 4, 5)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	e := NewInfer()
	a := e.ChannelsLast(x)
	v := e.Reshape(a, 2, -1)
	if fmt.Sprint(v.Shape) != "[2 60]" || &v.Data[0] != &a.Data[0] {
		t.Fatalf("Reshape gave %v sharing=%v", v.Shape, &v.Data[0] == &a.Data[0])
	}
	if got := e.ChannelsFirst(a); fmt.Sprint(got.Data) != fmt.Sprint(x.Data) {
		t.Fatalf("ChannelsFirst(ChannelsLast(x)) = %v, want %v", got.Data, x.Data)
	}
	first := &a.Data[0]
	e.Reset()
	if b := e.ChannelsLast(x); &b.Data[0] != first {
		t.Error("the first tensor after Reset does not reuse the first buffer")
	}
	if err := Try(func() { e.Reshape(a, 7, -1) }); err == nil {
		t.Error("Reshape of 120 elements to [7 -1] succeeded")
	}
}

// TestWinogradTransforms checks the transforms used by the forward pass
// (assembly on amd64) against the Go definitions, bit for bit: they do the
// same additions in the same order.
func TestWinogradTransforms(t *testing.T) {
	rng := NewRNG(5)
	for _, c := range []int{8, 16, 64, 12} { // 12: not whole vectors, Go path
		stride := 3*c + 5
		var taps [16][]float32
		for k := range taps {
			taps[k] = make([]float32, c)
			for i := range taps[k] {
				taps[k][i] = float32(rng.NormFloat64())
			}
		}
		got, want := make([]float32, 16*stride), make([]float32, 16*stride)
		winoInput(&taps, got, stride, c)
		winoInputGo(&taps, want, stride, c)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("c=%d: input transform differs from the Go version", c)
		}
		// The input transform of a patch with a single 1 at tap (i, k) is
		// the outer product of columns i and k of B.
		bt := [4][4]float32{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}
		for tap := 0; tap < 16; tap++ {
			for k := range taps {
				clear(taps[k])
			}
			taps[tap][0] = 1
			winoInput(&taps, got, stride, c)
			for xi := 0; xi < 16; xi++ {
				if w := bt[xi/4][tap/4] * bt[xi%4][tap%4]; got[xi*stride] != w {
					t.Fatalf("c=%d: unit patch at tap %d gives %v at position %d, want %v", c, tap, got[xi*stride], xi, w)
				}
			}
		}

		m := make([]float32, 16*stride)
		for i := range m {
			m[i] = float32(rng.NormFloat64())
		}
		bias := make([]float32, c)
		var dstA, dstB, skip [4][]float32
		for k := range skip {
			skip[k] = make([]float32, c)
			dstA[k], dstB[k] = make([]float32, c), make([]float32, c)
			for i := range skip[k] {
				skip[k][i] = float32(rng.NormFloat64())
				bias[i] = float32(rng.NormFloat64())
			}
		}
		for _, relu := range []bool{false, true} {
			winoOutput(m, stride, &dstA, &skip, bias, relu)
			winoOutputGo(m, stride, &dstB, &skip, bias, relu)
			if fmt.Sprint(dstA) != fmt.Sprint(dstB) {
				t.Fatalf("c=%d relu=%v: output transform differs from the Go version", c, relu)
			}
		}
	}
}

// BenchmarkEvalConv times the inference path on the layers of
// BenchmarkConv2D (one image; GFLOP/s counts the direct convolution's
// multiply-adds, so a Winograd layer shows its effective rate).
func BenchmarkEvalConv(b *testing.B) {
	for _, bc := range []struct {
		name         string
		c, o, groups int
		h, w, k, pad int
	}{
		{"3x3 16to16 64x64", 16, 16, 1, 64, 64, 3, 1},
		{"depthwise 3x3 32 64x64", 32, 32, 32, 64, 64, 3, 1},
		{"1x1 32to16 64x64", 32, 16, 1, 64, 64, 1, 0},
		{"3x3 64to64 9x9", 64, 64, 1, 9, 9, 3, 1},
		{"3x3 4to64 9x9", 4, 64, 1, 9, 9, 3, 1},
	} {
		opt := Conv2DOptions{Padding: [2]int{bc.pad, bc.pad}, Groups: bc.groups}
		rng := NewRNG(1)
		l := NewEvalConv(NewConv(NewParams(), "c", bc.c, bc.o, bc.k, opt, rng))
		e := NewInfer()
		x := Zeros(1, bc.h, bc.w, bc.c)
		Normal(x, 1, rng)
		flops := 2 * float64(bc.o*bc.c/bc.groups*bc.k*bc.k*bc.h*bc.w)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Reset()
				l.Forward(e, x, nil, ActReLU)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// refBilinear samples each output pixel by the align_corners=False
// definition in float64.
func refBilinear(x *Tensor, oh, ow int) []float64 {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	src := func(d, in, out int) (int, int, float64) {
		s := math.Max((float64(d)+0.5)*float64(in)/float64(out)-0.5, 0)
		i0 := int(math.Floor(s))
		i1 := min(i0+1, in-1)
		return i0, i1, s - float64(i0)
	}
	out := make([]float64, 0, n*c*oh*ow)
	for p := 0; p < n*c; p++ {
		at := func(y, xx int) float64 { return float64(x.Data[(p*h+y)*w+xx]) }
		for y := 0; y < oh; y++ {
			y0, y1, ly := src(y, h, oh)
			for xx := 0; xx < ow; xx++ {
				x0, x1, lx := src(xx, w, ow)
				top := (1-lx)*at(y0, x0) + lx*at(y0, x1)
				bot := (1-lx)*at(y1, x0) + lx*at(y1, x1)
				out = append(out, (1-ly)*top+ly*bot)
			}
		}
	}
	return out
}

var resizeCases = []struct {
	name       string
	h, w       int
	outH, outW int
}{
	{"up 2x", 3, 4, 6, 8},
	{"up non-integer", 5, 4, 8, 11},
	{"down non-integer", 9, 7, 4, 5},
	{"down 2x", 6, 8, 3, 4},
	{"mixed", 4, 9, 7, 2},
	{"identity", 3, 5, 3, 5},
	{"from one pixel", 1, 1, 3, 2},
	{"to one pixel", 4, 5, 1, 1},
}

func TestResizeBilinearForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, tc := range resizeCases {
		x := randTensor(rng, -1, 1, 2, 2, tc.h, tc.w)
		got := ResizeBilinear(x, tc.outH, tc.outW)
		if !sameShape(got.Shape, []int{2, 2, tc.outH, tc.outW}) {
			t.Errorf("%s: shape %v", tc.name, got.Shape)
			continue
		}
		if msg := closeTo(got.Data, refBilinear(x, tc.outH, tc.outW), 1e-5); msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
		if tc.h == tc.outH && tc.w == tc.outW {
			if msg := closeTo(got.Data, f64(x.Data), 0); msg != "" {
				t.Errorf("%s: not the identity: %s", tc.name, msg)
			}
		}
	}
}

func TestResizeBilinearGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, tc := range resizeCases {
		x := randTensor(rng, -1, 1, 1, 2, tc.h, tc.w)
		oh, ow := tc.outH, tc.outW
		checkGrad(t, "ResizeBilinear "+tc.name, func(in []*Tensor) *Tensor { return ResizeBilinear(in[0], oh, ow) }, x)
	}
}

func TestResizeBilinearErrors(t *testing.T) {
	for _, tc := range []struct {
		shape      []int
		outH, outW int
	}{{[]int{2, 3, 3}, 4, 4}, {[]int{1, 1, 3, 3}, 0, 4}, {[]int{1, 1, 0, 3}, 2, 2}} {
		err := Try(func() { ResizeBilinear(Zeros(tc.shape...), tc.outH, tc.outW) })
		if err == nil || !strings.Contains(err.Error(), "ResizeBilinear") {
			t.Errorf("ResizeBilinear(%v, %d, %d): error %v", tc.shape, tc.outH, tc.outW, err)
		}
	}
}

// refPixelShuffle builds depth-to-space from reshape and permute, the way
// PyTorch documents it: [N, C, r, r, H, W] → [N, C, H, r, W, r].
func refPixelShuffle(x *Tensor, r int) *Tensor {
	n, c, h, w := x.Shape[0], x.Shape[1]/(r*r), x.Shape[2], x.Shape[3]
	v := Reshape(x, n, c, r, r, h, w)
	return Reshape(Permute(v, 0, 1, 4, 2, 5, 3), n, c, h*r, w*r)
}

func TestPixelShuffle(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, tc := range []struct{ n, c, h, w, r int }{
		{1, 1, 2, 2, 2}, {2, 3, 3, 2, 2}, {1, 2, 2, 3, 3}, {1, 2, 2, 2, 1},
	} {
		x := randTensor(rng, -1, 1, tc.n, tc.c*tc.r*tc.r, tc.h, tc.w)
		got := PixelShuffle(x, tc.r)
		want := refPixelShuffle(x, tc.r)
		if !sameShape(got.Shape, want.Shape) || closeTo(got.Data, f64(want.Data), 0) != "" {
			t.Errorf("PixelShuffle %+v: got %v, want %v", tc, got, want)
		}
		back := PixelUnshuffle(got, tc.r)
		if !sameShape(back.Shape, x.Shape) || closeTo(back.Data, f64(x.Data), 0) != "" {
			t.Errorf("PixelUnshuffle(PixelShuffle) %+v: %v, want %v", tc, back, x)
		}
		r := tc.r
		checkGrad(t, "PixelShuffle", func(in []*Tensor) *Tensor { return PixelShuffle(in[0], r) }, x)
		y := randTensor(rng, -1, 1, tc.n, tc.c, tc.h*r, tc.w*r)
		checkGrad(t, "PixelUnshuffle", func(in []*Tensor) *Tensor { return PixelUnshuffle(in[0], r) }, y)
	}
	// Channel order: with r = 2 the four channels fill each 2×2 block in
	// row-major order.
	x := New([]float32{1, 2, 3, 4}, 1, 4, 1, 1)
	if got := PixelShuffle(x, 2); closeTo(got.Data, []float64{1, 2, 3, 4}, 0) != "" || !sameShape(got.Shape, []int{1, 1, 2, 2}) {
		t.Errorf("PixelShuffle of channels 1..4: %v", got)
	}
}

func TestPixelShuffleErrors(t *testing.T) {
	if err := Try(func() { PixelShuffle(Zeros(1, 6, 2, 2), 2) }); err == nil || !strings.Contains(err.Error(), "PixelShuffle") || !strings.Contains(err.Error(), "[1 6 2 2]") {
		t.Errorf("PixelShuffle of 6 channels by 2: error %v", err)
	}
	if err := Try(func() { PixelUnshuffle(Zeros(1, 1, 3, 4), 2) }); err == nil || !strings.Contains(err.Error(), "PixelUnshuffle") {
		t.Errorf("PixelUnshuffle of 3x4 by 2: error %v", err)
	}
	if err := Try(func() { PixelShuffle(Zeros(1, 4, 2, 2), 0) }); err == nil {
		t.Error("PixelShuffle by 0: no error")
	}
}

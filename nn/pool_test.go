package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// refPool pools x by the definition in float64: padded positions hold pad
// (0 for average, -Inf for max) and average divides by kernel².
func refPool(x *Tensor, k, s, p int, isMax bool) []float64 {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := (h+2*p-k)/s+1, (w+2*p-k)/s+1
	out := make([]float64, 0, n*c*oh*ow)
	for pl := 0; pl < n*c; pl++ {
		for y := 0; y < oh; y++ {
			for xx := 0; xx < ow; xx++ {
				acc := 0.0
				if isMax {
					acc = math.Inf(-1)
				}
				for i := 0; i < k; i++ {
					for j := 0; j < k; j++ {
						iy, ix := y*s-p+i, xx*s-p+j
						v := 0.0
						if iy >= 0 && iy < h && ix >= 0 && ix < w {
							v = float64(x.Data[(pl*h+iy)*w+ix])
						} else if isMax {
							v = math.Inf(-1)
						}
						if isMax {
							acc = math.Max(acc, v)
						} else {
							acc += v
						}
					}
				}
				if !isMax {
					acc /= float64(k * k)
				}
				out = append(out, acc)
			}
		}
	}
	return out
}

var poolCases = []struct {
	name       string
	n, c, h, w int
	k, s, p    int
}{
	{"k2 s2", 2, 2, 6, 4, 2, 2, 0},
	{"k3 s2 p1", 1, 3, 7, 6, 3, 2, 1},
	{"k3 s1 p1", 1, 2, 5, 5, 3, 1, 1},
	{"k2 s1 p1 odd", 2, 1, 3, 4, 2, 1, 1},
	{"k3 s3 ragged", 1, 2, 8, 7, 3, 3, 0},
	{"k1", 1, 2, 3, 3, 1, 1, 0},
}

// distinctTensor returns a tensor whose elements are a shuffled ramp, so
// that max pooling has no ties within finite-difference distance.
func distinctTensor(rng *rand.Rand, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i, j := range rng.Perm(len(t.Data)) {
		t.Data[i] = 0.05*float32(j) - 1
	}
	t.requiresGrad = true
	return t
}

func TestPoolForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range poolCases {
		x := randTensor(rng, -1, 1, tc.n, tc.c, tc.h, tc.w)
		for _, isMax := range []bool{false, true} {
			var got *Tensor
			if isMax {
				got = MaxPool2D(x, tc.k, tc.s, tc.p)
			} else {
				got = AvgPool2D(x, tc.k, tc.s, tc.p)
			}
			want := refPool(x, tc.k, tc.s, tc.p, isMax)
			oh, ow := (tc.h+2*tc.p-tc.k)/tc.s+1, (tc.w+2*tc.p-tc.k)/tc.s+1
			if !sameShape(got.Shape, []int{tc.n, tc.c, oh, ow}) {
				t.Errorf("%s max=%v: shape %v", tc.name, isMax, got.Shape)
				continue
			}
			if msg := closeTo(got.Data, want, 1e-6); msg != "" {
				t.Errorf("%s max=%v: %s", tc.name, isMax, msg)
			}
		}
	}
}

func TestPoolGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, tc := range poolCases {
		x := distinctTensor(rng, tc.n, tc.c, tc.h, tc.w)
		k, s, p := tc.k, tc.s, tc.p
		checkGrad(t, "AvgPool2D "+tc.name, func(in []*Tensor) *Tensor { return AvgPool2D(in[0], k, s, p) }, x)
		checkGrad(t, "MaxPool2D "+tc.name, func(in []*Tensor) *Tensor { return MaxPool2D(in[0], k, s, p) }, x)
	}
}

func TestMaxPoolNaNWins(t *testing.T) {
	nan := float32(math.NaN())
	x := New([]float32{1, nan, 3, 4}, 1, 1, 2, 2)
	y := MaxPool2D(x, 2, 2, 0)
	if !math.IsNaN(float64(y.Data[0])) {
		t.Errorf("max of a window with NaN = %v, want NaN", y.Data[0])
	}
}

func TestGlobalAvgPool2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	x := randTensor(rng, -1, 1, 2, 3, 4, 5)
	got := GlobalAvgPool2D(x)
	if !sameShape(got.Shape, []int{2, 3, 1, 1}) {
		t.Fatalf("shape %v", got.Shape)
	}
	want := make([]float64, 6)
	for p := range want {
		for _, v := range x.Data[p*20 : (p+1)*20] {
			want[p] += float64(v) / 20
		}
	}
	if msg := closeTo(got.Data, want, 1e-6); msg != "" {
		t.Error(msg)
	}
	checkGrad(t, "GlobalAvgPool2D", func(in []*Tensor) *Tensor { return GlobalAvgPool2D(in[0]) }, x)
}

func TestPoolShapeErrors(t *testing.T) {
	cases := []struct {
		name    string
		shape   []int
		k, s, p int
		want    string
	}{
		{"3-D", []int{2, 4, 4}, 2, 2, 0, "[2 4 4]"},
		{"padding over half kernel", []int{1, 1, 4, 4}, 2, 2, 2, "padding 2"},
		{"kernel too big", []int{1, 1, 2, 2}, 3, 1, 0, "does not fit"},
		{"zero stride", []int{1, 1, 4, 4}, 2, 0, 0, "stride 0"},
	}
	for _, tc := range cases {
		x := Zeros(tc.shape...)
		for _, op := range []struct {
			name string
			f    func(*Tensor, int, int, int) *Tensor
		}{{"AvgPool2D", AvgPool2D}, {"MaxPool2D", MaxPool2D}} {
			err := Try(func() { op.f(x, tc.k, tc.s, tc.p) })
			if err == nil || !strings.Contains(err.Error(), op.name) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s %s: error %v, want one naming %s and %q", op.name, tc.name, err, op.name, tc.want)
			}
		}
	}
	if err := Try(func() { GlobalAvgPool2D(Zeros(2, 3)) }); err == nil || !strings.Contains(err.Error(), "GlobalAvgPool2D") {
		t.Errorf("GlobalAvgPool2D of [2 3]: error %v", err)
	}
}

package temporal

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
)

// texture is value noise (three octaves, cells of 16, 8 and 4 pixels):
// a non-periodic colour pattern defined at every real position, so that
// sub-pixel shifts of it are exact.
func texture(x, y float64, c int) float32 {
	v := 0.1
	for _, o := range [3]struct{ cell, amp float64 }{{16, 0.4}, {8, 0.3}, {4, 0.2}} {
		v += o.amp * valueNoise(x/o.cell, y/o.cell, c)
	}
	return float32(v)
}

// valueNoise interpolates pseudo-random lattice values in [0,1] with a
// smoothstep.
func valueNoise(x, y float64, c int) float64 {
	ix, iy := math.Floor(x), math.Floor(y)
	tx, ty := x-ix, y-iy
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	at := func(i, j float64) float64 {
		k := uint64(int64(i)*73856093) ^ uint64(int64(j)*19349663) ^ uint64(c*83492791)
		k ^= k >> 13
		k *= 0x9e3779b97f4a7c15
		k ^= k >> 29
		return float64(k%1024) / 1023
	}
	top := at(ix, iy) + tx*(at(ix+1, iy)-at(ix, iy))
	bot := at(ix, iy+1) + tx*(at(ix+1, iy+1)-at(ix, iy+1))
	return top + ty*(bot-top)
}

// scene draws the texture shifted by (bx, by) and, when size > 0, a
// differently textured square of that size at (fx, fy) on top.
func scene(w, h int, bx, by, fx, fy float64, size int) *raster.Image {
	m := raster.New(w, h, 3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			for c := 0; c < 3; c++ {
				v := texture(px-bx, py-by, c)
				if size > 0 && px >= fx && px < fx+float64(size) && py >= fy && py < fy+float64(size) {
					v = 1.1 - texture(2*(px-fx)+40, 2*(py-fy)+17, 2-c)
				}
				m.Planes[c][y*w+x] = v
			}
		}
	}
	return m
}

func TestEstimateFlowRecoversTranslation(t *testing.T) {
	// The margin leaves out pixels whose source lies outside the first
	// image.
	const w, h, margin = 192, 144, 20
	for _, tc := range []struct{ tx, ty float64 }{{3.3, -1.7}, {-7.6, 4.25}, {0.4, 0.2}, {14.5, -9.75}} {
		a := scene(w, h, 0, 0, 0, 0, 0)
		b := scene(w, h, tc.tx, tc.ty, 0, 0, 0)
		f, err := EstimateFlow(context.Background(), a, b)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		n, off := 0, 0
		for y := margin; y < h-margin; y++ {
			for x := margin; x < w-margin; x++ {
				i := y*w + x
				e := math.Hypot(float64(f.Planes[0][i])-tc.tx, float64(f.Planes[1][i])-tc.ty)
				sum, n = sum+e, n+1
				if e > 0.5 {
					off++
				}
			}
		}
		frac := float64(off) / float64(n)
		t.Logf("shift (%.2f, %.2f): mean error %.3f px, %.2f%% of pixels off by more than 0.5 px", tc.tx, tc.ty, sum/float64(n), 100*frac)
		if sum/float64(n) > 0.3 || frac > 0.01 {
			t.Errorf("shift (%.2f, %.2f): mean error %.3f px, %.2f%% of pixels off by more than 0.5 px; want ≤ 0.3 px and ≤ 1%%", tc.tx, tc.ty, sum/float64(n), 100*frac)
		}
	}
}

func TestInterpolateFlowBeatsBlending(t *testing.T) {
	// Background panning one way, a textured square moving the other way
	// over it (occlusion and disocclusion on both sides).
	const w, h = 128, 96
	for _, tc := range []struct{ bx, by, fx, fy float64 }{{6, 2, -8, 4}, {-10, 0, 12, -6}} {
		a := scene(w, h, 0, 0, 40, 30, 28)
		mid := scene(w, h, tc.bx/2, tc.by/2, 40+tc.fx/2, 30+tc.fy/2, 28)
		b := scene(w, h, tc.bx, tc.by, 40+tc.fx, 30+tc.fy, 28)
		g, err := InterpolateFlow(context.Background(), a, b)
		if err != nil {
			t.Fatal(err)
		}
		pg, err := quality.PSNR(mid, g)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := quality.PSNR(mid, blend(a, b))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v: flow %.2f dB, blend %.2f dB", tc, pg, pb)
		if !(pg > pb+2) {
			t.Errorf("%+v: interpolation from flow %.2f dB does not beat blending %.2f dB by 2 dB", tc, pg, pb)
		}
	}
}

func TestBlockCostMatchesClampedReference(t *testing.T) {
	// The unclamped fast path for blocks inside both images must agree with
	// sampling every pixel with clamping.
	a, b := flowLuma(scene(64, 48, 0, 0, 0, 0, 0)), flowLuma(scene(64, 48, 2, 1, 0, 0, 0))
	f := newBlockField(a.w, a.h)
	for j := 0; j < f.gh; j++ {
		for i := 0; i < f.gw; i++ {
			for _, v := range [][2]int{{0, 0}, {3, -2}, {-5, 4}, {20, 0}} {
				got := blockCost(a, b, i, j, float32(v[0]), float32(v[1]), 0, 0)
				var s float32
				x0, y0 := i*flowStride+flowStride/2-flowBlock/2, j*flowStride+flowStride/2-flowBlock/2
				for y := y0; y < y0+flowBlock; y++ {
					for x := x0; x < x0+flowBlock; x++ {
						s += abs32(b.at(x, y) - a.at(x-v[0], y-v[1]))
					}
				}
				want := s/(flowBlock*flowBlock) + flowSmooth*float32(abs(v[0])+abs(v[1]))
				if abs32(got-want) > 1e-5 {
					t.Fatalf("block (%d,%d) vector %v: cost %v, reference %v", i, j, v, got, want)
				}
			}
		}
	}
}

func TestFlowBadInput(t *testing.T) {
	a, b := raster.New(8, 8, 3), raster.New(9, 8, 3)
	for _, tc := range []struct {
		name string
		fn   func() error
		want string
	}{
		{"size", func() error { _, err := EstimateFlow(context.Background(), a, b); return err }, "one size"},
		{"nil", func() error { _, err := EstimateFlow(context.Background(), nil, b); return err }, "missing"},
		{"grey", func() error { _, err := EstimateFlow(context.Background(), raster.New(8, 8, 1), a); return err }, "3 colour planes"},
		{"interp size", func() error { _, err := InterpolateFlow(context.Background(), a, b); return err }, "one size"},
	} {
		if err := tc.fn(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

package upscale

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// imresizeRef is MATLAB's imresize written out literally, one output value
// at a time: 1-based coordinates u = x/scale + ½(1 − 1/scale), the window
// left = floor(u − width/2) of ceil(width)+2 taps, h(x) = scale·cubic(scale·x)
// and width 4/scale when shrinking (antialiasing), cubic(x) and width 4 when
// enlarging, weights normalised, indices mirrored through aux = [1..n, n..1],
// dimension 1 (vertical) first, each pass rounded to uint8 if round8 is set.
func imresizeRef(p []float64, w, h, ow, oh int, round8 bool) []float64 {
	cubic := func(x float64) float64 {
		ax := math.Abs(x)
		switch {
		case ax <= 1:
			return 1.5*ax*ax*ax - 2.5*ax*ax + 1
		case ax <= 2:
			return -0.5*ax*ax*ax + 2.5*ax*ax - 4*ax + 2
		}
		return 0
	}
	// one returns output value x (1-based) of a line of n values got by at(i), i 1-based.
	one := func(n, out, x int, at func(i int) float64) float64 {
		scale := float64(out) / float64(n)
		width := 4 / scale
		aa := scale
		if scale >= 1 {
			width, aa = 4, 1
		}
		u := float64(x)/scale + 0.5*(1-1/scale)
		left := math.Floor(u - width/2)
		taps := int(math.Ceil(width)) + 2
		aux := make([]int, 0, 2*n)
		for i := 1; i <= n; i++ {
			aux = append(aux, i)
		}
		for i := n; i >= 1; i-- {
			aux = append(aux, i)
		}
		var ws []float64
		var idx []int
		sum := 0.0
		for j := 0; j < taps; j++ {
			ind := int(left) + j
			wt := aa * cubic(aa*(u-float64(ind)))
			ws = append(ws, wt)
			m := (ind - 1) % len(aux)
			if m < 0 {
				m += len(aux)
			}
			idx = append(idx, aux[m])
			sum += wt
		}
		v := 0.0
		for j := range ws {
			v += ws[j] / sum * at(idx[j])
		}
		if !round8 {
			return v
		}
		return math.Min(math.Max(math.Round(v), 0), 255)
	}
	tmp := make([]float64, w*oh)
	for y := 1; y <= oh; y++ {
		for x := 1; x <= w; x++ {
			tmp[(y-1)*w+x-1] = one(h, oh, y, func(i int) float64 { return p[(i-1)*w+x-1] })
		}
	}
	out := make([]float64, ow*oh)
	for y := 1; y <= oh; y++ {
		for x := 1; x <= ow; x++ {
			out[(y-1)*ow+x-1] = one(w, ow, x, func(i int) float64 { return tmp[(y-1)*w+i-1] })
		}
	}
	return out
}

func randomCodes(rng *rand.Rand, w, h, c int) *raster.Image {
	m := raster.New(w, h, c)
	for _, p := range m.Planes {
		for i := range p {
			p[i] = float32(rng.IntN(256)) / 255
		}
	}
	return m
}

// BicubicDownscale must agree with the literal reference on random images
// for integer and fractional reductions of equal ratio on both axes (the
// only case where the reference's fixed vertical-first order is MATLAB's).
// Both round each pass to 8 bits; a code may differ by one only where a
// value lands within rounding error of a half.
func TestBicubicDownscaleMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct{ w, h, ow, oh int }{
		{16, 12, 8, 6}, {33, 21, 11, 7}, {40, 40, 10, 10}, {17, 13, 17, 13},
		{30, 20, 12, 8}, {9, 9, 3, 3}, {12, 8, 3, 2}, {20, 10, 16, 8},
	}
	for _, c := range cases {
		src := randomCodes(rng, c.w, c.h, 2)
		got, err := BicubicDownscale(context.Background(), src, c.ow, c.oh)
		if err != nil {
			t.Fatal(err)
		}
		for ch, p := range src.Planes {
			in := make([]float64, len(p))
			for i, v := range p {
				in[i] = math.Round(float64(v) * 255)
			}
			want := imresizeRef(in, c.w, c.h, c.ow, c.oh, true)
			off := 0
			for i, v := range got.Planes[ch] {
				g := float64(v) * 255
				if math.Abs(g-math.Round(g)) > 1e-3 {
					t.Fatalf("%dx%d->%dx%d: output %g is not an 8-bit code", c.w, c.h, c.ow, c.oh, g)
				}
				switch d := math.Abs(math.Round(g) - want[i]); {
				case d > 1:
					t.Fatalf("%dx%d->%dx%d plane %d pixel %d: %g, reference %g", c.w, c.h, c.ow, c.oh, ch, i, g, want[i])
				case d == 1:
					off++
				}
			}
			if off > len(want)/100 {
				t.Errorf("%dx%d->%dx%d: %d of %d codes off by one", c.w, c.h, c.ow, c.oh, off, len(want))
			}
		}
	}
}

// At ×2 the antialiased kernel has the well-known taps ±0.5 → 0.43359375,
// ±1.5 → 0.11328125, ±2.5 → −0.03515625, ±3.5 → −0.01171875 (cubic(d/2)/2,
// normalised), so a black-to-white step between input pixels 7 and 8 comes
// out as 0.06640625·255 ≈ 17 and 0.93359375·255 ≈ 238 on either side.
func TestBicubicDownscaleGolden(t *testing.T) {
	a := imresizeAxis(16, 8)
	want := []float64{-0.01171875, -0.03515625, 0.11328125, 0.43359375, 0.43359375, 0.11328125, -0.03515625, -0.01171875}
	o := 4 // centred on 8.5: taps 4..13, the first and last weigh 0
	for t0 := 0; t0 < a.taps; t0++ {
		w := a.w[o*a.taps+t0]
		idx := a.idx[o*a.taps+t0]
		if idx != 4+t0 {
			t.Fatalf("tap %d reads pixel %d, want %d", t0, idx, 4+t0)
		}
		exp := 0.0
		if t0 >= 1 && t0 <= 8 {
			exp = want[t0-1]
		}
		if math.Abs(w-exp) > 1e-15 {
			t.Errorf("tap %d weight %v, want %v", t0, w, exp)
		}
	}
	src := raster.New(16, 2, 1)
	for y := 0; y < 2; y++ {
		for x := 8; x < 16; x++ {
			src.Planes[0][y*16+x] = 1
		}
	}
	out, err := BicubicDownscale(context.Background(), src, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]int, 8)
	for i, v := range out.Planes[0] {
		codes[i] = int(math.Round(float64(v) * 255))
	}
	// Pixels 0..2 and 5..7 see only one side; the mirrored edges stay flat.
	if got := [8]int(codes); got != [8]int{0, 0, 0, 17, 238, 255, 255, 255} {
		t.Errorf("step reduced to %v", codes)
	}
}

// A flat image stays flat (the weights sum to 1) and the edge mirroring
// reads no pixel outside the image, for any reduction.
func TestBicubicDownscaleFlatAndSizes(t *testing.T) {
	for _, c := range [][4]int{{7, 5, 1, 1}, {100, 3, 7, 2}, {64, 64, 63, 9}} {
		src := raster.New(c[0], c[1], 3)
		for _, p := range src.Planes {
			for i := range p {
				p[i] = 77.0 / 255
			}
		}
		out, err := BicubicDownscale(context.Background(), src, c[2], c[3])
		if err != nil {
			t.Fatal(err)
		}
		if out.Width != c[2] || out.Height != c[3] {
			t.Fatalf("size %dx%d, want %dx%d", out.Width, out.Height, c[2], c[3])
		}
		for _, p := range out.Planes {
			for _, v := range p {
				if math.Round(float64(v)*255) != 77 {
					t.Fatalf("%v: flat 77 became %g", c, float64(v)*255)
				}
			}
		}
	}
}

func TestBicubicDownscaleErrors(t *testing.T) {
	src := raster.New(8, 8, 1)
	for _, s := range [][2]int{{0, 4}, {4, 0}, {9, 4}, {4, 9}} {
		if _, err := BicubicDownscale(context.Background(), src, s[0], s[1]); err == nil {
			t.Errorf("8x8 -> %dx%d: no error", s[0], s[1])
		}
	}
	if _, err := BicubicDownscale(context.Background(), &raster.Image{Width: 4, Height: 4}, 2, 2); err == nil {
		t.Error("an image without planes: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BicubicDownscale(ctx, src, 4, 4); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestMirror(t *testing.T) {
	want := map[int]int{-4: 3, -3: 2, -2: 1, -1: 0, 0: 0, 3: 3, 4: 3, 5: 2, 7: 0, 8: 0, 9: 1}
	for i, m := range want {
		if got := mirror(i, 4); got != m {
			t.Errorf("mirror(%d, 4) = %d, want %d", i, got, m)
		}
	}
}

// The SR literature's bicubic baseline is imresize(LR, s, 'bicubic'). The
// bicubic upscaler (Catmull-Rom is Keys a = −0.5, with the same pixel
// centres) clamps at the edges where MATLAB mirrors; the two agree on every
// pixel the literature's PSNR keeps, i.e. s pixels in from each border.
func TestBicubicMatchesImresizeInsideTheShave(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	bic, err := New("bicubic", DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for s := 2; s <= 4; s++ {
		const w, h = 13, 9
		src := randomCodes(rng, w, h, 1)
		in := make([]float64, w*h)
		for i, v := range src.Planes[0] {
			in[i] = float64(v) * 255
		}
		want := imresizeRef(in, w, h, w*s, h*s, false)
		got, err := Resize(context.Background(), bic, src, w*s, h*s)
		if err != nil {
			t.Fatal(err)
		}
		for y := s; y < h*s-s; y++ {
			for x := s; x < w*s-s; x++ {
				i := y*w*s + x
				if d := float64(got.Planes[0][i])*255 - want[i]; math.Abs(d) > 1e-3 {
					t.Fatalf("x%d (%d,%d): bicubic %g, imresize %g", s, x, y, float64(got.Planes[0][i])*255, want[i])
				}
			}
		}
	}
}

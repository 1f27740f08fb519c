package temporal

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/upscale"
)

func TestTonemapRoundTrip(t *testing.T) {
	for _, c := range [][3]float32{{0, 0, 0}, {0.2, 0.5, 0.9}, {4, 1, 0.1}, {30, 30, 30}} {
		a, b, d := tonemap(c[0], c[1], c[2])
		y, co, cg := toYCoCg(a, b, d)
		a, b, d = fromYCoCg(y, co, cg)
		r, g, bl := untonemap(a, b, d)
		for k, v := range [3]float32{r, g, bl} {
			if math.Abs(float64(v-c[k])) > 1e-3*float64(1+c[k]) {
				t.Errorf("round trip of %v gave %v, %v, %v", c, r, g, bl)
			}
		}
	}
}

// TestClipProperties checks clipping against its definition: the result is
// inside the box, unchanged when already inside, and on the segment from the
// box centre to the input.
func TestClipProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 1000; n++ {
		var b box
		var c [3]float32
		for k := 0; k < 3; k++ {
			b.lo[k] = rng.Float32() - 0.5
			b.hi[k] = b.lo[k] + rng.Float32()
			c[k] = 2*rng.Float32() - 1
		}
		got, moved := b.clip(c)
		inside := true
		for k := 0; k < 3; k++ {
			if got[k] < b.lo[k]-1e-5 || got[k] > b.hi[k]+1e-5 {
				t.Fatalf("clip(%v) = %v outside %v", c, got, b)
			}
			inside = inside && c[k] >= b.lo[k] && c[k] <= b.hi[k]
		}
		if inside && (got != c || moved != 0) {
			t.Fatalf("clip moved %v, already inside %v", c, b)
		}
		// Collinear with the centre: the cross-ratios agree.
		var ratio float32 = -1
		for k := 0; k < 3; k++ {
			ctr := (b.lo[k] + b.hi[k]) / 2
			if d := c[k] - ctr; math.Abs(float64(d)) > 1e-3 {
				r := (got[k] - ctr) / d
				if ratio >= 0 && math.Abs(float64(r-ratio)) > 1e-3 {
					t.Fatalf("clip(%v) = %v not towards the centre of %v", c, got, b)
				}
				ratio = r
			}
		}
	}
}

// TestTSRScales runs every usual quality mode: output at display size and,
// after warm-up, closer to the reference than the raw frame enlarged with
// nearest neighbour.
func TestTSRScales(t *testing.T) {
	near, err := upscale.New("nearest", upscale.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{1.5, 1.7, 2, 3} {
		o := render.Options{RenderW: 48, RenderH: 27, ReferenceSPP: 4}
		o.DisplayW, o.DisplayH = int(math.Round(48*scale)), int(math.Round(27*scale))
		fs := clip(t, "city", 10, o)
		tsr, err := NewTSR(o.RenderW, o.RenderH, o.DisplayW, o.DisplayH, DefaultTSROptions())
		if err != nil {
			t.Fatal(err)
		}
		var pT, pN float64
		for i, f := range fs {
			out, err := tsr.Process(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if out.Width != o.DisplayW || out.Height != o.DisplayH {
				t.Fatalf("%gx: output %dx%d", scale, out.Width, out.Height)
			}
			if i < 5 {
				continue
			}
			nn, err := upscale.Resize(context.Background(), near, f.Color, o.DisplayW, o.DisplayH)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := quality.PSNR(f.Reference, out)
			b, _ := quality.PSNR(f.Reference, nn)
			pT, pN = pT+a, pN+b
		}
		if !(pT > pN) {
			t.Errorf("%gx: TSR %.2f dB not above nearest %.2f dB", scale, pT/5, pN/5)
		}
	}
	if _, err := NewTSR(10, 10, 50, 50, DefaultTSROptions()); err == nil {
		t.Error("5x accepted")
	}
}

// TestKernelApproximations compares the fast kernels with their definitions.
func TestKernelApproximations(t *testing.T) {
	for x := float32(0); x < 2; x += 0.01 {
		px := math.Pi * float64(x)
		want := 1.0
		if x > 0 {
			want = 2 * math.Sin(px) * math.Sin(px/2) / (px * px)
		}
		if got := lanczos2(x * x); math.Abs(float64(got)-want) > 0.002 {
			t.Errorf("lanczos2(%g²) = %v, Lanczos-2 is %v", x, got, want)
		}
	}
	for x := float32(0); x < 8; x += 0.05 {
		if got, want := gauss(x), math.Exp(-float64(x)); math.Abs(float64(got)-want) > 0.003 {
			t.Errorf("gauss(%g) = %v, exp(-x) = %v", x, got, want)
		}
	}
}

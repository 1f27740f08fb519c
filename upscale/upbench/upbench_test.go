package upbench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"
	"golang.org/x/image/draw"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/upscale"
)

// photo loads one of the shared test photos, skipping when the shared data
// is not beside the repository.
func photo(t *testing.T, name string) *raster.Image {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "images", name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared photo %s not available: %v", path, err)
	}
	m, err := raster.Load(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func psnrOf(t *testing.T, c Contestant, ref, low *raster.Image) float64 {
	t.Helper()
	run, result, err := c.Prepare(low, ref.Width, ref.Height)
	if err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err := result()
	if err != nil {
		t.Fatal(err)
	}
	p, err := quality.PSNR(ref, out.ToLinear())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The target: each Trident filter matches the PSNR of the same
// filter in x/image/draw or imaging within 0.05 dB (they differ only at the
// borders, which Trident clamps and the libraries renormalise).
func TestPSNRMatchesEcosystem(t *testing.T) {
	tri := func(name string) Contestant {
		u, err := upscale.New(name, upscale.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		return Trident(u)
	}
	pairs := []struct{ ours, theirs Contestant }{
		{tri("nearest"), XDraw("xdraw-nearest", draw.NearestNeighbor)},
		{tri("bilinear"), XDraw("xdraw-bilinear", draw.ApproxBiLinear)},
		{tri("bicubic"), XDraw("xdraw-catmullrom", draw.CatmullRom)},
		{tri("lanczos3"), Imaging("imaging-lanczos", imaging.Lanczos)},
	}
	for _, name := range []string{"chelsea.png", "camera.png"} {
		ref, low, err := LowRes(context.Background(), photo(t, name), 2, DegradeArea)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			a, b := psnrOf(t, p.ours, ref, low), psnrOf(t, p.theirs, ref, low)
			if math.Abs(a-b) > 0.05 {
				t.Errorf("%s: %s %.4f dB vs %s %.4f dB", name, p.ours.Name, a, p.theirs.Name, b)
			}
		}
	}
}

func TestLowResSizes(t *testing.T) {
	m := raster.New(451, 300, 3)
	for _, d := range Degradations() {
		for _, c := range []struct {
			scale        float64
			cw, ch, w, h int
		}{
			{2, 450, 300, 225, 150},
			{3, 450, 300, 150, 100},
			{1.5, 450, 300, 300, 200},
		} {
			crop, low, err := LowRes(context.Background(), m, c.scale, d)
			if err != nil {
				t.Fatal(err)
			}
			if crop.Width != c.cw || crop.Height != c.ch || low.Width != c.w || low.Height != c.h {
				t.Errorf("%s scale %g: crop %dx%d low %dx%d, want %dx%d and %dx%d", d, c.scale, crop.Width, crop.Height, low.Width, low.Height, c.cw, c.ch, c.w, c.h)
			}
		}
		if _, _, err := LowRes(context.Background(), raster.New(6, 6, 1), 2, d); err == nil {
			t.Errorf("%s: LowRes accepted a 6x6 image at scale 2", d)
		}
	}
	if _, _, err := LowRes(context.Background(), m, 2, "gaussian"); err == nil {
		t.Error("LowRes accepted an unknown degradation")
	}
}

// The bicubic degradation reduces the crop's 8-bit sRGB codes with
// upscale.BicubicDownscale; the area one averages linear light, so the two
// differ on a sharp edge (the cubic's negative lobes ring, the box does not).
func TestLowResBicubicIsImresizeOnCodes(t *testing.T) {
	m := raster.New(20, 10, 1)
	for y := 0; y < 10; y++ {
		for x := 10; x < 20; x++ {
			m.Planes[0][y*20+x] = raster.SRGB8ToLinear(200)
		}
		for x := 0; x < 10; x++ {
			m.Planes[0][y*20+x] = raster.SRGB8ToLinear(40)
		}
	}
	_, low, err := LowRes(context.Background(), m, 2, DegradeBicubic)
	if err != nil {
		t.Fatal(err)
	}
	want, err := upscale.BicubicDownscale(context.Background(), quantise(m.ToSRGB()), 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Planes[0] {
		if low.Planes[0][i] != v {
			t.Fatalf("pixel %d: %g, want %g", i, low.Planes[0][i], v)
		}
	}
	// Pixel 3 of a row sits just before the edge: bicubic undershoots
	// below 40, the area filter keeps it at 40.
	_, area, err := LowRes(context.Background(), m, 2, DegradeArea)
	if err != nil {
		t.Fatal(err)
	}
	if b, a := math.Round(float64(low.Planes[0][3])*255), math.Round(float64(area.Planes[0][3])*255); !(b < 40 && a == 40) {
		t.Errorf("before the edge: bicubic %g, area %g; want < 40 and 40", b, a)
	}
}

// LumaPSNRShaved leaves the border out and measures limited-range Y, so it
// is the full-range PSNR of the inside plus 20·log10(255/219).
func TestLumaPSNRShaved(t *testing.T) {
	const w, h, shave = 12, 10, 2
	ref := make([]float32, w*h)
	test := make([]float32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ref[y*w+x] = 0.5
			test[y*w+x] = 0.5
			if x < shave || y < shave || x >= w-shave || y >= h-shave {
				test[y*w+x] = 0 // ignored
			} else if (x+y)%2 == 0 {
				test[y*w+x] = 0.5 + 0.01
			} else {
				test[y*w+x] = 0.5 - 0.01
			}
		}
	}
	got, err := LumaPSNRShaved(ref, test, w, h, shave)
	if err != nil {
		t.Fatal(err)
	}
	want := -10*math.Log10(0.01*0.01) + 20*math.Log10(255.0/219)
	if math.Abs(got-want) > 1e-4 {
		t.Errorf("PSNR %.6f, want %.6f", got, want)
	}
	if p, _ := LumaPSNRShaved(ref, ref, w, h, shave); !math.IsInf(p, 1) {
		t.Errorf("identical planes: %g, want +Inf", p)
	}
	if _, err := LumaPSNRShaved(ref, test, w, h, 5); err == nil {
		t.Error("a border that leaves nothing: no error")
	}
	if _, err := LumaPSNRShaved(ref, test[:5], w, h, 1); err == nil {
		t.Error("planes of the wrong size: no error")
	}
	// On RGB images without shave it is quality.PSNRY + 20·log10(255/219).
	a, b := raster.New(w, h, 3), raster.New(w, h, 3)
	for c := range a.Planes {
		for i := range a.Planes[c] {
			a.Planes[c][i] = float32(i%7) / 9
			b.Planes[c][i] = float32((i+c)%5) / 7
		}
	}
	sh, err := PSNRYShaved(a, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	full, err := quality.PSNRY(a.ToLinear(), b.ToLinear())
	if err != nil {
		t.Fatal(err)
	}
	if d := sh - full - 20*math.Log10(255.0/219); math.Abs(d) > 1e-3 {
		t.Errorf("shaved-by-0 PSNR-Y %.5f, full-range %.5f: off by %.5f beyond the range change", sh, full, d)
	}
}

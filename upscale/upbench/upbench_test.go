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
		ref, low, err := LowRes(context.Background(), photo(t, name), 2)
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
	for _, c := range []struct {
		scale        float64
		cw, ch, w, h int
	}{
		{2, 450, 300, 225, 150},
		{3, 450, 300, 150, 100},
		{1.5, 450, 300, 300, 200},
	} {
		crop, low, err := LowRes(context.Background(), m, c.scale)
		if err != nil {
			t.Fatal(err)
		}
		if crop.Width != c.cw || crop.Height != c.ch || low.Width != c.w || low.Height != c.h {
			t.Errorf("scale %g: crop %dx%d low %dx%d, want %dx%d and %dx%d", c.scale, crop.Width, crop.Height, low.Width, low.Height, c.cw, c.ch, c.w, c.h)
		}
	}
	if _, _, err := LowRes(context.Background(), raster.New(6, 6, 1), 2); err == nil {
		t.Error("LowRes accepted a 6x6 image at scale 2")
	}
}

package quality

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// pair1080 builds a 1920×1080 reference by tiling astronaut.png and a test
// image from it with mild noise: the size of the benchmarks in
// docs/BENCHMARKS.md.
func pair1080(b *testing.B) (*raster.Image, *raster.Image) {
	b.Helper()
	src, err := raster.Load(filepath.Join(imagesDir, "astronaut.png"), 0)
	if err != nil {
		b.Skipf("shared images not available: %v", err)
	}
	const w, h = 1920, 1080
	ref := raster.New(w, h, 3)
	for c := range ref.Planes {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				ref.Set(c, x, y, src.At(c, x%src.Width, y%src.Height))
			}
		}
	}
	test := ref.Clone()
	rng := rand.New(rand.NewPCG(1, 1080))
	for _, p := range test.Planes {
		for i := range p {
			p[i] = min(max(p[i]+0.02*(rng.Float32()-0.5), 0), 1)
		}
	}
	return ref, test
}

func benchMetric(b *testing.B, f func(a, c *raster.Image) (float64, error)) {
	ref, test := pair1080(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f(ref, test); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ref.Width*ref.Height)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
}

func BenchmarkPSNR1080p(b *testing.B)   { benchMetric(b, PSNR) }
func BenchmarkPSNRY1080p(b *testing.B)  { benchMetric(b, PSNRY) }
func BenchmarkSSIM1080p(b *testing.B)   { benchMetric(b, SSIM) }
func BenchmarkMSSSIM1080p(b *testing.B) { benchMetric(b, MSSSIM) }
func BenchmarkFLIP1080p(b *testing.B)   { benchMetric(b, FLIP) }
func BenchmarkAll1080p(b *testing.B) {
	benchMetric(b, func(a, c *raster.Image) (float64, error) {
		s, err := All(a, c)
		return s.FLIP, err
	})
}

package upscale

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// BenchmarkUpscale1080pTo4K times every method enlarging 1920×1080 to
// 3840×2160 (the FSR 1 speed target), reporting output megapixels per second.
func BenchmarkUpscale1080pTo4K(b *testing.B) {
	src := scene(1920, 1080)
	for _, name := range Methods() {
		b.Run(name, func(b *testing.B) {
			u := mustNew(b, name)
			dst := raster.New(3840, 2160, 3)
			b.ReportAllocs()
			for b.Loop() {
				if err := u.Upscale(context.Background(), dst, src); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(3840*2160)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
		})
	}
}

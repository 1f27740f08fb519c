package upscale

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/internal/cputime"
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

// BenchmarkFSRPaths times FSR 1's stages at 1920×1080 → 3840×2160 with the
// portable scalar code and with the vector kernels (when the CPU has them),
// reporting output megapixels per second and the process's CPU seconds per
// run (all threads; steadier than wall time on a shared machine).
func BenchmarkFSRPaths(b *testing.B) {
	ctx := context.Background()
	src := scene(1920, 1080)
	mid := raster.New(3840, 2160, 3)
	if err := easu(ctx, mid, src, fsrKernels()); err != nil {
		b.Fatal(err)
	}
	paths := []struct {
		name string
		k    *fsrSIMD
	}{{"scalar", nil}}
	if k := fsrKernels(); k != nil {
		paths = append(paths, struct {
			name string
			k    *fsrSIMD
		}{"avx2", k})
	}
	stages := []struct {
		name string
		run  func(dst *raster.Image, k *fsrSIMD) error
	}{
		{"easu", func(dst *raster.Image, k *fsrSIMD) error { return easu(ctx, dst, src, k) }},
		{"rcas", func(dst *raster.Image, k *fsrSIMD) error { return rcas(ctx, dst, mid, DefaultFSRSharpness, false, k) }},
		{"fsr1", func(dst *raster.Image, k *fsrSIMD) error { return fsr1(ctx, dst, src, DefaultFSRSharpness, false, k) }},
	}
	for _, s := range stages {
		for _, p := range paths {
			b.Run(s.name+"/"+p.name, func(b *testing.B) {
				dst := raster.New(3840, 2160, 3)
				b.ReportAllocs()
				cpu0 := cputime.Process()
				for b.Loop() {
					if err := s.run(dst, p.k); err != nil {
						b.Fatal(err)
					}
				}
				if cpu0 >= 0 {
					b.ReportMetric((cputime.Process()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				}
				b.ReportMetric(float64(3840*2160)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MP/s")
			})
		}
	}
}

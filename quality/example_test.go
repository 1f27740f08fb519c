package quality_test

import (
	"fmt"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
)

// Two flat grey images whose sRGB values differ by 0.1: PSNR is
// 10·log10(1/0.1²) = 20 dB; with no structure SSIM is its luminance term
// alone; ꟻLIP sees L* 53.39 against 63.22, so 9.83^0.7 · 0.95 / (0.4 · 41.27)
// ≈ 0.285.
func ExampleAll() {
	ref, test := raster.New(200, 200, 3), raster.New(200, 200, 3)
	for c := 0; c < 3; c++ {
		for i := range ref.Planes[c] {
			ref.Planes[c][i] = raster.SRGBToLinear(0.5)
			test.Planes[c][i] = raster.SRGBToLinear(0.6)
		}
	}
	s, err := quality.All(ref, test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("PSNR %.2f dB, PSNR-Y %.2f dB, SSIM %.4f, MS-SSIM %.4f, FLIP %.3f\n", s.PSNR, s.PSNRY, s.SSIM, s.MSSSIM, s.FLIP)
	// Output:
	// PSNR 20.00 dB, PSNR-Y 20.00 dB, SSIM 0.9836, MS-SSIM 0.9978, FLIP 0.285
}

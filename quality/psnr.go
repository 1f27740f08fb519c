package quality

import (
	"math"

	"github.com/trident-lab/trident/raster"
)

// PSNR returns the peak signal-to-noise ratio of test against ref in dB,
// over all colour samples sRGB-encoded and clamped to [0,1] (peak 1).
func PSNR(ref, test *raster.Image) (float64, error) {
	p, err := prepare(ref, test)
	if err != nil {
		return 0, err
	}
	return psnr(p.ref, p.test), nil
}

// PSNRY returns the PSNR in dB of the full-range BT.601 luma
// Y' = 0.299R' + 0.587G' + 0.114B' of the sRGB-encoded images (for grey
// images, the grey value).
func PSNRY(ref, test *raster.Image) (float64, error) {
	p, err := prepare(ref, test)
	if err != nil {
		return 0, err
	}
	return psnr([][]float32{lumaY(p.ref)}, [][]float32{lumaY(p.test)}), nil
}

func psnr(a, b [][]float32) float64 {
	var sum float64
	n := 0
	for c := range a {
		for i, v := range a[c] {
			d := float64(v) - float64(b[c][i])
			sum += d * d
		}
		n += len(a[c])
	}
	mse := sum / float64(n)
	if mse == 0 {
		return math.Inf(1)
	}
	return -10 * math.Log10(mse)
}

// lumaY is BT.601 Y' of sRGB-encoded planes; grey planes pass through.
func lumaY(planes [][]float32) []float32 {
	if len(planes) == 1 {
		return planes[0]
	}
	r, g, b := planes[0], planes[1], planes[2]
	y := make([]float32, len(r))
	for i := range y {
		y[i] = float32(0.299*float64(r[i]) + 0.587*float64(g[i]) + 0.114*float64(b[i]))
	}
	return y
}

// Package quality measures how far a test image is from a reference: PSNR,
// PSNR on luma, SSIM, MS-SSIM and NVIDIA's ꟻLIP, the metrics Trident's
// upscalers are judged by.
//
// API summary (all take two raster.Image of the same size; alpha is ignored;
// a grey image compared with a colour one is treated as R = G = B):
//
//   - [PSNR]: 10·log10(1/MSE) over the R', G', B' (or grey) samples,
//     sRGB-encoded and clamped to [0,1], like skimage's
//     peak_signal_noise_ratio on 8-bit images with data_range 255. +Inf for
//     identical images.
//   - [PSNRY]: the same on full-range BT.601 luma Y' = 0.299R' + 0.587G' +
//     0.114B' (on sRGB-encoded values, [0,1]). Super-resolution papers that
//     use MATLAB's rgb2ycbcr (studio range, Y' in [16,235]/255) report
//     exactly 20·log10(255/219) ≈ 1.3246 dB more for the same images.
//   - [SSIM]: Wang et al. 2004 with an 11×11 Gaussian window, σ = 1.5,
//     K1 = 0.01, K2 = 0.03, L = 1, population (not sample) statistics, mean
//     over the positions where the window lies wholly inside the image,
//     per channel on sRGB-encoded values, then averaged over channels — as
//     skimage.metrics.structural_similarity(gaussian_weights=True,
//     sigma=1.5, use_sample_covariance=False, data_range=1, channel_axis=-1).
//   - [MSSSIM]: Wang, Simoncelli & Bovik 2003, five scales with weights
//     0.0448, 0.2856, 0.3001, 0.2363, 0.1333, the same window, 2×2 average
//     downsampling (an odd last row/column dropped), negative terms clamped
//     to 0, per channel then averaged (as TensorFlow's ssim_multiscale).
//     Needs at least 176 pixels on the shorter side.
//   - [FLIP]: mean of the LDR-ꟻLIP error map ([FLIPMap]) of Andersson et
//     al. 2020 at 67 pixels per degree (0.7 m from a 0.7 m wide 3840-pixel
//     monitor), on the images clamped to [0,1]; 0 = identical, 1 = worst.
//   - [All] computes every metric into [Scores].
package quality

import (
	"errors"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// Scores holds every metric of one reference/test pair. MSSSIM is NaN when
// the images are too small for five scales.
type Scores struct {
	PSNR   float64 // dB over sRGB-encoded R', G', B'; +Inf when identical
	PSNRY  float64 // dB over full-range BT.601 luma Y'
	SSIM   float64 // mean SSIM over channels, in [-1, 1]
	MSSSIM float64 // five-scale MS-SSIM, in [0, 1]
	FLIP   float64 // mean LDR-ꟻLIP error, in [0, 1]
}

// ErrTooSmall is wrapped by the error a metric returns when the images are
// smaller than its window needs.
var ErrTooSmall = errors.New("image too small for the metric")

// All computes every metric of test against ref.
func All(ref, test *raster.Image) (Scores, error) {
	p, err := prepare(ref, test)
	if err != nil {
		return Scores{}, err
	}
	s := Scores{
		PSNR:  psnr(p.ref, p.test),
		PSNRY: psnr([][]float32{lumaY(p.ref)}, [][]float32{lumaY(p.test)}),
	}
	if s.SSIM, err = ssim(p); err != nil {
		return Scores{}, err
	}
	s.MSSSIM, err = msssim(p)
	if errors.Is(err, ErrTooSmall) {
		s.MSSSIM = math.NaN()
	} else if err != nil {
		return Scores{}, err
	}
	s.FLIP = mean(flipMap(ref, test, DefaultPPD))
	return s, nil
}

// pair is a reference and a test image as sRGB-encoded planes clamped to
// [0,1], with the same number of planes (1 or 3).
type pair struct {
	w, h      int
	ref, test [][]float32
}

func prepare(ref, test *raster.Image) (pair, error) {
	if err := checkPair(ref, test); err != nil {
		return pair{}, err
	}
	channels := max(ref.ColourChannels(), test.ColourChannels())
	return pair{w: ref.Width, h: ref.Height, ref: encode(ref, channels), test: encode(test, channels)}, nil
}

// checkPair reports whether ref and test are well formed and of one size.
func checkPair(ref, test *raster.Image) error {
	if err := ref.Check(); err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	if err := test.Check(); err != nil {
		return fmt.Errorf("test: %w", err)
	}
	if ref.Width != test.Width || ref.Height != test.Height {
		return fmt.Errorf("reference is %dx%d but test is %dx%d", ref.Width, ref.Height, test.Width, test.Height)
	}
	return nil
}

// encode returns m's colour planes sRGB-encoded and clamped to [0,1], grey
// replicated when channels is 3. A value decoded from an 8-bit code k maps
// back to exactly k/255 through a table, as the metrics of other tools see
// it; any other value goes through the exact curve.
func encode(m *raster.Image, channels int) [][]float32 {
	n := m.ColourChannels()
	planes := make([][]float32, channels)
	for c := 0; c < n; c++ {
		src := m.Planes[c]
		dst := make([]float32, len(src))
		parallelRows(m.Height, func(lo, hi int) {
			for i := lo * m.Width; i < hi*m.Width; i++ {
				v := min(max(src[i], 0), 1)
				if k := raster.LinearToSRGB8(v); raster.SRGB8ToLinear(k) == v {
					dst[i] = float32(k) / 255
				} else {
					dst[i] = raster.LinearToSRGB(v)
				}
			}
		})
		planes[c] = dst
	}
	for c := n; c < channels; c++ {
		planes[c] = planes[0]
	}
	return planes
}

func mean(p []float32) float64 {
	var s float64
	for _, v := range p {
		s += float64(v)
	}
	return s / float64(len(p))
}

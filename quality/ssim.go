package quality

import (
	"fmt"
	"math"
	"sync"

	"github.com/trident-lab/trident/raster"
)

// SSIM constants of Wang et al. 2004.
const (
	ssimWindow = 11
	ssimRadius = ssimWindow / 2
	ssimSigma  = 1.5
	ssimK1     = 0.01
	ssimK2     = 0.03
	ssimC1     = (ssimK1 * 1) * (ssimK1 * 1) // L = 1: values are in [0,1]
	ssimC2     = (ssimK2 * 1) * (ssimK2 * 1)
)

// msssimWeights are the exponents of the five scales of MS-SSIM (Wang,
// Simoncelli & Bovik 2003), finest first.
var msssimWeights = [...]float64{0.0448, 0.2856, 0.3001, 0.2363, 0.1333}

// gaussianWindow is the normalised 1-D Gaussian whose outer product is the
// 11×11 SSIM window.
func gaussianWindow() [ssimWindow]float64 {
	var g [ssimWindow]float64
	var sum float64
	for i := range g {
		x := float64(i - ssimRadius)
		g[i] = math.Exp(-x * x / (2 * ssimSigma * ssimSigma))
		sum += g[i]
	}
	for i := range g {
		g[i] /= sum
	}
	return g
}

// SSIM returns the mean structural similarity of test against ref: per
// channel on sRGB-encoded values in [0,1], averaged over channels. Both
// sides must be at least 11 pixels.
func SSIM(ref, test *raster.Image) (float64, error) {
	p, err := prepare(ref, test)
	if err != nil {
		return 0, err
	}
	return ssim(p)
}

func ssim(p pair) (float64, error) {
	if p.w < ssimWindow || p.h < ssimWindow {
		return 0, fmt.Errorf("SSIM: %w: %dx%d, need at least %dx%d", ErrTooSmall, p.w, p.h, ssimWindow, ssimWindow)
	}
	var total float64
	for c := range p.ref {
		s, _ := ssimStats(p.ref[c], p.test[c], p.w, p.h)
		total += s
	}
	return total / float64(len(p.ref)), nil
}

// MSSSIM returns the five-scale MS-SSIM of test against ref, per channel on
// sRGB-encoded values, averaged over channels. The shorter side must be at
// least 176 pixels, so that the coarsest scale still holds a window.
func MSSSIM(ref, test *raster.Image) (float64, error) {
	p, err := prepare(ref, test)
	if err != nil {
		return 0, err
	}
	return msssim(p)
}

func msssim(p pair) (float64, error) {
	need := ssimWindow << (len(msssimWeights) - 1)
	if p.w < need || p.h < need {
		return 0, fmt.Errorf("MS-SSIM: %w: %dx%d, need at least %dx%d", ErrTooSmall, p.w, p.h, need, need)
	}
	var total float64
	for c := range p.ref {
		x, y, w, h := p.ref[c], p.test[c], p.w, p.h
		value := 1.0
		for scale, weight := range msssimWeights {
			s, cs := ssimStats(x, y, w, h)
			if scale == len(msssimWeights)-1 {
				value *= math.Pow(max(s, 0), weight)
				break
			}
			value *= math.Pow(max(cs, 0), weight)
			x, _, _ = halve(x, w, h)
			y, w, h = halve(y, w, h)
		}
		total += value
	}
	return total / float64(len(p.ref)), nil
}

// halve averages 2×2 blocks, dropping an odd last row or column.
func halve(src []float32, w, h int) ([]float32, int, int) {
	hw, hh := w/2, h/2
	dst := make([]float32, hw*hh)
	for y := 0; y < hh; y++ {
		r0, r1 := src[2*y*w:], src[(2*y+1)*w:]
		for x := 0; x < hw; x++ {
			dst[y*hw+x] = (r0[2*x] + r0[2*x+1] + r1[2*x] + r1[2*x+1]) / 4
		}
	}
	return dst, hw, hh
}

// ssimStats returns the mean SSIM and the mean contrast-structure term cs
// over every position where the 11×11 window lies inside the w×h planes.
//
// The window is separable, so each band of output rows keeps a ring of the
// last 11 horizontally filtered rows of x, y, x², y² and xy and filters them
// vertically: memory stays at a few rows per CPU, whatever the image size.
// Everything is float64: the variances are differences of nearly equal
// moments and lose too many digits in float32.
func ssimStats(x, y []float32, w, h int) (meanSSIM, meanCS float64) {
	g := gaussianWindow()
	ow, oh := w-ssimWindow+1, h-ssimWindow+1
	var mu sync.Mutex
	var sumS, sumCS float64
	parallelRows(oh, func(lo, hi int) {
		var ring [ssimWindow][5][]float64
		for r := range ring {
			for q := range ring[r] {
				ring[r][q] = make([]float64, ow)
			}
		}
		var prod [5][]float64 // x, y, x², y², xy of one input row
		for q := range prod {
			prod[q] = make([]float64, w)
		}
		var acc [5][]float64 // vertical sums of one output row
		for q := range acc {
			acc[q] = make([]float64, ow)
		}
		filterRow := func(row int) {
			xr, yr := x[row*w:(row+1)*w], y[row*w:(row+1)*w]
			for j := range xr {
				a, b := float64(xr[j]), float64(yr[j])
				prod[0][j], prod[1][j], prod[2][j], prod[3][j], prod[4][j] = a, b, a*a, b*b, a*b
			}
			dst := &ring[row%ssimWindow]
			for q := range prod {
				src, out := prod[q], dst[q]
				for j := range out {
					s := src[j : j+ssimWindow : j+ssimWindow]
					out[j] = g[0]*s[0] + g[1]*s[1] + g[2]*s[2] + g[3]*s[3] + g[4]*s[4] + g[5]*s[5] +
						g[6]*s[6] + g[7]*s[7] + g[8]*s[8] + g[9]*s[9] + g[10]*s[10]
				}
			}
		}
		for row := lo; row < lo+ssimWindow-1; row++ {
			filterRow(row)
		}
		var bandS, bandCS float64
		for oy := lo; oy < hi; oy++ {
			filterRow(oy + ssimWindow - 1)
			for q := range acc {
				clear(acc[q])
			}
			for k, gk := range g {
				r := &ring[(oy+k)%ssimWindow]
				for q := range acc {
					a, src := acc[q], r[q]
					for j := range a {
						a[j] += gk * src[j]
					}
				}
			}
			mxs, mys, mxxs, myys, mxys := acc[0], acc[1], acc[2], acc[3], acc[4]
			for j, mx := range mxs {
				my := mys[j]
				vx, vy, cxy := mxxs[j]-mx*mx, myys[j]-my*my, mxys[j]-mx*my
				cs := (2*cxy + ssimC2) / (vx + vy + ssimC2)
				bandCS += cs
				bandS += (2*mx*my + ssimC1) / (mx*mx + my*my + ssimC1) * cs
			}
		}
		mu.Lock()
		sumS += bandS
		sumCS += bandCS
		mu.Unlock()
	})
	n := float64(ow * oh)
	return sumS / n, sumCS / n
}

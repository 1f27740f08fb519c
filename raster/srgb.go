package raster

import (
	"math"
	"sync"
)

// SRGBToLinear decodes one sRGB-encoded value with the exact piecewise curve
// of IEC 61966-2-1: v/12.92 up to 0.04045, ((v+0.055)/1.055)^2.4 above.
// Negative inputs follow the linear segment.
func SRGBToLinear(v float32) float32 { return float32(srgbToLinear64(float64(v))) }

// LinearToSRGB encodes one linear-light value with the exact piecewise curve
// of IEC 61966-2-1: 12.92v up to 0.0031308, 1.055 v^(1/2.4) - 0.055 above.
// Negative inputs follow the linear segment.
func LinearToSRGB(v float32) float32 { return float32(linearToSRGB64(float64(v))) }

func srgbToLinear64(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func linearToSRGB64(v float64) float64 {
	if v <= 0.0031308 {
		return v * 12.92
	}
	// v^(1/2.4) = v^(5/12) = ∛v · (∛v)^(1/4): the same value to within an
	// ulp or two of float64, three times faster than math.Pow.
	c := math.Cbrt(v)
	return 1.055*c*math.Sqrt(math.Sqrt(c)) - 0.055
}

// srgb8 maps an 8-bit sRGB code to linear light: 256 calls to the exact curve.
var srgb8 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(srgbToLinear64(float64(i) / 255))
	}
	return t
}()

// SRGB8ToLinear decodes an 8-bit sRGB code to linear light (table lookup,
// identical to SRGBToLinear(float32(b)/255) computed in float64).
func SRGB8ToLinear(b uint8) float32 { return srgb8[b] }

// srgb16 is the 16-bit decoding table, built on first use (256 KiB).
var srgb16 = sync.OnceValue(func() []float32 {
	t := make([]float32, 65536)
	for i := range t {
		t[i] = float32(srgbToLinear64(float64(i) / 65535))
	}
	return t
})

// SRGB16ToLinear decodes a 16-bit sRGB code to linear light (table lookup).
func SRGB16ToLinear(v uint16) float32 { return srgb16()[v] }

// encode8 holds the decision thresholds of 8-bit sRGB encoding in linear
// light: code k+1 starts where the exact curve crosses (k+0.5)/255. A coarse
// index over [0,1] lands within a couple of thresholds of the answer, so
// encoding costs a lookup and a short scan instead of a pow.
type encode8Table struct {
	threshold [255]float64
	start     [encodeBuckets + 1]uint8
}

const encodeBuckets = 4096

var encode8 = func() *encode8Table {
	t := new(encode8Table)
	for k := range t.threshold {
		t.threshold[k] = srgbToLinear64((float64(k) + 0.5) / 255)
	}
	k := 0
	for b := range t.start {
		lo := float64(b) / encodeBuckets
		for k < len(t.threshold) && t.threshold[k] <= lo {
			k++
		}
		t.start[b] = uint8(k)
	}
	return t
}()

// LinearToSRGB8 encodes a linear-light value to the nearest 8-bit sRGB code,
// clamping to [0,1] first (NaN gives 0). It equals
// round(255*LinearToSRGB(v)) evaluated exactly.
func LinearToSRGB8(v float32) uint8 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 255
	}
	x := float64(v)
	k := int(encode8.start[int(x*encodeBuckets)])
	for k < len(encode8.threshold) && x >= encode8.threshold[k] {
		k++
	}
	return uint8(k)
}

// LinearToSRGB16 encodes a linear-light value to the nearest 16-bit sRGB
// code, clamping to [0,1] first (NaN gives 0).
func LinearToSRGB16(v float32) uint16 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 65535
	}
	return uint16(math.Round(65535 * linearToSRGB64(float64(v))))
}

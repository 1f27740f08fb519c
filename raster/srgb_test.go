package raster

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSRGBCurveKnownValues(t *testing.T) {
	tests := []struct {
		srgb, linear float64
	}{
		{0, 0},
		{1, 1},
		{0.04045, 0.04045 / 12.92},
		{0.5, 0.21404114048223255},
		{128.0 / 255, 0.21586050011389926},
		{10.0 / 255, 0.0030352698354883752},
	}
	for _, tt := range tests {
		if got := float64(SRGBToLinear(float32(tt.srgb))); math.Abs(got-tt.linear) > 1e-7 {
			t.Errorf("SRGBToLinear(%v) = %v, want %v", tt.srgb, got, tt.linear)
		}
		if got := float64(LinearToSRGB(float32(tt.linear))); math.Abs(got-tt.srgb) > 1e-6 {
			t.Errorf("LinearToSRGB(%v) = %v, want %v", tt.linear, got, tt.srgb)
		}
	}
}

func TestSRGBCurveContinuousAtBreakpoints(t *testing.T) {
	// The two pieces of each curve meet within float64 noise of the
	// published breakpoints; a wrong constant would show as a step.
	below, above := srgbToLinear64(0.04045), math.Pow((0.04045+0.055)/1.055, 2.4)
	if math.Abs(below-above) > 1e-7 {
		t.Errorf("decode step at 0.04045: %v vs %v", below, above)
	}
	below, above = 0.0031308*12.92, 1.055*math.Pow(0.0031308, 1/2.4)-0.055
	if math.Abs(below-above) > 1e-7 {
		t.Errorf("encode step at 0.0031308: %v vs %v", below, above)
	}
}

func TestLinearToSRGBMatchesPow(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		v := 0.0031308 + rng.Float64()*(1.5-0.0031308)
		want := 1.055*math.Pow(v, 1/2.4) - 0.055
		if got := linearToSRGB64(v); math.Abs(got-want) > 2e-15 {
			t.Fatalf("linearToSRGB64(%v) = %v, math.Pow gives %v", v, got, want)
		}
	}
}

func TestSRGB8TableRoundTrip(t *testing.T) {
	for i := 0; i < 256; i++ {
		lin := SRGB8ToLinear(uint8(i))
		if want := float32(srgbToLinear64(float64(i) / 255)); lin != want {
			t.Fatalf("SRGB8ToLinear(%d) = %v, want %v", i, lin, want)
		}
		if back := LinearToSRGB8(lin); back != uint8(i) {
			t.Fatalf("LinearToSRGB8(SRGB8ToLinear(%d)) = %d", i, back)
		}
	}
}

// TestLinearToSRGB8MatchesFormula checks the threshold table against the
// slow obviously-correct route: round(255 * exact curve).
func TestLinearToSRGB8MatchesFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(v float32) {
		want := 0.0
		switch {
		case v >= 1:
			want = 255
		case v > 0:
			want = math.Round(255 * linearToSRGB64(float64(v)))
		}
		if got := LinearToSRGB8(v); float64(got) != want {
			// Only a value within float64 noise of a rounding midpoint may differ.
			if e := 255 * linearToSRGB64(float64(v)); math.Abs(e-math.Floor(e)-0.5) > 1e-9 {
				t.Fatalf("LinearToSRGB8(%v) = %d, want %v", v, got, want)
			}
		}
	}
	for i := 0; i < 200000; i++ {
		check(rng.Float32())
		check(rng.Float32() * 0.01) // the dense low end
	}
	for _, v := range []float32{-1, 0, 1e-9, 0.0031308, 0.5, 0.999999, 1, 2, float32(math.NaN()), float32(math.Inf(1))} {
		check(v)
	}
	if LinearToSRGB8(float32(math.NaN())) != 0 {
		t.Error("NaN should encode to 0")
	}
}

func TestSRGB16RoundTrip(t *testing.T) {
	for i := 0; i < 65536; i += 7 {
		if back := LinearToSRGB16(SRGB16ToLinear(uint16(i))); back != uint16(i) {
			t.Fatalf("16-bit round trip of %d gave %d", i, back)
		}
	}
}

func BenchmarkLinearToSRGB8(b *testing.B) {
	vals := make([]float32, 4096)
	for i := range vals {
		vals[i] = float32(i) / 4096
	}
	b.ResetTimer()
	var sink uint8
	for i := 0; i < b.N; i++ {
		for _, v := range vals {
			sink += LinearToSRGB8(v)
		}
	}
	_ = sink
}

func BenchmarkLinearToSRGB8Pow(b *testing.B) {
	vals := make([]float32, 4096)
	for i := range vals {
		vals[i] = float32(i) / 4096
	}
	b.ResetTimer()
	var sink uint8
	for i := 0; i < b.N; i++ {
		for _, v := range vals {
			sink += uint8(math.Round(255 * linearToSRGB64(float64(v))))
		}
	}
	_ = sink
}

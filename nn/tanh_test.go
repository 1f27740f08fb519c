package nn

import (
	"math"
	"testing"
)

// TestTanh32 compares tanh32 with float32(math.Tanh) on a dense sweep and
// at the branch points: at most one ulp apart, and almost always equal.
func TestTanh32(t *testing.T) {
	differ, total := 0, 0
	check := func(v float32) {
		if v != v {
			return
		}
		total++
		want := float32(math.Tanh(float64(v)))
		got := tanh32(v)
		if got == want {
			return
		}
		differ++
		if math.Float32bits(got) != math.Float32bits(want)+1 && math.Float32bits(got)+1 != math.Float32bits(want) {
			t.Fatalf("tanh32(%g) = %g, want %g", v, got, want)
		}
	}
	for v := float32(-12); v <= 12; v += 1.0 / 4096 {
		check(v)
	}
	for _, v := range []float32{0, 1e-30, -1e-30, 1e-8, 0.49999997, 0.5, 0.50000006, 9.0999, 9.1, 100, -100,
		float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32} {
		check(v)
	}
	for b := uint32(0); b < 1<<31; b += 1<<31/200000 + 7 { // positive floats of every exponent
		check(math.Float32frombits(b))
		check(-math.Float32frombits(b))
	}
	if differ*1000 > total {
		t.Errorf("%d of %d values differ from math.Tanh by an ulp", differ, total)
	}
	if got := tanh32(float32(math.NaN())); got == got {
		t.Errorf("tanh32(NaN) = %g", got)
	}
}

// TestTanhSlice checks the vector path (and its scalar tail) the same way:
// within one ulp of float32(math.Tanh), equal almost always, NaN and the
// infinities handled, for lengths that are and are not multiples of four.
func TestTanhSlice(t *testing.T) {
	var src []float32
	for v := float32(-12); v <= 12; v += 1.0 / 4096 {
		src = append(src, v)
	}
	for b := uint32(0); b < 0x7f800000; b += 0x7f800000/100000 + 3 {
		src = append(src, math.Float32frombits(b), -math.Float32frombits(b))
	}
	src = append(src, float32(math.Inf(1)), float32(math.Inf(-1)), 0, 1e-30, 9.1, -9.1, 0.5)
	for _, n := range []int{len(src), len(src) - 1, len(src) - 2, len(src) - 3, 3, 0} {
		dst := make([]float32, n)
		tanhSlice(dst, src[:n])
		differ := 0
		for i, v := range src[:n] {
			want := float32(math.Tanh(float64(v)))
			if dst[i] == want {
				continue
			}
			differ++
			if d := int64(math.Float32bits(dst[i])) - int64(math.Float32bits(want)); d != 1 && d != -1 {
				t.Fatalf("n=%d: tanh(%g) = %g, want %g", n, v, dst[i], want)
			}
		}
		if differ*1000 > max(n, 1) {
			t.Errorf("n=%d: %d values differ from math.Tanh by an ulp", n, differ)
		}
	}
	nan := []float32{float32(math.NaN()), 1, float32(math.NaN()), -1, float32(math.NaN())}
	out := make([]float32, len(nan))
	tanhSlice(out, nan)
	for i, v := range out {
		if (v != v) != (nan[i] != nan[i]) {
			t.Errorf("tanhSlice(%v)[%d] = %v", nan, i, v)
		}
	}
}

// BenchmarkTanh compares tanh32 with the float64 library call it replaces.
func BenchmarkTanh(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i-2048) / 512
	}
	out := make([]float32, len(xs))
	b.Run("tanh32", func(b *testing.B) {
		for b.Loop() {
			for i, v := range xs {
				out[i] = tanh32(v)
			}
		}
	})
	b.Run("tanhSlice", func(b *testing.B) {
		for b.Loop() {
			tanhSlice(out, xs)
		}
	})
	b.Run("math.Tanh", func(b *testing.B) {
		for b.Loop() {
			for i, v := range xs {
				out[i] = float32(math.Tanh(float64(v)))
			}
		}
	})
}

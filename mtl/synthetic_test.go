package mtl

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSyntheticTaskVectors(t *testing.T) {
	for _, tc := range []struct{ p, c float64 }{
		{1, 1}, {0.9, 1}, {0.5, 1}, {0, 1}, {-0.5, 1}, {0.7, 3},
	} {
		cfg := SyntheticConfig{Dim: 100, P: tc.p, C: tc.c, M: 10}
		st := newSyntheticTasks(rand.New(rand.NewPCG(7, 1)), cfg)
		n1, n2 := math.Sqrt(dot(st.w1, st.w1)), math.Sqrt(dot(st.w2, st.w2))
		if math.Abs(n1-tc.c) > 1e-12 || math.Abs(n2-tc.c) > 1e-12 {
			t.Errorf("p=%g c=%g: |w1| = %g, |w2| = %g, want c", tc.p, tc.c, n1, n2)
		}
		if cos := dot(st.w1, st.w2) / (n1 * n2); math.Abs(cos-tc.p) > 1e-12 {
			t.Errorf("p=%g c=%g: cos(w1, w2) = %.15f, want p", tc.p, tc.c, cos)
		}
		if len(st.alpha) != 10 || len(st.beta) != 10 {
			t.Errorf("p=%g: %d α and %d β, want m = 10 each", tc.p, len(st.alpha), len(st.beta))
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestSyntheticLabels checks the generated rows against the definition:
// the targets are the noise-free labels plus noise of variance 0.01, the
// inputs are standard normal, and a seed gives the same inputs and the
// same task 1 at every correlation (w1 = c·u1 does not depend on p).
func TestSyntheticLabels(t *testing.T) {
	const rows, dim = 4000, 100
	var first *Dataset
	for _, p := range []float64{1, 0.5} {
		cfg := SyntheticConfig{Rows: rows, Dim: dim, P: p, C: 1, M: 10, Seed: 11}
		d, err := Synthetic(cfg)
		if err != nil {
			t.Fatal(err)
		}
		st := newSyntheticTasks(rand.New(rand.NewPCG(cfg.Seed, 0x3a3a)), cfg)
		var xs, xss float64
		for _, v := range d.Dense {
			xs += float64(v)
			xss += float64(v) * float64(v)
		}
		nx := float64(len(d.Dense))
		if m, v := xs/nx, xss/nx-(xs/nx)*(xs/nx); math.Abs(m) > 0.01 || math.Abs(v-1) > 0.02 {
			t.Errorf("p=%g: inputs have mean %g and variance %g, want 0 and 1", p, m, v)
		}
		for task, w := range [][]float64{st.w1, st.w2} {
			var s, ss float64
			for r := 0; r < rows; r++ {
				e := float64(d.Targets[task][r]) - st.label(w, d.Dense[r*dim:(r+1)*dim])
				s += e
				ss += e * e
			}
			m, v := s/rows, ss/rows-(s/rows)*(s/rows)
			if math.Abs(m) > 0.01 || math.Abs(v-0.01) > 0.001 {
				t.Errorf("p=%g task %d: noise mean %g variance %g, want 0 and 0.01", p, task+1, m, v)
			}
		}
		if first == nil {
			first = d
			continue
		}
		for i := range d.Dense {
			if d.Dense[i] != first.Dense[i] {
				t.Fatalf("p=%g: input %d differs from p=1's with the same seed", p, i)
			}
		}
		for r := range d.Targets[0] {
			if d.Targets[0][r] != first.Targets[0][r] {
				t.Fatalf("p=%g: task 1 row %d differs from p=1's with the same seed", p, r)
			}
		}
	}
}

// TestSyntheticLabelCorrelation checks that the Pearson correlation of the
// labels rises with p and is about 1 at p = 1, as in the paper's section 3.2.
func TestSyntheticLabelCorrelation(t *testing.T) {
	prev := -2.0
	for _, p := range []float64{0, 0.5, 0.9, 1} {
		d, err := Synthetic(SyntheticConfig{Rows: 3000, Dim: 100, P: p, C: 1, M: 10, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		c := pearson(d.Targets[0], d.Targets[1])
		if c <= prev {
			t.Errorf("label correlation %g at p=%g is not above %g at the previous p", c, p, prev)
		}
		prev = c
		if p == 1 && c < 0.98 {
			t.Errorf("p=1 labels correlate %g, want about 1", c)
		}
		if p == 0 && math.Abs(c) > 0.2 {
			t.Errorf("p=0 labels correlate %g, want about 0", c)
		}
	}
}

func TestSyntheticBadConfig(t *testing.T) {
	good := SyntheticConfig{Rows: 10, Dim: 5, P: 0.5, C: 1, M: 2}
	for _, tc := range []struct {
		name string
		edit func(*SyntheticConfig)
	}{
		{"no rows", func(c *SyntheticConfig) { c.Rows = 0 }},
		{"dim 1", func(c *SyntheticConfig) { c.Dim = 1 }},
		{"p above 1", func(c *SyntheticConfig) { c.P = 1.5 }},
		{"p below -1", func(c *SyntheticConfig) { c.P = -2 }},
		{"c zero", func(c *SyntheticConfig) { c.C = 0 }},
		{"negative m", func(c *SyntheticConfig) { c.M = -1 }},
	} {
		cfg := good
		tc.edit(&cfg)
		if _, err := Synthetic(cfg); err == nil || !strings.Contains(err.Error(), "synthetic") {
			t.Errorf("%s: error %v, want one about synthetic data", tc.name, err)
		}
	}
}

func pearson(a, b []float32) float64 {
	var ma, mb float64
	for i := range a {
		ma += float64(a[i])
		mb += float64(b[i])
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		x, y := float64(a[i])-ma, float64(b[i])-mb
		sab += x * y
		saa += x * x
		sbb += y * y
	}
	return sab / math.Sqrt(saa*sbb)
}

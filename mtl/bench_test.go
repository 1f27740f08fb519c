package mtl

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestMeanCI95(t *testing.T) {
	for _, tc := range []struct {
		xs         []float64
		mean, half float64
	}{
		// sd 1.5811, t(0.975, 4) = 2.7764: 2.7764·1.5811/√5.
		{[]float64{1, 2, 3, 4, 5}, 3, 1.963243},
		// sd 0.7071, t(0.975, 1) = 12.7062: 12.7062·0.7071/√2.
		{[]float64{2, 3}, 2.5, 6.353102},
		{[]float64{4}, 4, 0},
		{[]float64{7, 7, 7}, 7, 0},
	} {
		m, h := MeanCI95(tc.xs)
		if math.Abs(m-tc.mean) > 1e-12 || math.Abs(h-tc.half) > 1e-5 {
			t.Errorf("MeanCI95(%v) = %g ± %g, want %g ± %g", tc.xs, m, h, tc.mean, tc.half)
		}
	}
}

func TestPairedDiff(t *testing.T) {
	m, h, err := PairedDiff([]float64{3, 5, 7}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	wm, wh := MeanCI95([]float64{2, 3, 4})
	if m != wm || h != wh {
		t.Errorf("PairedDiff = %g ± %g, want %g ± %g", m, h, wm, wh)
	}
	if _, _, err := PairedDiff([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("PairedDiff of 2 and 1 runs: no error")
	}
}

// TestSyntheticConfigSizes checks the paper's size matching: the weights of
// the shared part and the tower layers number 100·16·8 + 16·8·2 = 13056 in
// the mixtures and 113·(100 + 8·2) = 13108 in shared-bottom.
func TestSyntheticConfigSizes(t *testing.T) {
	d, err := Synthetic(SyntheticConfig{Rows: 4, Dim: 100, P: 0.5, C: 1, M: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for arch, want := range map[string]int{"shared-bottom": 13108, "moe": 13056, "mmoe": 13056} {
		n, err := NewNetwork(SyntheticConfigFor(arch), d, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, name := range n.Params.Names() {
			if strings.HasSuffix(name, "/w") && !strings.Contains(name, "gate") && !strings.Contains(name, "/out/") {
				got += len(n.Params.Get(name).Data)
			}
		}
		if got != want {
			t.Errorf("%s: %d weights in the shared part and tower layers, want %d", arch, got, want)
		}
	}
}

// The documented protocol: 20 passes over the training rows (the number of
// epochs of the jz95/ml-paper-lab reproduction) in whole curve windows, and
// settings the benchmark accepts, for the full and the quick version.
func TestDefaultSyntheticBenchProtocol(t *testing.T) {
	full := DefaultSyntheticBench()
	for name, sb := range map[string]SyntheticBench{"default": full, "quick": full.Quick()} {
		if err := sb.validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if full.Steps%full.Windows != 0 {
		t.Errorf("%d steps do not split into %d curve windows", full.Steps, full.Windows)
	}
	if passes := float64(full.Steps*full.BatchSize) / float64(full.Rows); math.Round(passes) != 20 {
		t.Errorf("%d steps of %d make %.2f passes over %d rows, want 20", full.Steps, full.BatchSize, passes, full.Rows)
	}
}

func tinySyntheticBench() SyntheticBench {
	sb := DefaultSyntheticBench()
	sb.Correlations = []float64{1, 0.5}
	sb.Seeds, sb.TuneSeeds = 2, 1
	sb.LRs = []float64{1e-3, 1e-2}
	sb.Rows, sb.TestRows, sb.BatchSize = 256, 64, 32
	sb.Steps, sb.Windows = 20, 4
	return sb
}

func TestSyntheticBenchRun(t *testing.T) {
	sb := tinySyntheticBench()
	calls := 0
	cells, err := sb.Run(context.Background(), func(done, total int) {
		calls++
		if done != calls || total != sb.Runs() {
			t.Fatalf("progress(%d, %d) at call %d, want total %d", done, total, calls, sb.Runs())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 2*3*(1*2+2) {
		t.Errorf("%d runs reported, want %d", calls, 2*3*(1*2+2))
	}
	if len(cells) != 6 {
		t.Fatalf("%d cells, want 6", len(cells))
	}
	for _, p := range sb.Correlations {
		for _, a := range sb.Archs {
			c := Cell(cells, a, p)
			if c == nil {
				t.Fatalf("no cell for %s at p=%g", a, p)
			}
			if len(c.TuneLoss) != 2 || c.LR != sb.LRs[argmin(c.TuneLoss)] {
				t.Errorf("%s p=%g: learning rate %g for search losses %v", a, p, c.LR, c.TuneLoss)
			}
			if len(c.Final) != 2 || len(c.Test) != 2 || !reflect.DeepEqual(c.CurveStep, []int{5, 10, 15, 20}) || len(c.Curve) != 4 || len(c.CurveCI95) != 4 {
				t.Errorf("%s p=%g: %d finals, %d tests, curve steps %v, %d curve points", a, p, len(c.Final), len(c.Test), c.CurveStep, len(c.Curve))
			}
			if m, h := MeanCI95(c.Final); m != c.Mean || h != c.CI95 || math.IsNaN(m) || math.IsInf(m, 0) {
				t.Errorf("%s p=%g: summary %g ± %g of finals %v", a, p, c.Mean, c.CI95, c.Final)
			}
			// Training lowers the loss from the first window to the last.
			if c.Curve[3] >= c.Curve[0] {
				t.Errorf("%s p=%g: loss curve %v does not fall", a, p, c.Curve)
			}
		}
	}
	again, err := sb.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cells, again) {
		t.Error("two runs with the same settings differ")
	}
}

func TestSyntheticBenchCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tinySyntheticBench().Run(ctx, nil); err == nil {
		t.Error("Run with a cancelled context: no error")
	}
}

func TestSyntheticBenchBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*SyntheticBench)
		want string
	}{
		{"one seed", func(sb *SyntheticBench) { sb.Seeds = 1 }, "2 seeds"},
		{"p outside", func(sb *SyntheticBench) { sb.Correlations = []float64{1.2} }, "1.2"},
		{"unknown model", func(sb *SyntheticBench) { sb.Archs = []string{"mlp"} }, "mlp"},
		{"esmm", func(sb *SyntheticBench) { sb.Archs = []string{"esmm"} }, "esmm"},
		{"no tuning runs", func(sb *SyntheticBench) { sb.TuneSeeds = 0 }, "tuning"},
		{"too many windows", func(sb *SyntheticBench) { sb.Windows = 50 }, "windows"},
	} {
		sb := tinySyntheticBench()
		tc.edit(&sb)
		if _, err := sb.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

package mtl

import (
	"math"
	"strings"
	"testing"
)

func runs(method string, acc ...[2]float64) []FrontPoint {
	var out []FrontPoint
	for i, a := range acc {
		out = append(out, FrontPoint{Method: method, Seed: uint64(i + 1), Accuracy: []float64{a[0], a[1]}})
	}
	return out
}

func TestSummarizeFront(t *testing.T) {
	// Student's t quantile at 0.975 with 2 degrees of freedom.
	const t2 = 4.302652729911275
	var pts []FrontPoint
	pts = append(pts, runs("ew", [2]float64{0.60, 0.70}, [2]float64{0.62, 0.74}, [2]float64{0.64, 0.72})...)
	// left: always 0.01 above ew but with seed-to-seed spread larger than
	// that, so only pairing shows it; right: noisy, mean difference 0.
	pts = append(pts, runs("a", [2]float64{0.61, 0.72}, [2]float64{0.63, 0.72}, [2]float64{0.65, 0.72})...)
	// left: 0.03, 0.04, 0.05 below ew; right: equal.
	pts = append(pts, runs("b", [2]float64{0.57, 0.70}, [2]float64{0.58, 0.74}, [2]float64{0.59, 0.72})...)
	sum, err := SummarizeFront(pts, "ew")
	if err != nil {
		t.Fatal(err)
	}
	if len(sum) != 3 || sum[0].Method != "ew" || sum[1].Method != "a" || sum[2].Method != "b" {
		t.Fatalf("methods %+v, want ew, a, b in order", sum)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %.12g, want %.12g", what, got, want)
		}
	}
	ew := sum[0]
	near("ew left mean", ew.Mean[0], 0.62)
	near("ew left sd", ew.SD[0], 0.02)
	near("ew left ci", ew.CI95[0], t2*0.02/math.Sqrt(3))
	near("ew right mean", ew.Mean[1], 0.72)
	if ew.Diff != nil || ew.Verdict(0) != "within noise" || !ew.NotWorse() {
		t.Errorf("baseline compared with itself: %+v", ew)
	}

	a := sum[1]
	near("a left diff", a.Diff[0], 0.01)
	near("a left diff se", a.DiffSE[0], 0)
	near("a right diff", a.Diff[1], 0)
	// right differences +0.02, −0.02, 0: sd 0.02.
	near("a right diff se", a.DiffSE[1], 0.02/math.Sqrt(3))
	near("a right diff ci", a.DiffCI95[1], t2*0.02/math.Sqrt(3))
	if a.Verdict(0) != "better" || a.Verdict(1) != "within noise" || !a.NotWorse() {
		t.Errorf("a: verdicts %q, %q, not worse %v; want better, within noise, true", a.Verdict(0), a.Verdict(1), a.NotWorse())
	}

	b := sum[2]
	near("b left diff", b.Diff[0], -0.04)
	near("b left diff se", b.DiffSE[0], 0.01/math.Sqrt(3))
	if b.Verdict(0) != "worse" || b.Verdict(1) != "within noise" || b.NotWorse() {
		t.Errorf("b: verdicts %q, %q, not worse %v; want worse, within noise, false", b.Verdict(0), b.Verdict(1), b.NotWorse())
	}
}

// TestSummarizeFrontPairing checks that runs are paired by seed, not by
// their order in the list.
func TestSummarizeFrontPairing(t *testing.T) {
	pts := runs("ew", [2]float64{0.5, 0.5}, [2]float64{0.7, 0.7})
	other := runs("x", [2]float64{0.51, 0.5}, [2]float64{0.71, 0.7})
	pts = append(pts, other[1], other[0])
	sum, err := SummarizeFront(pts, "ew")
	if err != nil {
		t.Fatal(err)
	}
	if d := sum[1].Diff[0]; math.Abs(d-0.01) > 1e-12 || sum[1].DiffSE[0] > 1e-12 {
		t.Fatalf("diff %g ± %g, want 0.01 ± 0 (paired by seed)", d, sum[1].DiffSE[0])
	}
}

func TestSummarizeFrontSingleSeed(t *testing.T) {
	pts := append(runs("ew", [2]float64{0.7, 0.7}), runs("x", [2]float64{0.5, 0.5})...)
	sum, err := SummarizeFront(pts, "ew")
	if err != nil {
		t.Fatal(err)
	}
	x := sum[1]
	if x.SD[0] != 0 || x.CI95[0] != 0 || x.Verdict(0) != "within noise" {
		t.Fatalf("one seed: %+v, verdict %q; want no spread and no verdict", x, x.Verdict(0))
	}
}

func TestSummarizeFrontErrors(t *testing.T) {
	ew := runs("ew", [2]float64{0.5, 0.5}, [2]float64{0.6, 0.6})
	tests := []struct {
		name   string
		points []FrontPoint
		want   string
	}{
		{"no baseline", runs("x", [2]float64{0.5, 0.5}), "baseline method ew has no runs"},
		{"fewer seeds", append(append([]FrontPoint{}, ew...), runs("x", [2]float64{0.5, 0.5})...), "ran with 1 seeds"},
		{"other seeds", append(append([]FrontPoint{}, ew...),
			FrontPoint{Method: "x", Seed: 1, Accuracy: []float64{0.5, 0.5}},
			FrontPoint{Method: "x", Seed: 9, Accuracy: []float64{0.5, 0.5}}), "no run with seed 2"},
		{"duplicate", append(append([]FrontPoint{}, ew...), ew[0]), "ran twice with seed 1"},
		{"task count", append(append([]FrontPoint{}, ew...),
			FrontPoint{Method: "x", Seed: 1, Accuracy: []float64{0.5}},
			FrontPoint{Method: "x", Seed: 2, Accuracy: []float64{0.5, 0.5}}), "1 task accuracies, want 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SummarizeFront(tc.points, "ew")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

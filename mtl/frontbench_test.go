package mtl

import (
	"context"
	"math"
	"path/filepath"
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

// writeFakeDigits writes MNIST-format train and t10k files to a temporary
// directory. Every image is one flat grey level, unique over both files
// (train images 101.., test images 1..), so the level of an overlay's
// corners tells which two images it was built from.
func writeFakeDigits(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(prefix string, n, first int) {
		img := make([]byte, n*784)
		lab := make([]byte, n)
		for i := 0; i < n; i++ {
			for k := 0; k < 784; k++ {
				img[i*784+k] = byte(first + i)
			}
			lab[i] = byte(i % 10)
		}
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), []int{n, 28, 28}, img)
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), []int{n}, lab)
	}
	write("train", nTrain, 101)
	write("t10k", nTest, 1)
	return dir
}

// sourceImages returns the grey levels of the images an overlay set was
// built from: output pixel (0, 0) covers only the left item's part of the
// 36×36 canvas, pixel (23, 23) only the right item's.
func sourceImages(d *Dataset) map[int]bool {
	out := map[int]bool{}
	for r := 0; r < d.Rows; r++ {
		px := d.Dense[r*784 : (r+1)*784]
		out[int(math.Round(float64(px[0])*255))] = true
		out[int(math.Round(float64(px[23*28+23])*255))] = true
	}
	return out
}

// TestMultiDigitSplitsDisjoint checks that no digit image is in two of
// train, validation and test, also across seeds (the front benchmark tests
// every seed on the first seed's test overlays).
func TestMultiDigitSplitsDisjoint(t *testing.T) {
	dir := writeFakeDigits(t, 60, 40)
	sp1, err := OpenSource("multimnist:"+dir, SourceOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sp2, err := OpenSource("multimnist:"+dir, SourceOptions{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sp1.Val.Rows != 20 || sp1.Test.Rows != 20 || sp1.Train.Rows != 60 {
		t.Fatalf("rows train %d val %d test %d, want 60, 20, 20", sp1.Train.Rows, sp1.Val.Rows, sp1.Test.Rows)
	}
	train, test := sourceImages(sp1.Train), sourceImages(sp1.Test)
	for name, val := range map[string]map[int]bool{"seed 1": sourceImages(sp1.Val), "seed 2": sourceImages(sp2.Val)} {
		for g := range val {
			if g < 1 || g > 40 {
				t.Errorf("%s: validation uses image %d, not a test-file image", name, g)
			}
			if test[g] {
				t.Errorf("%s: image %d is in validation and in seed 1's test overlays", name, g)
			}
		}
	}
	for g := range train {
		if g <= 40 {
			t.Errorf("training overlays use test-file image %d", g)
		}
	}
	// The left items alone cover each half: every test-file image is used.
	if n := len(sourceImages(sp1.Val)) + len(test); n < 40 {
		t.Errorf("validation and test use %d of the 40 test-file images", n)
	}
}

func TestMGDAUBSchedule(t *testing.T) {
	s := MGDAUBSchedule(1e-3)
	for _, tc := range []struct {
		epoch int // counted from 0
		want  float64
	}{{0, 1e-3}, {8, 1e-3}, {9, 0.85e-3}, {18, 0.85e-3}, {19, 0.85 * 0.85e-3}, {99, 1e-3 * math.Pow(0.85, 10)}} {
		if got := s(tc.epoch); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("epoch %d: rate %g, want %g", tc.epoch, got, tc.want)
		}
	}
}

// TestFrontBenchBestEpoch runs a short benchmark on fake digits and checks
// that each run is tested with the weights of its best validation epoch
// (the first of equals), that the schedule set Adam's rate each epoch, and
// that the test accuracy reported is the one measured at that epoch.
func TestFrontBenchBestEpoch(t *testing.T) {
	dir := writeFakeDigits(t, 120, 80)
	sched := func(epoch int) float64 { return 0.02 / float64(epoch+1) }
	var seen int
	fb := FrontBench{Data: "multimnist:" + dir, Methods: []string{"ew", "mgda-ub"}, Epochs: 6, BatchSize: 16, LR: 0.02, Schedule: sched, Seed: 3,
		OnEpoch: func(string, uint64, FrontEpoch) { seen++ }}
	points, err := fb.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if seen != 12 {
		t.Errorf("OnEpoch called %d times, want 12", seen)
	}
	stopped := false
	for _, p := range points {
		stopped = stopped || p.BestEpoch < len(p.Epochs)
		if len(p.Epochs) != 6 {
			t.Fatalf("%s: %d epochs recorded, want 6", p.Method, len(p.Epochs))
		}
		best, bestScore := 0, math.Inf(-1)
		for i, e := range p.Epochs {
			if e.Epoch != i+1 || math.Abs(e.LR-sched(i)) > 1e-12 {
				t.Errorf("%s: record %d is epoch %d at rate %g, want epoch %d at %g", p.Method, i, e.Epoch, e.LR, i+1, sched(i))
			}
			if s := (e.Val[0] + e.Val[1]) / 2; s > bestScore {
				best, bestScore = i+1, s
			}
		}
		if p.BestEpoch != best {
			t.Errorf("%s: chose epoch %d, validation is best at %d", p.Method, p.BestEpoch, best)
		}
		at := p.Epochs[p.BestEpoch-1]
		for k := range p.Accuracy {
			if p.Accuracy[k] != at.Test[k] || p.Val[k] != at.Val[k] {
				t.Errorf("%s task %d: reported test %g val %g, measured at epoch %d test %g val %g",
					p.Method, k, p.Accuracy[k], p.Val[k], p.BestEpoch, at.Test[k], at.Val[k])
			}
		}
	}
	if !stopped {
		t.Fatal("every run was best at its last epoch, so this run cannot tell the best epoch from the last")
	}
}

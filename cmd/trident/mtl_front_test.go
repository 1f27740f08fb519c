package main

import (
	"strings"
	"testing"

	"github.com/trident-lab/trident/mtl"
)

func TestMTLBenchFrontSeedsFlag(t *testing.T) {
	_, err := runCmd(t, newMTLBenchFrontCmd("multifashion"), "", "--methods", "ew", "--seeds", "0")
	if err == nil || !strings.Contains(err.Error(), "--seeds 0") {
		t.Fatalf("error %v, want one naming --seeds 0", err)
	}
}

func TestPrintFrontSeeds(t *testing.T) {
	acc := map[string][][2]float64{
		"pcgrad": {{0.60, 0.69}, {0.62, 0.73}, {0.64, 0.71}}, // right always 0.01 below ew
		"ew":     {{0.60, 0.70}, {0.62, 0.74}, {0.64, 0.72}},
		"nash":   {{0.61, 0.71}, {0.62, 0.73}, {0.64, 0.73}},
	}
	fb := mtl.FrontBench{Methods: []string{"pcgrad", "ew", "nash"}, Seeds: 3}
	var points []mtl.FrontPoint
	for seed := 0; seed < 3; seed++ {
		for _, m := range fb.Methods {
			a := acc[m][seed]
			points = append(points, mtl.FrontPoint{Method: m, Seed: uint64(seed + 1), Accuracy: []float64{a[0], a[1]}})
		}
	}
	var out strings.Builder
	if err := printFrontSeeds(&out, "multifashion", fb, points, "", false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"Δ = method − ew paired by seed", // ew is the baseline even when not listed first
		"-0.0100 ± 0.0000 worse",
		"significantly worse than ew on a task (95%, paired by seed): pcgrad\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

package mtl

import "testing"

func TestParetoFront(t *testing.T) {
	pts := []FrontPoint{
		{Method: "a", Accuracy: []float64{0.8, 0.6}},
		{Method: "b", Accuracy: []float64{0.7, 0.7}},
		{Method: "c", Accuracy: []float64{0.6, 0.6}}, // dominated by a and b
		{Method: "d", Accuracy: []float64{0.5, 0.8}},
		{Method: "e", Accuracy: []float64{0.7, 0.7}}, // ties b: neither dominates
	}
	got := ParetoFront(pts)
	want := []int{3, 1, 4, 0}
	if len(got) != len(want) {
		t.Fatalf("front %v, want %v", got, want)
	}
	for i := range want {
		if pts[got[i]].Accuracy[0] != pts[want[i]].Accuracy[0] {
			t.Fatalf("front %v, want %v", got, want)
		}
	}
}

func TestDeltaM(t *testing.T) {
	tasks := []Task{{Kind: Binary}, {Kind: Regression}}
	multi := []TaskMetrics{{AUC: 0.9}, {RMSE: 0.9}}
	single := []TaskMetrics{{AUC: 0.8}, {RMSE: 1.0}}
	// (+12.5% + 10%) / 2
	if got := DeltaM(tasks, multi, single); got < 11.2499 || got > 11.2501 {
		t.Fatalf("Δm = %g, want 11.25", got)
	}
}

package nnbench

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

// TestGameEvalMatchesForward checks the inference path against the
// autograd layers on the same weights, at batch 1 (two blocks of pixels on
// two threads) and at a batch of several images.
func TestGameEvalMatchesForward(t *testing.T) {
	g := NewGameNet(3)
	e := g.Eval()
	for _, batch := range []int{1, 5} {
		x := g.Input(batch)
		wantP, wantV := g.Forward(x)
		gotP, gotV := e.Forward(x)
		if fmt.Sprint(gotP.Shape, gotV.Shape) != fmt.Sprint(wantP.Shape, wantV.Shape) {
			t.Fatalf("batch %d: shapes %v %v, want %v %v", batch, gotP.Shape, gotV.Shape, wantP.Shape, wantV.Shape)
		}
		// Thirteen layers of 576-term sums in a different order (and
		// through Winograd's transforms): the logits agree to a few float32
		// ulps of their scale, the largest logit.
		scale := 0.0
		for _, w := range wantP.Data {
			scale = max(scale, math.Abs(float64(w)))
		}
		worst := 0.0
		for i, w := range wantP.Data {
			d := math.Abs(float64(gotP.Data[i] - w))
			if d > 1e-5*scale {
				t.Fatalf("batch %d logit %d: eval %v, autograd %v (scale %v)", batch, i, gotP.Data[i], w, scale)
			}
			worst = max(worst, d/scale)
		}
		t.Logf("batch %d: largest logit %.3g, largest difference %.2g of it", batch, scale, worst)
		for i, w := range wantV.Data {
			if d := math.Abs(float64(gotV.Data[i] - w)); d > 1e-5 {
				t.Fatalf("batch %d value %d: eval %v, autograd %v", batch, i, gotV.Data[i], w)
			}
		}
	}
}

// TestGameEvalReusesMemory checks that a warm pass allocates nothing and
// that a second pass on other input does not change with the reuse.
func TestGameEvalReusesMemory(t *testing.T) {
	g := NewGameNet(4)
	e := g.Eval()
	x1, x2 := g.Input(1), g.Input(1)
	p2, _ := e.Forward(x2)
	want := append([]float32(nil), p2.Data...)
	e.Forward(x1)
	p2, _ = e.Forward(x2)
	for i := range want {
		if p2.Data[i] != want[i] {
			t.Fatalf("logit %d: %v after reuse, %v before", i, p2.Data[i], want[i])
		}
	}
	// On one thread a warm pass allocates nothing; split across threads,
	// each layer starts its goroutines (a few small allocations).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if a := testing.AllocsPerRun(20, func() { e.Forward(x1) }); a != 0 && !raceEnabled {
		t.Errorf("warm single-threaded batch-1 pass made %v allocations, want 0", a)
	}
}

func BenchmarkGameEval(b *testing.B) {
	g := NewGameNet(1)
	e := g.Eval()
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			x := g.Input(batch)
			timed(b, func() { e.Forward(x) })
		})
	}
}

// TestGameEvalThreadIndependent checks that splitting a pass across threads
// does not change a bit of the result.
func TestGameEvalThreadIndependent(t *testing.T) {
	g := NewGameNet(5)
	for _, batch := range []int{1, 7} {
		x := g.Input(batch)
		var res [2][]float32
		for i, procs := range []int{1, 2} {
			prev := runtime.GOMAXPROCS(procs)
			p, v := g.Eval().Forward(x)
			runtime.GOMAXPROCS(prev)
			res[i] = append(append([]float32(nil), p.Data...), v.Data...)
		}
		if fmt.Sprint(res[0]) != fmt.Sprint(res[1]) {
			t.Errorf("batch %d: results on 1 and 2 threads differ", batch)
		}
	}
}

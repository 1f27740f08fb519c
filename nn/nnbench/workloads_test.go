package nnbench

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trident-lab/trident/internal/cputime"
	"github.com/trident-lab/trident/internal/gemm"
	"github.com/trident-lab/trident/nn"
)

func TestMMoELearns(t *testing.T) {
	m := NewMMoE(1)
	first := m.Step()
	var last float32
	for i := 0; i < 2; i++ {
		last = m.Step()
	}
	// Two BCE losses of a fresh model are near 2·ln 2; Adam on a fixed
	// batch must bring the sum down.
	if math.Abs(float64(first)-2*math.Ln2) > 0.3 || !(last < first) {
		t.Errorf("MMoE loss %v then %v, want about %.3f then lower", first, last, 2*math.Ln2)
	}
}

func TestESPCNStep(t *testing.T) {
	e := NewESPCN(1)
	one := nn.New(e.input.Data[:ESPCNSize*ESPCNSize], 1, 1, ESPCNSize, ESPCNSize)
	out := nn.PixelShuffle(e.c3.Forward(nn.Tanh(e.c2.Forward(nn.Tanh(e.c1.Forward(one))))), ESPCNScale)
	if want := []int{1, 1, 128, 128}; fmt.Sprint(out.Shape) != fmt.Sprint(want) {
		t.Fatalf("ESPCN output %v, want %v", out.Shape, want)
	}
	first := e.Step()
	second := e.Step()
	if !(second < first) || math.IsNaN(float64(first)) {
		t.Errorf("ESPCN loss %v then %v, want a decrease", first, second)
	}
}

// TestGameNetBatchConsistent checks shapes and that a batch gives the same
// answers as its positions one at a time.
func TestGameNetBatchConsistent(t *testing.T) {
	g := NewGameNet(1)
	x := g.Input(3)
	p, v := g.Forward(x)
	if fmt.Sprint(p.Shape, v.Shape) != "[3 81] [3 1]" {
		t.Fatalf("shapes %v %v, want [3 81] [3 1]", p.Shape, v.Shape)
	}
	per := GamePlanes * GameBoard * GameBoard
	for i := 0; i < 3; i++ {
		one := nn.New(x.Data[i*per:(i+1)*per], 1, GamePlanes, GameBoard, GameBoard)
		p1, v1 := g.Forward(one)
		for j, want := range p1.Data {
			if got := p.Data[i*81+j]; math.Abs(float64(got-want)) > 1e-4*(1+math.Abs(float64(want))) {
				t.Fatalf("position %d logit %d: batch %v, alone %v", i, j, got, want)
			}
		}
		if math.Abs(float64(v.Data[i]-v1.Data[0])) > 1e-5 || math.Abs(float64(v1.Data[0])) > 1 {
			t.Errorf("position %d value: batch %v, alone %v", i, v.Data[i], v1.Data[0])
		}
	}
	if p.RequiresGrad() || v.RequiresGrad() {
		t.Error("inference recorded a graph")
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	rows := []Row{{Workload: "sgemm n=64", Millis: 0.01, Rate: 52.4, Unit: "GFLOP/s"}, {Workload: "(a) MMoE", Millis: 40, CPUMillis: 70, Rate: 25600, Unit: "samples/s"}}
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "sgemm n=64") || !strings.Contains(lines[2], "25600.0") || !strings.HasPrefix(lines[0], "workload") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestRunRejectsNoReps(t *testing.T) {
	if _, err := Run(context.Background(), Options{Reps: 0, MinRepTime: time.Millisecond}, nil); err == nil {
		t.Error("Run with 0 repetitions succeeded")
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, n := range SgemmSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, bb, c := randMatrix(n, 1), randMatrix(n, 2), make([]float32, n*n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				gemm.Sgemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// timed runs fn b.N times and reports wall ms/op (what the benchmark table
// quotes) and cpu-ms/op, the CPU time of all threads per call: on a shared
// machine the latter is the steadier measure of the work an op does,
// because it does not count time spent waiting for a core.
func timed(b *testing.B, fn func()) {
	fn()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		fn()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
	b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

func BenchmarkMMoEStep(b *testing.B) {
	m := NewMMoE(1)
	timed(b, func() { m.Step() })
}

func BenchmarkESPCNStep(b *testing.B) {
	e := NewESPCN(1)
	timed(b, func() { e.Step() })
}

func BenchmarkGameNet(b *testing.B) {
	g := NewGameNet(1)
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			x := g.Input(batch)
			timed(b, func() { g.Forward(x) })
		})
	}
}

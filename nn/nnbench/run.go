package nnbench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/trident-lab/trident/internal/cputime"
	"github.com/trident-lab/trident/internal/gemm"
	"github.com/trident-lab/trident/nn"
)

// SgemmSizes are the square sizes of the sgemm rows.
var SgemmSizes = []int{64, 256, 512, 1024}

// Row is one line of the benchmark table.
type Row struct {
	// Workload names the measured computation, as the peer script names it.
	Workload string
	// Millis is the median wall time of one repetition (one product, one
	// training step or one batch) in milliseconds.
	Millis float64
	// CPUMillis is the median CPU time of one repetition, all threads
	// together. On a shared machine it is the steadier figure: it does not
	// count the time spent waiting for a core.
	CPUMillis float64
	// Rate is the throughput derived from Millis, in Unit.
	Rate float64
	Unit string
}

// Options controls a run.
type Options struct {
	// Reps is the number of timed repetitions per row; the median is
	// reported. Each repetition lasts at least MinRepTime (short ones are
	// repeated within it and averaged).
	Reps       int
	MinRepTime time.Duration
	// Seed fixes weights and inputs.
	Seed uint64
}

// DefaultOptions returns the settings of `trident bench nn`.
func DefaultOptions() Options {
	return Options{Reps: 15, MinRepTime: 20 * time.Millisecond, Seed: 1}
}

// Count returns the number of rows Run produces, for progress reporting.
func Count() int { return len(SgemmSizes) + 4 }

// Run measures every workload in turn and returns the table rows; done is
// called after each row.
func Run(ctx context.Context, opt Options, done func(Row)) ([]Row, error) {
	if opt.Reps < 1 {
		return nil, fmt.Errorf("nnbench: %d repetitions, want at least 1", opt.Reps)
	}
	var rows []Row
	add := func(r Row) {
		rows = append(rows, r)
		if done != nil {
			done(r)
		}
	}
	for _, n := range SgemmSizes {
		a, b, c := randMatrix(n, opt.Seed), randMatrix(n, opt.Seed+1), make([]float32, n*n)
		ms, cpu, err := median(ctx, opt, func() { gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) })
		if err != nil {
			return rows, err
		}
		add(Row{Workload: fmt.Sprintf("sgemm n=%d", n), Millis: ms, CPUMillis: cpu, Rate: 2 * float64(n) * float64(n) * float64(n) / (ms * 1e6), Unit: "GFLOP/s"})
	}
	mm := NewMMoE(opt.Seed)
	ms, cpu, err := median(ctx, opt, func() { mm.Step() })
	if err != nil {
		return rows, err
	}
	add(Row{Workload: "(a) MMoE train step, batch 1024", Millis: ms, CPUMillis: cpu, Rate: MMoEBatch / ms * 1e3, Unit: "samples/s"})
	es := NewESPCN(opt.Seed)
	if ms, cpu, err = median(ctx, opt, func() { es.Step() }); err != nil {
		return rows, err
	}
	add(Row{Workload: "(b) ESPCN x2 train step, batch 32", Millis: ms, CPUMillis: cpu, Rate: ESPCNBatch / ms * 1e3, Unit: "patches/s"})
	g := NewGameNet(opt.Seed)
	ge := g.Eval()
	for _, batch := range []int{1, 64} {
		x := g.Input(batch)
		if ms, cpu, err = median(ctx, opt, func() { ge.Forward(x) }); err != nil {
			return rows, err
		}
		add(Row{Workload: fmt.Sprintf("(c) game net inference, batch %d", batch), Millis: ms, CPUMillis: cpu, Rate: float64(batch) / ms * 1e3, Unit: "positions/s"})
	}
	return rows, nil
}

// median runs fn once to warm up, then opt.Reps timed repetitions, and
// returns the median wall time and the median CPU time (all threads) of one
// call in milliseconds.
func median(ctx context.Context, opt Options, fn func()) (wall, cpu float64, err error) {
	start := time.Now()
	fn()
	one := time.Since(start)
	inner := 1
	if one < opt.MinRepTime && one > 0 {
		inner = int(opt.MinRepTime / one)
	}
	walls, cpus := make([]float64, opt.Reps), make([]float64, opt.Reps)
	for r := range walls {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		start, c0 := time.Now(), cputime.Process()
		for i := 0; i < inner; i++ {
			fn()
		}
		walls[r] = float64(time.Since(start).Nanoseconds()) / 1e6 / float64(inner)
		cpus[r] = float64((cputime.Process() - c0).Nanoseconds()) / 1e6 / float64(inner)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	return walls[len(walls)/2], cpus[len(cpus)/2], nil
}

func randMatrix(n int, seed uint64) []float32 {
	t := nn.Zeros(n, n)
	nn.Normal(t, 1, nn.NewRNG(seed))
	return t.Data
}

// WriteTable prints rows as the aligned table that the peer script also
// prints.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "workload\tms\tcpu ms\trate\tunit\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.1f\t%s\n", r.Workload, r.Millis, r.CPUMillis, r.Rate, r.Unit)
	}
	return tw.Flush()
}

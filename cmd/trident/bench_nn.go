package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/nn/nnbench"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure Trident's engines on fixed workloads",
	}
	cmd.AddCommand(newBenchNNCmd())
	return cmd
}

func newBenchNNCmd() *cobra.Command {
	opt := nnbench.DefaultOptions()
	var minRep time.Duration
	cmd := &cobra.Command{
		Use:   "nn",
		Short: "Time sgemm, an MMoE and an ESPCN training step and game-net inference",
		Long: `nn times the neural engine on the workloads of docs/BENCHMARKS.md and prints
one table: sgemm at n = 64, 256, 512, 1024 (GFLOP/s); (a) an MMoE training
step (batch 1024, 512 inputs, 8 experts 512-128-64, 2 gates, 2 towers 64-32-1,
BCE, Adam); (b) an ESPCN x2 training step (batch 32 of 64x64, conv 5x5 1-64
tanh, 3x3 64-32 tanh, 3x3 32-4, pixel shuffle, MSE, Adam); (c) inference of a
9x9 game network (conv 3x3 4-64, 6 residual blocks of two 3x3 64-64, policy
and value heads) at batch 1 and 64, on nn's inference path (nn.EvalConv and
nn.EvalDense, like PyTorch's eval mode under no_grad). Each row is the median of --reps timed
repetitions after one warm-up. bench/peers/run.sh prints the same table for
PyTorch; run both back to back with the same number of threads (GOMAXPROCS).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.Reps < 1 || opt.Reps > 1000 {
				return fmt.Errorf("bench nn: --reps %d out of range 1..1000", opt.Reps)
			}
			if minRep < 0 || minRep > time.Minute {
				return fmt.Errorf("bench nn: --min-rep %v out of range 0..1m", minRep)
			}
			opt.MinRepTime = minRep
			bar := progress.New(cmd.ErrOrStderr(), nnbench.Count(), "bench nn")
			rows, err := nnbench.Run(cmd.Context(), opt, func(r nnbench.Row) { bar.Add(1, r.Workload) })
			bar.Finish()
			if err != nil {
				return fmt.Errorf("bench nn: %w", err)
			}
			out := cmd.OutOrStdout()
			if err := nnbench.WriteTable(out, rows); err != nil {
				return err
			}
			_, err = fmt.Fprintf(out, "# trident %s, %s, GOMAXPROCS %d\n", buildVersion(), runtime.Version(), runtime.GOMAXPROCS(0))
			return err
		},
	}
	cmd.Flags().IntVar(&opt.Reps, "reps", opt.Reps, "timed repetitions per row (the median is reported)")
	cmd.Flags().DurationVar(&minRep, "min-rep", opt.MinRepTime, "shortest repetition; faster calls are repeated within it")
	return cmd
}

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
)

// tourStep is one stop of "trident demo": a small, real run of one landed
// capability, on embedded defaults, taking a few seconds.
type tourStep struct {
	name string
	run  func(ctx context.Context, w io.Writer) error
}

// tourSteps lists the tour in order. Each capability adds its step here.
func tourSteps() []tourStep {
	return []tourStep{
		{name: "nn", run: demoNN},
		{name: "mtl", run: demoMTL},
		{name: "upscale", run: demoUpscale},
		{name: "sr", run: demoSR},
		{name: "temporal", run: demoTemporal},
		{name: "arena", run: demoArena},
		{name: "nogo", run: demoGames},
		{name: "solve", run: demoSolve},
	}
}

func newDemoCmd() *cobra.Command {
	var only string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "A short tour of everything Trident can do, on embedded defaults",
		Long: `demo runs a small, real example of each capability that has landed:
training a model with the nn engine, and the others as they arrive. It needs
no downloads and takes well under two minutes on two cores.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			steps := tourSteps()
			ran := 0
			for _, s := range steps {
				if only != "" && s.name != only {
					continue
				}
				ran++
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "== %s ==\n", s.name)
				start := time.Now()
				if err := s.run(cmd.Context(), w); err != nil {
					return fmt.Errorf("demo %s: %w", s.name, err)
				}
				fmt.Fprintf(w, "(%s: %.1fs)\n\n", s.name, time.Since(start).Seconds())
			}
			if only != "" && ran == 0 {
				return fmt.Errorf("demo: no tour step named %q", only)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&only, "only", "", "run only the tour step with this name")
	return cmd
}

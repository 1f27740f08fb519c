package main

import (
	"github.com/spf13/cobra"
)

// version is set at link time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "trident",
		Short: "Multi-task learning, DLSS-style super-sampling and NoGo/Atari-Go on one Go neural engine",
		Long: `Trident implements three families of systems on one neural engine written in Go:
multi-task learning, DLSS-style super-sampling and reconstruction, and the
board games NoGo and Atari-Go. Start with "trident demo".`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(),
		newDemoCmd(),
		newMTLCmd(),
		newCompareCmd(),
		newUpscaleCmd(),
		newUpscaleBenchCmd(),
		newRenderCmd(),
		newTemporalCmd(),
		newTemporalBenchCmd(),
		newInspectCmd(),
		newArenaCmd(),
		newBenchCmd(),
		newSolveCmd(),
		newGTPCmd(),
		newBotzoneCmd(),
		newPlayCmd(),
		newMCTSCmd(),
		newSRCmd(),
	)
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Trident's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.Printf("trident %s\n", buildVersion())
			return nil
		},
	}
}

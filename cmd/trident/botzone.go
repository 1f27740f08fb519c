package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/games/botzone"
	"github.com/trident-lab/trident/games/engine"
)

func newBotzoneCmd() *cobra.Command {
	var (
		f     engineFlags
		limit time.Duration
		keep  bool
	)
	cmd := &cobra.Command{
		Use:   "botzone",
		Short: "Play one Botzone turn (or every turn, with --keep-running) of 9x9 NoGo",
		Long: `botzone is a bot for the Botzone judge. It reads one turn in either of
Botzone's formats — JSON {"requests":[{"x":..,"y":..}],"responses":[...]} or
simple interaction (the turn number n, then 2n-1 lines "x y") — and answers
{"response":{"x":..,"y":..}} or "x y". A first request of x=-1, y=-1 means
the bot plays Black, first. It searches for 80% of --time-limit (Botzone
gives 1 s per move for NoGo). With --keep-running it prints
>>>BOTZONE_REQUEST_KEEP_RUNNING<<< after each answer and keeps its search
tree, reading only the newest request each turn.

Example:
  echo '{"requests":[{"x":-1,"y":-1}],"responses":[]}' | trident botzone --game nogo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit <= 0 {
				return fmt.Errorf("--time-limit must be positive")
			}
			f.moveTime = limit * 8 / 10
			e, err := f.build()
			if err != nil {
				return err
			}
			p := engine.NewBotzonePlayer(e)
			ctx := cmd.Context()
			if !keep {
				// One turn per process: the whole run must fit the limit.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, limit*9/10)
				defer cancel()
			}
			// The package's errors already name botzone and the field.
			return botzone.Run(ctx, cmd.InOrStdin(), cmd.OutOrStdout(), p, keep)
		},
	}
	f.register(cmd, 0, 0)
	fl := cmd.Flags()
	_ = fl.MarkHidden("time")
	_ = fl.MarkHidden("resign")
	fl.DurationVar(&limit, "time-limit", time.Second, "Botzone's time limit per move")
	fl.BoolVar(&keep, "keep-running", false, "stay running between turns (Botzone keep-running mode)")
	return cmd
}

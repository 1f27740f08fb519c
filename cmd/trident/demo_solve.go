package main

import (
	"context"
	"fmt"
	"io"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/solve"
)

// demoSolve solves small NoGo and Atari-Go boards exactly and shows the
// published values coming out.
func demoSolve(ctx context.Context, w io.Writer) error {
	for _, c := range []struct {
		game board.Game
		w, h int
		note string
	}{
		{board.NoGo, 3, 3, "known: first player wins"},
		{board.NoGo, 4, 3, ""},
		{board.AtariGo, 4, 4, ""},
	} {
		b, err := board.New(c.w, c.h, board.Rules{Game: c.game})
		if err != nil {
			return err
		}
		res, err := solve.Solve(ctx, b, solve.Options{TTBits: 18})
		if err != nil {
			return err
		}
		move := "every first move loses"
		if res.Win {
			move = "winning first move " + b.PointName(res.Move)
		}
		nodes := fmt.Sprintf("%d nodes", res.Nodes)
		if res.EndgameNodes > 0 {
			nodes += fmt.Sprintf(" + %d endgame positions", res.EndgameNodes)
		}
		fmt.Fprintf(w, "  %-8v %dx%d: %v wins, %s (%s, %s)", c.game, c.w, c.h, res.Winner, move, nodes, res.Elapsed.Round(1e6))
		if c.note != "" {
			fmt.Fprintf(w, "  [%s]", c.note)
		}
		fmt.Fprintln(w)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/engine"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/mcts"
	"github.com/trident-lab/trident/games/sgf"
)

// demoGames plays one quick 7×7 NoGo game, the engine (RAVE and
// knowledge rollouts) as Black against pure UCT as White, 1,500 playouts a
// move each, then prints the final board, the winner and the SGF record.
func demoGames(ctx context.Context, w io.Writer) error {
	rules := board.Rules{Game: board.NoGo}
	budget := mcts.Budget{Playouts: 1500}
	black, err := engine.New("Trident", buildVersion(), 7, 7, rules, mcts.Config{Threads: 2, Seed: 1}, budget)
	if err != nil {
		return err
	}
	white, err := engine.New("Trident-UCT", buildVersion(), 7, 7, rules,
		mcts.Config{Threads: 2, Seed: 2, NoRAVE: true, Evaluator: mcts.Rollout{}}, budget)
	if err != nil {
		return err
	}
	players := map[gtp.Color]*engine.Engine{gtp.Black: black, gtp.White: white}
	c := gtp.Black
	for n := 1; ; n++ {
		m, err := players[c].GenMove(ctx, c)
		if err != nil {
			return err
		}
		if m.Resign {
			fmt.Fprintf(w, "%v has no legal move left after %d moves\n", c, n-1)
			break
		}
		if err := players[c.Opponent()].Play(c, m); err != nil {
			return fmt.Errorf("move %d %v: %w", n, m, err)
		}
		if n <= 4 || n%10 == 0 {
			r := players[c].LastSearch()
			fmt.Fprintf(w, "move %2d %-5v %-3v %5d playouts, win estimate %3.0f%%\n", n, c, m, r.Playouts, 100*r.WinRate)
		}
		c = c.Opponent()
	}
	fmt.Fprintln(w, black.ShowBoard())
	score, err := black.FinalScore()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "result %s (Black: Trident with RAVE and NoGo rollouts; White: pure UCT)\n", score)
	var buf bytes.Buffer
	if err := sgf.WriteGame(&buf, black.Record("Trident", "Trident-UCT")); err != nil {
		return err
	}
	fmt.Fprintf(w, "SGF record:\n%s", buf.String())
	return nil
}

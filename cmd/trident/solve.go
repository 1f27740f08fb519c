package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/solve"
)

func newSolveCmd() *cobra.Command {
	var (
		game, size, moves string
		capture, ttBits   int
		quiet             bool
	)
	cmd := &cobra.Command{
		Use:   "solve",
		Short: "Solve a small NoGo or Atari-Go board exactly (df-pn)",
		Long: `solve finds the game-theoretic value of a NoGo or Atari-Go position by
depth-first proof-number search with a transposition table, symmetry
reduction and game knowledge. It prints who wins with perfect play, a winning
first move (or that every move loses), the nodes searched and the time.

Examples:
  trident solve --game nogo --size 4x4
  trident solve --game atarigo --size 4x3
  trident solve --game nogo --size 4x4 --moves B2,C3
  trident solve --game nogo --size 5x5   # about 6 CPU minutes

Ctrl-C stops a long search and reports how far it got.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g, err := board.ParseGame(game)
			if err != nil {
				return fmt.Errorf("--game: %w", err)
			}
			w, h, err := board.ParseSize(size)
			if err != nil {
				return fmt.Errorf("--size: %w", err)
			}
			if w*h > solve.MaxPoints {
				return fmt.Errorf("--size %dx%d: %d points is beyond exact search (at most %d)", w, h, w*h, solve.MaxPoints)
			}
			rules := board.Rules{Game: g}
			if cmd.Flags().Changed("capture") {
				if g != board.AtariGo {
					return fmt.Errorf("--capture applies to atarigo only")
				}
				if capture < 1 {
					return fmt.Errorf("--capture %d: must be at least 1", capture)
				}
				rules.CaptureTarget = capture
			}
			b, err := board.New(w, h, rules)
			if err != nil {
				return err
			}
			if err := playMoveList(b, moves); err != nil {
				return fmt.Errorf("--moves: %w", err)
			}
			var progress func(solve.Stats)
			if !quiet {
				errw := cmd.ErrOrStderr()
				progress = func(st solve.Stats) {
					fmt.Fprintf(errw, "solve: %s nodes (+%s endgame), %s, %.0f nodes/s, root pn %d dn %d, table %.0f%% full\n",
						humanCount(st.Nodes), humanCount(st.EndgameNodes), st.Elapsed.Round(time.Second), float64(st.Nodes)/st.Elapsed.Seconds(),
						st.PN, st.DN, 100*st.TTUsed)
				}
			}
			res, err := solve.Solve(cmd.Context(), b, solve.Options{TTBits: ttBits, Progress: progress, ProgressEvery: 5 * time.Second})
			if err != nil {
				return fmt.Errorf("%w (%s, root pn %d dn %d)", err, res.Elapsed.Round(time.Millisecond), res.PN, res.DN)
			}
			printSolveResult(cmd.OutOrStdout(), b, res)
			return nil
		},
	}
	cmd.Flags().StringVar(&game, "game", "nogo", "game: nogo or atarigo")
	cmd.Flags().StringVar(&size, "size", "4x4", "board size: N or WxH, at most 64 points")
	cmd.Flags().IntVar(&capture, "capture", 1, "atarigo: stones to capture to win")
	cmd.Flags().StringVar(&moves, "moves", "", "comma-separated moves to play first, from Black (e.g. C3,B2)")
	cmd.Flags().IntVar(&ttBits, "tt-bits", 22, "log2 of the transposition-table entries (24 bytes each), 4 to 28")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress lines")
	return cmd
}

// playMoveList plays comma-separated GTP moves on b.
func playMoveList(b *board.Board, list string) error {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	for i, s := range strings.Split(list, ",") {
		p, err := b.ParsePoint(s)
		if err != nil {
			return fmt.Errorf("move %d: %w", i+1, err)
		}
		if err := b.Play(p); err != nil {
			return fmt.Errorf("move %d (%s): %w", i+1, strings.TrimSpace(s), err)
		}
	}
	return nil
}

func printSolveResult(w io.Writer, b *board.Board, res solve.Result) {
	name := map[board.Game]string{board.NoGo: "NoGo", board.AtariGo: "Atari-Go"}[b.Rules().Game]
	if t := b.Rules().CaptureTarget; t > 1 {
		name += fmt.Sprintf(" (first to capture %d)", t)
	}
	mover := b.ToMove()
	fmt.Fprintf(w, "%s %dx%d, %v to move", name, b.Width(), b.Height(), mover)
	if b.MoveCount() > 0 {
		fmt.Fprintf(w, " after %d moves", b.MoveCount())
	}
	fmt.Fprintln(w)
	who := "first"
	if res.Winner == board.White {
		who = "second"
	}
	fmt.Fprintf(w, "value:  %v wins (the %s player)\n", res.Winner, who)
	if res.Win {
		fmt.Fprintf(w, "move:   %s wins for %v\n", b.PointName(res.Move), mover)
	} else {
		fmt.Fprintf(w, "move:   every %v move loses\n", mover)
	}
	secs := res.Elapsed.Seconds()
	fmt.Fprintf(w, "nodes:  %d (%.0f nodes/s)\n", res.Nodes, float64(res.Nodes)/max(secs, 1e-9))
	if res.EndgameNodes > 0 {
		fmt.Fprintf(w, "endgame: %d positions searched by the endgame solver\n", res.EndgameNodes)
	}
	fmt.Fprintf(w, "time:   %s\n", res.Elapsed.Round(time.Millisecond))
}

func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

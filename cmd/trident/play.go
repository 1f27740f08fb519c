package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/engine"
	"github.com/trident-lab/trident/games/sgf"
)

func newPlayCmd() *cobra.Command {
	var (
		f       engineFlags
		color   string
		sgfPath string
	)
	cmd := &cobra.Command{
		Use:   "play",
		Short: "Play NoGo or Atari-Go against the engine in the terminal",
		Long: `play draws the board and plays the engine. Type a move as a coordinate
such as D4 (columns A.. without I, rows from 1 at the bottom), "pass" where
the rules allow it, "undo" to take back your last move and the engine's
reply, or "quit". After each of its moves the engine prints its estimate of
its chance to win. With --sgf the game is saved as SGF when it ends.

Example:
  trident play --game nogo --size 9 --color black --time 2s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			human, err := board.Black, error(nil)
			switch strings.ToLower(color) {
			case "black", "b":
			case "white", "w":
				human = board.White
			default:
				err = fmt.Errorf("--color %q: want black or white", color)
			}
			if err != nil {
				return err
			}
			e, err := f.build()
			if err != nil {
				return err
			}
			if err := playTerminal(cmd, e, human); err != nil {
				return err
			}
			if sgfPath != "" {
				black, white := "human", "Trident"
				if human == board.White {
					black, white = white, black
				}
				if err := writeSGFAtomic(sgfPath, e.Record(black, white)); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "game saved to %s\n", sgfPath)
			}
			return nil
		},
	}
	f.register(cmd, 2*time.Second, 0.03)
	cmd.Flags().StringVar(&color, "color", "black", "your colour: black (moves first) or white")
	cmd.Flags().StringVar(&sgfPath, "sgf", "", "save the game to this SGF file when it ends")
	return cmd
}

// playTerminal runs the game loop until it ends, the human quits or input
// runs out.
func playTerminal(cmd *cobra.Command, e *engine.Engine, human board.Color) error {
	out := cmd.OutOrStdout()
	in := bufio.NewScanner(cmd.InOrStdin())
	in.Buffer(make([]byte, 4096), 4096)
	for {
		b := e.Board()
		fmt.Fprintln(out, b.String())
		if b.Over() {
			switch w := b.Winner(); w {
			case board.Empty:
				fmt.Fprintln(out, "The game is a draw.")
			case human:
				fmt.Fprintf(out, "You win (%v).\n", w)
			default:
				fmt.Fprintf(out, "Trident wins (%v).\n", w)
			}
			return nil
		}
		if b.ToMove() != human {
			p, resign, err := e.Think(cmd.Context(), b.ToMove())
			if err != nil {
				return fmt.Errorf("play: engine: %w", err)
			}
			r := e.LastSearch()
			if resign {
				fmt.Fprintf(out, "Trident resigns (win estimate %.0f%%). You win.\n", 100*r.WinRate)
				return nil
			}
			if err := e.PlayPoint(b.ToMove(), p); err != nil {
				return fmt.Errorf("play: engine move: %w", err)
			}
			fmt.Fprintf(out, "Trident plays %s — %d playouts in %.1fs, win estimate %.0f%%\n",
				b.PointName(p), r.Playouts, r.Elapsed.Seconds(), 100*r.WinRate)
			continue
		}
		fmt.Fprintf(out, "Your move (%v): ", human)
		if !in.Scan() {
			fmt.Fprintln(out)
			if err := in.Err(); err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("play: reading your move: %w", err)
			}
			return nil
		}
		text := strings.TrimSpace(in.Text())
		switch strings.ToLower(text) {
		case "":
			continue
		case "quit", "exit", "resign":
			fmt.Fprintln(out, "Game abandoned.")
			return nil
		case "undo":
			// Take back the engine's reply and the human's move.
			if e.MoveCount() < 2 {
				fmt.Fprintln(out, "Nothing to undo.")
				continue
			}
			if err := e.Undo(); err != nil {
				return fmt.Errorf("play: undo: %w", err)
			}
			if err := e.Undo(); err != nil {
				return fmt.Errorf("play: undo: %w", err)
			}
			continue
		}
		p, err := b.ParsePoint(text)
		if err != nil {
			fmt.Fprintf(out, "%v\n", err)
			continue
		}
		if err := e.PlayPoint(human, p); err != nil {
			fmt.Fprintf(out, "%s is illegal: %v\n", text, err)
		}
	}
}

// writeSGFAtomic writes g to path through a temporary file, fsync and
// rename, so a crash never leaves half a file.
func writeSGFAtomic(path string, g *sgf.Game) error {
	var buf bytes.Buffer
	if err := sgf.WriteGame(&buf, g); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".trident-*.sgf")
	if err != nil {
		return fmt.Errorf("--sgf: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("--sgf %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("--sgf %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--sgf %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--sgf %s: %w", path, err)
	}
	return nil
}

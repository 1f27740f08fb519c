package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/trident-lab/trident/arena"
)

// demoArena plays a short real match between two Trident engines that
// differ only in playouts per move, each run as "trident gtp" in its own
// process and refereed by the arena, and prints the result table.
func demoArena(ctx context.Context, w io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the trident binary: %w", err)
	}
	dir, err := os.MkdirTemp("", "trident-arena-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	engine := func(playouts int) arena.Engine {
		return arena.Engine{Name: fmt.Sprintf("playouts-%d", playouts), Command: []string{exe, "gtp",
			"--game", "nogo", "--size", "7", "--threads", "1", "--playouts", fmt.Sprint(playouts)}}
	}
	cfg := arena.Config{
		Engines: []arena.Engine{engine(250), engine(100)}, Format: arena.FormatMatch,
		Games: 16, Concurrency: 2,
		Conditions: arena.Conditions{Game: "nogo", Width: 7, Height: 7, OpeningMoves: 2, HangTimeout: 30 * time.Second},
		OutDir:     dir,
	}
	fmt.Fprintf(w, "NoGo 7x7, %d games in colour-swapped pairs from 2 random opening moves, 2 at a time:\n  %s\n  %s\n\n",
		cfg.Games, cfg.Engines[0].Name, cfg.Engines[1].Name)
	rep, err := arena.Run(ctx, cfg)
	if err != nil {
		return err
	}
	return rep.WriteTable(w)
}

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/engine"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/mcts"
)

// engineFlags are the game and search flags shared by gtp, botzone and play.
type engineFlags struct {
	game, size    string
	captureTarget int
	allowPass     bool
	threads       int
	playouts      int
	moveTime      time.Duration
	resign        float64
	pureUCT       bool
	seed          uint64
}

func (f *engineFlags) register(cmd *cobra.Command, defTime time.Duration, defResign float64) {
	fl := cmd.Flags()
	fl.StringVar(&f.game, "game", "nogo", "nogo or atarigo")
	fl.StringVar(&f.size, "size", "9", "board size: N or WxH (at most 19x19)")
	fl.IntVar(&f.captureTarget, "capture-target", 0, "Atari-Go: stones to capture to win (0: 1, the standard game)")
	fl.BoolVar(&f.allowPass, "allow-pass", false, "Atari-Go: let players pass")
	fl.IntVar(&f.threads, "threads", 0, "search threads (0: all cores)")
	fl.IntVar(&f.playouts, "playouts", 0, "playouts per move (0: limited by --time only)")
	fl.DurationVar(&f.moveTime, "time", defTime, "search time per move (0: limited by --playouts only)")
	fl.Float64Var(&f.resign, "resign", defResign, "resign when the win estimate falls below this (0: never)")
	fl.BoolVar(&f.pureUCT, "pure-uct", false, "plain UCT with uniform random rollouts (the baseline): no RAVE, no game knowledge")
	fl.Uint64Var(&f.seed, "seed", 0, "random seed of the search (0: from the clock, so that separate runs play different games)")
}

// build returns the engine the flags describe.
func (f *engineFlags) build() (*engine.Engine, error) {
	g, err := board.ParseGame(f.game)
	if err != nil {
		return nil, fmt.Errorf("--game: %w", err)
	}
	w, h, err := board.ParseSize(f.size)
	if err != nil {
		return nil, fmt.Errorf("--size: %w", err)
	}
	rules := board.Rules{Game: g, CaptureTarget: f.captureTarget, AllowPass: f.allowPass}
	if f.playouts < 0 || f.moveTime < 0 || f.threads < 0 || f.resign < 0 || f.resign >= 1 {
		return nil, fmt.Errorf("--playouts, --time and --threads must not be negative; --resign must be in [0, 1)")
	}
	if f.playouts == 0 && f.moveTime == 0 {
		return nil, fmt.Errorf("set --playouts or --time: the search needs a budget per move")
	}
	seed := f.seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	cfg := mcts.Config{Threads: f.threads, ResignBelow: f.resign, Seed: seed}
	if f.pureUCT {
		cfg.NoRAVE = true
		cfg.Evaluator = mcts.Rollout{}
	}
	e, err := engine.New("Trident", buildVersion(), w, h, rules, cfg, mcts.Budget{Playouts: f.playouts, Time: f.moveTime})
	if err != nil {
		return nil, fmt.Errorf("--game/--size: %w", err)
	}
	return e, nil
}

func newGTPCmd() *cobra.Command {
	var f engineFlags
	cmd := &cobra.Command{
		Use:   "gtp",
		Short: "Play NoGo or Atari-Go as a GTP v2 engine on standard input and output",
		Long: `gtp runs Trident's MCTS engine under any GTP controller (GoGui,
gogui-twogtp, Sabaki, "trident arena"). Commands: protocol_version, name,
version, known_command, list_commands, boardsize, rectangular_boardsize W H,
clear_board, komi (accepted, unused), play, genmove, undo, showboard,
final_score (B+R / W+R: the loser ran out of moves or was captured),
time_settings, time_left, quit.

Example:
  trident gtp --game nogo --size 9 --time 1s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := f.build()
			if err != nil {
				return err
			}
			if err := gtp.NewServer(e).Run(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout()); err != nil {
				return fmt.Errorf("gtp: %w", err)
			}
			return nil
		},
	}
	f.register(cmd, time.Second, 0.05)
	return cmd
}

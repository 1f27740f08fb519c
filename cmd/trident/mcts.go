package main

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/mcts"
	"github.com/trident-lab/trident/internal/cputime"
	"github.com/trident-lab/trident/internal/progress"
)

func newMCTSCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mcts",
		Short: "Measure the NoGo/Atari-Go MCTS engine: speed and strength",
	}
	cmd.AddCommand(newMCTSSpeedCmd(), newMCTSStrengthCmd())
	return cmd
}

// mctsStart reads --game and --size into an empty board.
func mctsStart(game, size string) (*board.Board, error) {
	g, err := board.ParseGame(game)
	if err != nil {
		return nil, fmt.Errorf("--game: %w", err)
	}
	w, h, err := board.ParseSize(size)
	if err != nil {
		return nil, fmt.Errorf("--size: %w", err)
	}
	return board.New(w, h, board.Rules{Game: g})
}

func newMCTSSpeedCmd() *cobra.Command {
	var (
		game, size string
		playouts   int
	)
	cmd := &cobra.Command{
		Use:   "speed",
		Short: "Simulations per second from the empty board, one thread and all cores",
		Long: `speed runs fresh searches from the empty board, first on one thread and
then on all cores, and prints simulations per second for the engine
(RAVE + game-knowledge rollouts) and for the pure-UCT random-rollout baseline.

Example:
  trident mcts speed --game nogo --size 9 --playouts 100000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start, err := mctsStart(game, size)
			if err != nil {
				return err
			}
			if playouts < 1 {
				return fmt.Errorf("--playouts must be positive")
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s %dx%d from the empty board, %d playouts per search, %d cores\n",
				start.Rules().Game, start.Width(), start.Height(), playouts, runtime.NumCPU())
			for _, v := range []struct {
				name string
				cfg  mcts.Config
			}{
				{"engine (RAVE, knowledge rollouts)", mcts.Config{}},
				{"pure UCT (random rollouts)", mcts.Config{NoRAVE: true, Evaluator: mcts.Rollout{}}},
			} {
				for _, threads := range []int{1, runtime.NumCPU()} {
					cfg := v.cfg
					cfg.Threads = threads
					cpu0 := cputime.Process()
					res, err := mcts.New(start, cfg).Search(cmd.Context(), mcts.Budget{Playouts: playouts})
					if err != nil {
						return fmt.Errorf("mcts speed: %w", err)
					}
					perCPU := "n/a"
					if cpu := cputime.Process() - cpu0; cpu > 0 {
						perCPU = fmt.Sprintf("%.0f", float64(res.Playouts)/cpu.Seconds())
					}
					fmt.Fprintf(out, "%-36s threads %d: %8.0f sims/s wall (%d in %.2fs), %s sims per CPU-second\n", v.name, threads,
						float64(res.Playouts)/res.Elapsed.Seconds(), res.Playouts, res.Elapsed.Seconds(), perCPU)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&game, "game", "nogo", "nogo or atarigo")
	cmd.Flags().StringVar(&size, "size", "9", "board size: N or WxH")
	cmd.Flags().IntVar(&playouts, "playouts", 50000, "playouts per search")
	return cmd
}

func newMCTSStrengthCmd() *cobra.Command {
	var (
		game, size string
		games      int
		playouts   int
		moveTime   time.Duration
		threads    int
	)
	cmd := &cobra.Command{
		Use:   "strength",
		Short: "Play the engine against its own pure-UCT random-rollout version",
		Long: `strength plays --games games between the engine (RAVE, game-knowledge
rollouts) and the same search as plain UCT with uniform random rollouts,
with the same budget per move, colours alternating, and prints the
engine's score with a 95% interval.

Example:
  trident mcts strength --game nogo --size 9 --games 200 --time 1s --threads 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start, err := mctsStart(game, size)
			if err != nil {
				return err
			}
			if games < 1 || playouts < 0 || moveTime < 0 || (playouts == 0 && moveTime == 0) {
				return fmt.Errorf("want --games ≥ 1 and a budget: --playouts or --time")
			}
			budget := mcts.Budget{Playouts: playouts, Time: moveTime}
			eng := mcts.Config{Threads: threads}
			base := mcts.Config{Threads: threads, NoRAVE: true, Evaluator: mcts.Rollout{}}
			score := 0.0
			rep := progress.New(cmd.ErrOrStderr(), games, "games")
			for i := 0; i < games; i++ {
				eng.Seed, base.Seed = uint64(2*i+1), uint64(2*i+2)
				black, white, engColor := eng, base, board.Black
				if i%2 == 1 {
					black, white, engColor = base, eng, board.White
				}
				w, _, err := mcts.PlayGame(cmd.Context(), start, black, white, budget)
				if err != nil {
					return fmt.Errorf("mcts strength: game %d: %w", i+1, err)
				}
				switch w {
				case engColor:
					score++
				case board.Empty:
					score += 0.5
				}
				rep.Add(1, fmt.Sprintf("engine %.1f/%d", score, i+1))
			}
			rep.Finish()
			p := score / float64(games)
			half := 1.96 * math.Sqrt(p*(1-p)/float64(games))
			fmt.Fprintf(cmd.OutOrStdout(), "%s %dx%d, budget %v per move: engine %.1f / %d against pure UCT = %.1f%% ± %.1f%% (95%%)\n",
				start.Rules().Game, start.Width(), start.Height(), budgetString(budget), score, games, 100*p, 100*half)
			return nil
		},
	}
	cmd.Flags().StringVar(&game, "game", "nogo", "nogo or atarigo")
	cmd.Flags().StringVar(&size, "size", "9", "board size: N or WxH")
	cmd.Flags().IntVar(&games, "games", 20, "games to play (colours alternate)")
	cmd.Flags().IntVar(&playouts, "playouts", 0, "playouts per move")
	cmd.Flags().DurationVar(&moveTime, "time", 0, "time per move")
	cmd.Flags().IntVar(&threads, "threads", 1, "search threads per engine")
	return cmd
}

func budgetString(b mcts.Budget) string {
	switch {
	case b.Playouts > 0 && b.Time > 0:
		return fmt.Sprintf("%d playouts or %v", b.Playouts, b.Time)
	case b.Playouts > 0:
		return fmt.Sprintf("%d playouts", b.Playouts)
	}
	return b.Time.String()
}

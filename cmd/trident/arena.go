package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/arena"
	"github.com/trident-lab/trident/games/board"
)

func newArenaCmd() *cobra.Command {
	var (
		engines                                   []string
		format, game, size, sprt                  string
		anchor, out, plotPath                     string
		games, concurrency, capture, openingMoves int
		moveTime, margin, hang                    time.Duration
		resume, asJSON, allowPass                 bool
	)
	cmd := &cobra.Command{
		Use:   "arena --engine name=A,cmd=... --engine name=B,cmd=... --out DIR",
		Short: "Play matches and tournaments between GTP engines, with Elo, SPRT and ratings",
		Long: `arena plays NoGo or Atari-Go games between GTP engines and reports who is
stronger and by how much, as cutechess-cli and fastchess do for chess.

Engines are given as --engine "name=NAME,cmd=COMMAND LINE" (cmd comes last and
takes the rest of the text; quote words with spaces). Games are played in
pairs with colours swapped; --opening-moves N starts each pair from N random
legal moves (the same for both games of the pair), as opening books do for
chess engines, so deterministic engines do not replay one game. Trident referees every move with its own rules:
an illegal move, a crash, a hang, a garbled reply or a move over the time
limit loses the game, and the engine is restarted.

Formats: match (two engines), gauntlet (the first against each other one),
roundrobin (everyone against everyone), knockout (seeded in the order given,
higher seed advances on a tie). --games is the number of games per pairing.

Every game is saved as SGF in DIR/games and appended to DIR/results.jsonl as
it finishes; after Ctrl-C or a crash, the same command with --resume plays
only the games that are missing.

Statistics: the score, the Elo difference with its 95% interval and the
likelihood of superiority for each pair of engines (pentanomial model on
game pairs, as fastchess), Bradley-Terry ratings of all engines (MM fit with
two virtual draws, as BayesElo), a crosstable, and for a match an optional
SPRT (--sprt elo0=0,elo1=50,alpha=0.05,beta=0.05) that stops it early.

Example:
  trident arena --game nogo --size 9 --games 100 --concurrency 2 --out runs/a \
    --engine "name=p2000,cmd=trident gtp --game nogo --size 9 --playouts 2000" \
    --engine "name=p500,cmd=trident gtp --game nogo --size 9 --playouts 500"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := arena.Config{Games: games, Concurrency: concurrency, Anchor: anchor, OutDir: out, Resume: resume}
			if out == "" {
				return fmt.Errorf("arena: --out DIR is required (games and results are saved there)")
			}
			for _, s := range engines {
				e, err := arena.ParseEngine(s)
				if err != nil {
					return fmt.Errorf("arena: --engine: %w", err)
				}
				cfg.Engines = append(cfg.Engines, e)
			}
			f, err := arena.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("arena: --format: %w", err)
			}
			cfg.Format = f
			w, h, err := board.ParseSize(size)
			if err != nil {
				return fmt.Errorf("arena: --size: %w", err)
			}
			cfg.Conditions = arena.Conditions{Game: game, Width: w, Height: h,
				CaptureTarget: capture, AllowPass: allowPass, OpeningMoves: openingMoves,
				MoveTime: moveTime, TimeMargin: margin, HangTimeout: hang}
			if sprt != "" {
				if cfg.SPRT, err = arena.ParseSPRT(sprt); err != nil {
					return fmt.Errorf("arena: --sprt: %w", err)
				}
			}
			if !asJSON {
				cfg.Progress = cmd.ErrOrStderr()
			}
			rep, runErr := arena.Run(cmd.Context(), cfg)
			if rep == nil {
				return fmt.Errorf("arena: %w", runErr)
			}
			if asJSON {
				err = rep.WriteJSON(cmd.OutOrStdout())
			} else {
				err = rep.WriteTable(cmd.OutOrStdout())
			}
			if err != nil {
				return fmt.Errorf("arena: %w", err)
			}
			if plotPath != "" && rep.Games > 0 {
				if err := rep.WritePlot(plotPath); err != nil {
					return fmt.Errorf("arena: %w", err)
				}
			}
			if runErr != nil {
				// The report above covers the games saved so far.
				return fmt.Errorf("arena: %w", runErr)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&engines, "engine", nil, `an engine: "name=NAME,cmd=COMMAND" (repeat for each engine)`)
	fl.StringVar(&format, "format", "match", "match, gauntlet, roundrobin or knockout")
	fl.StringVar(&game, "game", "nogo", "nogo or atarigo")
	fl.StringVar(&size, "size", "9", "board size: N or WxH")
	fl.IntVar(&capture, "capture-target", 0, "Atari-Go: stones to capture to win (0: 1, the standard game); give the engines the same rules")
	fl.BoolVar(&allowPass, "allow-pass", false, "Atari-Go: let players pass (two passes end the game, more captures win)")
	fl.IntVar(&openingMoves, "opening-moves", 0, "random legal moves that open each game pair, the same for both games (deterministic engines otherwise repeat their games)")
	fl.IntVar(&games, "games", 100, "games per pairing (even: colour-swapped pairs)")
	fl.IntVar(&concurrency, "concurrency", 1, "games played at once")
	fl.DurationVar(&moveTime, "move-time", 0, "time per move in whole seconds, sent with time_settings and enforced (0: engines use their own limits, e.g. playouts)")
	fl.DurationVar(&margin, "time-margin", 250*time.Millisecond, "slack over --move-time before a move loses on time")
	fl.DurationVar(&hang, "hang-timeout", time.Minute, "an engine silent this long over one command loses the game (used when --move-time is 0)")
	fl.StringVar(&sprt, "sprt", "", "stop a match by SPRT: elo0=E0,elo1=E1[,alpha=A,beta=B]")
	fl.StringVar(&anchor, "anchor", "", "engine rated 0 (default: ratings average 0)")
	fl.StringVar(&out, "out", "", "folder for SGF games and results.jsonl (required)")
	fl.BoolVar(&resume, "resume", false, "continue the run recorded in --out")
	fl.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fl.StringVar(&plotPath, "plot", "", "draw ratings over games to this PNG (or SVG/PDF) file")
	return cmd
}

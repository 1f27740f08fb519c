// Package arena plays matches and tournaments between GTP engines at NoGo
// and Atari-Go, the job cutechess-cli and fastchess do for chess and
// gogui-twogtp for Go. Trident referees every move with its own rules and
// adjudicates illegal moves, crashes, hangs and time losses; an engine
// that misbehaves loses the game and is restarted. Every game is saved as
// SGF and appended to a results file as it finishes, so an interrupted run
// resumes without losing or repeating games, and the results are reported
// with the statistics of package arena/stats.
package arena

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trident-lab/trident/arena/stats"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/sgf"
	"github.com/trident-lab/trident/internal/progress"
)

// Config describes a run.
type Config struct {
	Engines []Engine
	Format  Format
	// Games is the number of games of each pairing, even: games are
	// played in colour-swapped pairs.
	Games      int
	Conditions Conditions
	// Concurrency is the number of games played at once.
	Concurrency int
	// SPRT, for a match, stops it as soon as the test decides.
	SPRT *stats.SPRT
	// Anchor names the engine rated 0; empty centres the ratings.
	Anchor string
	// OutDir receives the SGF files and the results file.
	OutDir string
	// Resume continues the run whose results file is in OutDir.
	Resume bool
	// Progress, if not nil, receives progress reports.
	Progress io.Writer
	// EngineLog, if not nil, receives the engines' standard error.
	EngineLog io.Writer

	// rules makes the referee's position; nil means Trident's rules
	// (newPosition). Tests referee simpler games with it.
	rules func(Conditions) (position, error)
}

// MaxGames bounds the games of one pairing.
const MaxGames = 1 << 20

// maxEngines bounds the field.
const maxEngines = 64

func (c *Config) validate() error {
	if err := c.Format.checkField(len(c.Engines)); err != nil {
		return err
	}
	if len(c.Engines) > maxEngines {
		return fmt.Errorf("at most %d engines, got %d", maxEngines, len(c.Engines))
	}
	seen := map[string]bool{}
	for _, e := range c.Engines {
		if seen[e.Name] {
			return fmt.Errorf("two engines are named %q: give them different name= values", e.Name)
		}
		seen[e.Name] = true
	}
	if c.Anchor != "" && !seen[c.Anchor] {
		return fmt.Errorf("anchor %q is not one of the engines", c.Anchor)
	}
	switch {
	case c.Games < 2 || c.Games%2 != 0 || c.Games > MaxGames:
		return fmt.Errorf("games per pairing must be even and 2 to %d (colour-swapped pairs), got %d", MaxGames, c.Games)
	case c.Concurrency < 1 || c.Concurrency > 256:
		return fmt.Errorf("concurrency must be 1 to 256, got %d", c.Concurrency)
	case c.SPRT != nil && c.Format != FormatMatch:
		return fmt.Errorf("an SPRT needs the match format")
	case c.OutDir == "":
		return fmt.Errorf("no output folder")
	}
	if c.SPRT != nil {
		if err := c.SPRT.Validate(); err != nil {
			return err
		}
	}
	cd := c.Conditions
	switch {
	case cd.Game != "nogo" && cd.Game != "atarigo":
		return fmt.Errorf("unknown game %q (want nogo or atarigo)", cd.Game)
	case cd.Width < 2 || cd.Height < 2 || cd.Width > sgf.MaxBoardSide || cd.Height > sgf.MaxBoardSide:
		return fmt.Errorf("board %dx%d: sides must be 2 to %d", cd.Width, cd.Height, sgf.MaxBoardSide)
	case cd.Game == "nogo" && (cd.CaptureTarget != 0 || cd.AllowPass):
		return fmt.Errorf("capture target and passing are Atari-Go options")
	case cd.CaptureTarget < 0 || cd.CaptureTarget > cd.Width*cd.Height:
		return fmt.Errorf("capture target %d is not between 0 and the number of points", cd.CaptureTarget)
	case cd.OpeningMoves < 0 || cd.OpeningMoves > cd.Width*cd.Height/2:
		return fmt.Errorf("opening moves %d: want 0 to half the board's points", cd.OpeningMoves)
	case cd.MoveTime < 0 || cd.MoveTime%time.Second != 0:
		return fmt.Errorf("move time %s: GTP clocks count whole seconds", cd.MoveTime)
	case cd.HangTimeout <= 0 || cd.TimeMargin < 0:
		return fmt.Errorf("hang timeout must be positive and time margin not negative")
	}
	return nil
}

func (c *Config) settings() Settings {
	return Settings{Engines: c.Engines, Format: c.Format, Game: c.Conditions.Game,
		Width: c.Conditions.Width, Height: c.Conditions.Height, Games: c.Games,
		MoveTime:      int(c.Conditions.MoveTime / time.Second),
		CaptureTarget: c.Conditions.CaptureTarget, AllowPass: c.Conditions.AllowPass,
		OpeningMoves: c.Conditions.OpeningMoves}
}

// ErrInterrupted is returned (wrapped) when the run's context ends before
// the schedule is complete; the games finished so far are saved.
var ErrInterrupted = errors.New("interrupted")

// Run plays the schedule of cfg, skipping games a resumed run has already
// played, and returns the report of all games. When ctx ends early it
// returns the report so far with an error wrapping ErrInterrupted.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// Check every engine before touching the results, so a typo in a
	// command leaves nothing behind.
	for _, e := range cfg.Engines {
		c, err := startProcess(ctx, e, cfg.EngineLog)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%w while starting the engines", ErrInterrupted)
			}
			return nil, err
		}
		// An engine that answers but does not quit cleanly is killed
		// after each game run; that is no reason to stop.
		_ = c.Close()
	}
	if err := os.MkdirAll(filepath.Join(cfg.OutDir, "games"), 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	res, done, err := openResults(cfg.OutDir, cfg.settings(), cfg.Resume)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	r := &runner{cfg: cfg, res: res, records: done, done: map[string]bool{}}
	for _, d := range done {
		r.done[d.ID] = true
	}
	err = r.run(ctx)
	return buildReport(cfg, r.records, r.rounds), err
}

// runner holds the state of one run.
type runner struct {
	cfg     Config
	res     *results
	records []Record
	done    map[string]bool
	rounds  []KnockoutRound
}

func (r *runner) run(ctx context.Context) error {
	n := len(r.cfg.Engines)
	ps := firstRound(r.cfg.Format, n)
	var byes []int
	if r.cfg.Format == FormatKnockout {
		seeds := make([]int, n)
		for i := range seeds {
			seeds[i] = i
		}
		ps, byes = knockoutRound(seeds)
	}
	for round := 1; ; round++ {
		games := roundGames(round, ps, r.cfg.Games)
		if err := r.play(ctx, games); err != nil {
			return err
		}
		if r.cfg.Format != FormatKnockout {
			return nil
		}
		stage := KnockoutRound{Round: round, Byes: names(r.cfg.Engines, byes)}
		survivors := append([]int(nil), byes...)
		for m, p := range ps {
			res := r.matchResult(round, m+1, p)
			stage.Matches = append(stage.Matches, res)
			if res.Winner == r.cfg.Engines[p.A].Name {
				survivors = append(survivors, p.A)
			} else {
				survivors = append(survivors, p.B)
			}
		}
		r.rounds = append(r.rounds, stage)
		if len(survivors) == 1 {
			return nil
		}
		ps, byes = knockoutRound(survivors)
	}
}

// matchResult sums one knockout match.
func (r *runner) matchResult(round, match int, p pairing) KnockoutMatch {
	a, b := r.cfg.Engines[p.A].Name, r.cfg.Engines[p.B].Name
	km := KnockoutMatch{A: a, B: b}
	for _, rec := range r.records {
		if rec.Round == round && rec.Match == match {
			km.PointsA += rec.ScoreFor(a)
			km.PointsB += rec.ScoreFor(b)
		}
	}
	km.Winner = a // the higher seed takes a tie
	if km.PointsB > km.PointsA {
		km.Winner = b
	}
	return km
}

func names(es []Engine, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, es[i].Name)
	}
	return out
}

// outcome is what a worker hands back for one game.
type outcome struct {
	rec  Record
	game *sgf.Game
	err  error
}

// play runs the games not yet done, cfg.Concurrency at a time, saving each
// as it finishes.
func (r *runner) play(parent context.Context, games []scheduled) error {
	var todo []scheduled
	for _, g := range games {
		if !r.done[g.ID] {
			todo = append(todo, g)
		}
	}
	if len(todo) == 0 || r.sprtDecided() {
		return nil
	}
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var prog *progress.Reporter
	if r.cfg.Progress != nil {
		prog = progress.New(r.cfg.Progress, len(todo), "games")
	}
	jobs := make(chan scheduled)
	outcomes := make(chan outcome)
	var wg sync.WaitGroup
	for range min(r.cfg.Concurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{cfg: &r.cfg, conns: make([]conn, len(r.cfg.Engines))}
			defer w.close()
			for g := range jobs {
				o := w.play(ctx, g)
				select {
				case outcomes <- o:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, g := range todo {
			select {
			case jobs <- g:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(outcomes)
	}()
	var firstErr error
	stopped := false
	for o := range outcomes {
		if o.err != nil {
			if firstErr == nil && ctx.Err() == nil {
				firstErr = o.err
			}
			cancel()
			continue
		}
		if stopped || firstErr != nil {
			// Finished after the stop; the resumed run will replay it.
			continue
		}
		if err := r.save(o); err != nil {
			firstErr = err
			cancel()
			continue
		}
		if prog != nil {
			prog.Add(1, o.rec.ID+" "+o.rec.Result)
		}
		if r.sprtDecided() {
			stopped = true
			cancel()
		}
	}
	if prog != nil {
		prog.Finish()
	}
	switch {
	case firstErr != nil:
		return firstErr
	case parent.Err() != nil:
		return fmt.Errorf("%w after %d games; rerun with --resume to continue", ErrInterrupted, len(r.records))
	}
	return nil
}

// save writes the game's SGF, then its line in the results file, so every
// recorded game has its SGF.
func (r *runner) save(o outcome) error {
	var buf bytes.Buffer
	if err := sgf.WriteGame(&buf, o.game); err != nil {
		return fmt.Errorf("saving game %s: %w", o.rec.ID, err)
	}
	if err := writeAtomic(filepath.Join(r.cfg.OutDir, o.rec.SGF), buf.Bytes()); err != nil {
		return fmt.Errorf("saving game %s: %w", o.rec.ID, err)
	}
	if err := r.res.add(o.rec); err != nil {
		return err
	}
	r.records = append(r.records, o.rec)
	r.done[o.rec.ID] = true
	return nil
}

// sprtDecided reports whether the match's SPRT has stopped.
func (r *runner) sprtDecided() bool {
	if r.cfg.SPRT == nil {
		return false
	}
	p := headToHead(r.cfg.Engines[0].Name, r.cfg.Engines[1].Name, r.records).Penta
	return r.cfg.SPRT.Decide(r.cfg.SPRT.LLR(p)) != stats.Continue
}

// worker plays games one after another, keeping its own engine processes
// between games and restarting those that broke.
type worker struct {
	cfg   *Config
	conns []conn
}

func (w *worker) close() {
	for i, c := range w.conns {
		if c != nil {
			_ = c.Close()
			w.conns[i] = nil
		}
	}
}

func (w *worker) seat(ctx context.Context, i int, color gtp.Color) (*seat, error) {
	if w.conns[i] == nil {
		c, err := startProcess(ctx, w.cfg.Engines[i], w.cfg.EngineLog)
		if err != nil {
			return nil, fmt.Errorf("restarting: %w", err)
		}
		w.conns[i] = c
	}
	return &seat{name: w.cfg.Engines[i].Name, color: color, c: w.conns[i]}, nil
}

func (w *worker) play(ctx context.Context, g scheduled) outcome {
	black, err := w.seat(ctx, g.Black, gtp.Black)
	if err != nil {
		return outcome{err: err}
	}
	white, err := w.seat(ctx, g.White, gtp.White)
	if err != nil {
		return outcome{err: err}
	}
	cond := w.cfg.Conditions
	rules := w.cfg.rules
	if rules == nil {
		rules = newPosition
	}
	pos, err := rules(cond)
	if err != nil {
		return outcome{err: err}
	}
	opening, err := openingFor(cond, rules, g)
	if err != nil {
		return outcome{err: err}
	}
	start := time.Now()
	p, err := refereeGame(ctx, cond, pos, opening, black, white)
	for _, s := range []struct {
		s *seat
		i int
	}{{black, g.Black}, {white, g.White}} {
		if s.s.broken || err != nil {
			_ = w.conns[s.i].Kill()
			w.conns[s.i] = nil
		}
	}
	if err != nil {
		return outcome{err: err}
	}
	rec := Record{ID: g.ID, Round: g.Round, Match: g.Match, Index: g.Index,
		Black: black.name, White: white.name, Result: p.result, Reason: p.reason,
		Moves: len(p.moves), Seconds: time.Since(start).Seconds(),
		SGF: filepath.Join("games", g.ID+".sgf"), Finished: time.Now().UTC().Truncate(time.Millisecond)}
	switch p.winner {
	case gtp.Black:
		rec.Winner = "black"
	case gtp.White:
		rec.Winner = "white"
	}
	game := &sgf.Game{Rules: rulesOf(cond), Width: cond.Width, Height: cond.Height,
		Black: rec.Black, White: rec.White, Result: rec.Result, Moves: p.moves,
		Extra: []sgf.Property{
			{ID: "GN", Raw: []string{sgf.Escape(rec.ID)}},
			{ID: "DT", Raw: []string{rec.Finished.Format("2006-01-02")}},
			{ID: "PC", Raw: []string{"trident arena"}},
			{ID: "GC", Raw: []string{sgf.Escape(rec.Reason)}},
		}}
	return outcome{rec: rec, game: game}
}

func rulesOf(cond Conditions) sgf.Rules {
	if cond.Game == "atarigo" {
		return sgf.Rules{Variant: sgf.AtariGo, CaptureTarget: cond.CaptureTarget, PassAllowed: cond.AllowPass}
	}
	return sgf.Rules{Variant: sgf.NoGo}
}

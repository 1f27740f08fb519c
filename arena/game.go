package arena

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/sgf"
)

// position is the referee's copy of a game: it checks every move against
// Trident's own rules and says when and how the game ends.
type position interface {
	// Play plays m for c, or returns an error saying why it is illegal.
	Play(c gtp.Color, m gtp.Move) error
	// ToMove returns the colour whose turn it is.
	ToMove() gtp.Color
	// Outcome reports whether the game is over, the winner (0 for a
	// draw) and how it ended in words.
	Outcome() (over bool, winner gtp.Color, how string)
	// Legal lists the legal moves on points of the player to move.
	Legal() []gtp.Move
}

// Conditions are the rules and limits of every game of a run.
type Conditions struct {
	// Game is "nogo" or "atarigo".
	Game          string
	Width, Height int
	// CaptureTarget (Atari-Go) is the number of captured stones that wins;
	// 0 means 1, the standard game. AllowPass lets Atari-Go players pass;
	// two passes in a row end the game, more captures winning.
	CaptureTarget int
	AllowPass     bool
	// OpeningMoves is the number of random legal moves that start each
	// game pair, the same for both games of the pair, as an opening book
	// does for chess engines: without it deterministic engines replay the
	// same games. 0 starts from the empty board.
	OpeningMoves int
	// MoveTime is the time per move, whole seconds, sent to the engines
	// with time_settings (as byo-yomi of one stone) and enforced with
	// TimeMargin of slack; 0 leaves the limit to the engines' own flags
	// (for example a number of playouts).
	MoveTime   time.Duration
	TimeMargin time.Duration
	// HangTimeout is how long an engine may take over any command other
	// than a timed genmove (every genmove when MoveTime is 0) before it is
	// declared hung.
	HangTimeout time.Duration
}

// seat is an engine's place in one game.
type seat struct {
	name  string
	color gtp.Color
	c     conn
	// broken is set when the engine crashed, hung, lost on time or spoke
	// garbage: its connection is out of step and it must be restarted.
	broken bool
}

// forfeit is how a game ended by adjudication: loser lost, for reason.
type forfeit struct {
	loser  *seat
	code   string // SGF result suffix: "F" forfeit, "T" time, "R" resignation
	reason string
}

// played is a finished game: its record (without schedule fields) and SGF.
type played struct {
	winner gtp.Color // 0 for a draw
	result string
	reason string
	moves  []sgf.Move
}

// refereeGame plays one game between black and white under cond on the
// position pos. Misbehaving engines lose the game; the returned error is
// only ctx's (or a bug: an opening move the rules refuse).
func refereeGame(ctx context.Context, cond Conditions, pos position, opening []gtp.Move, black, white *seat) (played, error) {
	var moves []sgf.Move
	end := func(f *forfeit) played {
		winner := f.loser.color.Opponent()
		return played{winner: winner, result: resultString(winner, f.code), reason: f.reason, moves: moves}
	}
	for _, s := range []*seat{black, white} {
		if f := setUp(ctx, cond, s); f != nil {
			if err := ctx.Err(); err != nil {
				return played{}, err
			}
			return end(f), nil
		}
	}
	for _, m := range opening {
		c := pos.ToMove()
		if err := pos.Play(c, m); err != nil {
			return played{}, fmt.Errorf("opening move %s: %w", m, err)
		}
		moves = append(moves, sgfMove(c, m, cond.Height))
		for _, s := range []*seat{black, white} {
			if f := tell(ctx, cond, s, c, m); f != nil {
				if err := ctx.Err(); err != nil {
					return played{}, err
				}
				return end(f), nil
			}
		}
	}
	limit := 4 * cond.Width * cond.Height
	for ply := 0; ; ply++ {
		if over, winner, how := pos.Outcome(); over {
			return played{winner: winner, result: resultString(winner, ""), reason: how, moves: moves}, nil
		}
		if ply >= limit {
			return played{result: "0", reason: fmt.Sprintf("move limit of %d reached", limit), moves: moves}, nil
		}
		mover, other := black, white
		if pos.ToMove() == gtp.White {
			mover, other = white, black
		}
		m, f := askMove(ctx, cond, mover)
		if f == nil && !m.Resign {
			if err := pos.Play(mover.color, m); err != nil {
				f = &forfeit{mover, "F", fmt.Sprintf("%s (%s) played the illegal move %s: %v", mover.name, mover.color, m, err)}
			}
		}
		if f == nil && m.Resign {
			f = &forfeit{mover, "R", fmt.Sprintf("%s (%s) resigned", mover.name, mover.color)}
		}
		if f == nil {
			moves = append(moves, sgfMove(mover.color, m, cond.Height))
			f = tell(ctx, cond, other, mover.color, m)
		}
		if f != nil {
			if err := ctx.Err(); err != nil {
				return played{}, err
			}
			return end(f), nil
		}
	}
}

// setUp prepares an engine for a new game.
func setUp(ctx context.Context, cond Conditions, s *seat) *forfeit {
	size := fmt.Sprintf("boardsize %d", cond.Width)
	if cond.Width != cond.Height {
		size = fmt.Sprintf("rectangular_boardsize %d %d", cond.Width, cond.Height)
	}
	cmds := []string{size}
	if cond.Width == cond.Height {
		// Engines that know GoGui's query_boardsize can show they did not
		// ignore boardsize; others are caught by their moves.
		cmds = append(cmds, "query_boardsize")
	}
	cmds = append(cmds, "clear_board")
	if cond.MoveTime > 0 {
		cmds = append(cmds, fmt.Sprintf("time_settings 0 %d 1", int(cond.MoveTime/time.Second)))
	}
	for _, cmd := range cmds {
		reply, err := command(ctx, cond, s, cmd, cond.HangTimeout)
		var ee *gtp.EngineError
		switch {
		case err == nil && cmd == "query_boardsize":
			if n, perr := strconv.Atoi(strings.TrimSpace(reply)); perr == nil && n != cond.Width {
				return &forfeit{s, "F", fmt.Sprintf("%s ignores boardsize: asked for %d, query_boardsize answers %d", s.name, cond.Width, n)}
			}
		case errors.As(err, &ee) && cmd == "query_boardsize":
			// Not every engine knows it.
		case err == nil:
		case errors.As(err, &ee) && strings.HasPrefix(cmd, "time_settings"):
			// An engine without a clock still plays; it may lose on time.
		case errors.As(err, &ee):
			return &forfeit{s, "F", fmt.Sprintf("%s refused %q: %s", s.name, cmd, ee.Msg)}
		default:
			return &forfeit{s, "F", fmt.Sprintf("%s failed at %q: %v", s.name, cmd, err)}
		}
	}
	return nil
}

// askMove asks the mover for its move and enforces the time limit.
func askMove(ctx context.Context, cond Conditions, s *seat) (gtp.Move, *forfeit) {
	limit := cond.HangTimeout
	if cond.MoveTime > 0 {
		left := strconv.Itoa(int(cond.MoveTime / time.Second))
		if _, err := command(ctx, cond, s, "time_left "+s.color.String()+" "+left+" 1", cond.HangTimeout); err != nil {
			var ee *gtp.EngineError
			if !errors.As(err, &ee) {
				return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s failed at time_left: %v", s.name, err)}
			}
		}
		limit = cond.MoveTime + cond.TimeMargin
	}
	start := time.Now()
	reply, err := command(ctx, cond, s, "genmove "+s.color.String(), limit)
	elapsed := time.Since(start)
	var ee *gtp.EngineError
	switch {
	case errors.Is(err, context.DeadlineExceeded) && cond.MoveTime > 0:
		return gtp.Move{}, &forfeit{s, "T", fmt.Sprintf("%s (%s) lost on time: no move within %s", s.name, s.color, limit)}
	case errors.Is(err, context.DeadlineExceeded):
		return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s (%s) hung: no move within %s", s.name, s.color, limit)}
	case errors.As(err, &ee):
		return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s (%s) refused genmove: %s", s.name, s.color, ee.Msg)}
	case err != nil:
		return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s (%s) failed at genmove: %v", s.name, s.color, err)}
	case cond.MoveTime > 0 && elapsed > limit:
		s.broken = true
		return gtp.Move{}, &forfeit{s, "T", fmt.Sprintf("%s (%s) lost on time: %.2fs for a move", s.name, s.color, elapsed.Seconds())}
	}
	text := strings.TrimSpace(reply)
	m, perr := gtp.ParseMove(text)
	if perr != nil || strings.ContainsAny(text, " \n") {
		return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s (%s) answered genmove with %q, not a move", s.name, s.color, clip(text))}
	}
	if !m.Pass && !m.Resign && (m.X >= cond.Width || m.Y >= cond.Height) {
		return gtp.Move{}, &forfeit{s, "F", fmt.Sprintf("%s (%s) played %s, off the %dx%d board (does it ignore boardsize?)", s.name, s.color, m, cond.Width, cond.Height)}
	}
	return m, nil
}

// tell passes the mover's move to the other engine, which must accept it.
func tell(ctx context.Context, cond Conditions, s *seat, c gtp.Color, m gtp.Move) *forfeit {
	cmd := "play " + c.String() + " " + m.String()
	_, err := command(ctx, cond, s, cmd, cond.HangTimeout)
	var ee *gtp.EngineError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return &forfeit{s, "F", fmt.Sprintf("%s refused the legal move %q: %s (other rules or board size?)", s.name, cmd, ee.Msg)}
	}
	return &forfeit{s, "F", fmt.Sprintf("%s failed at %q: %v", s.name, cmd, err)}
}

// command sends one command with a time limit and marks the seat broken
// when the connection is lost.
func command(ctx context.Context, cond Conditions, s *seat, cmd string, limit time.Duration) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	reply, err := s.c.Command(cctx, cmd)
	var ee *gtp.EngineError
	if err != nil && !errors.As(err, &ee) {
		s.broken = true
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return "", fmt.Errorf("no reply within %s: %w", limit, context.DeadlineExceeded)
		}
	}
	return reply, err
}

// resultString is the SGF RE value for a win by winner (0: draw) with the
// given suffix ("" for a win by the rules).
func resultString(winner gtp.Color, code string) string {
	switch winner {
	case gtp.Black:
		return "B+" + code
	case gtp.White:
		return "W+" + code
	}
	return "0"
}

// sgfMove converts a GTP move (rows from the bottom) to an SGF one (rows
// from the top).
func sgfMove(c gtp.Color, m gtp.Move, height int) sgf.Move {
	col := sgf.Black
	if c == gtp.White {
		col = sgf.White
	}
	if m.Pass {
		return sgf.Move{Color: col, Pass: true}
	}
	return sgf.Move{Color: col, At: sgf.Point{X: m.X, Y: height - 1 - m.Y}}
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// openingFor returns the random opening of the game pair that g belongs
// to: cond.OpeningMoves legal moves drawn with a seed made from the pair's
// place in the schedule, so both games of the pair, and a resumed run,
// get the same opening.
func openingFor(cond Conditions, rules func(Conditions) (position, error), g scheduled) ([]gtp.Move, error) {
	if cond.OpeningMoves == 0 {
		return nil, nil
	}
	pos, err := rules(cond)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "r%d-m%d-p%d", g.Round, g.Match, g.Index/2)
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x9e3779b97f4a7c15))
	var moves []gtp.Move
	for range cond.OpeningMoves {
		legal := pos.Legal()
		if len(legal) == 0 {
			break
		}
		m := legal[rng.IntN(len(legal))]
		if err := pos.Play(pos.ToMove(), m); err != nil {
			return nil, err
		}
		if over, _, _ := pos.Outcome(); over {
			// Leave the game to the engines: an opening that ends it
			// stops one move short.
			break
		}
		moves = append(moves, m)
	}
	return moves, nil
}

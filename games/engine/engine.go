// Package engine is a playing engine for NoGo and Atari-Go: a game in
// progress with its history, an MCTS tree kept across moves, and a clock.
// It implements gtp.Engine, and serves the Botzone bot and terminal play.
package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/mcts"
	"github.com/trident-lab/trident/games/sgf"
)

// Engine plays one game at a time. It is not safe for concurrent use.
type Engine struct {
	name, version string
	rules         board.Rules
	b             *board.Board
	tree          *mcts.Tree
	cfg           mcts.Config
	budget        mcts.Budget
	clock         gtp.TimeSettings
	left          [3]time.Duration // from time_left; 0 when unknown
	stones        [3]int           // from time_left: stones left in the byo-yomi period
	last          mcts.Result
	moves         []played // the game so far, for Record
}

type played struct {
	c board.Color
	p board.Point
}

// New returns an engine for a w×h game under rules, searching with cfg
// within budget per move (time_settings and time_left can shorten it).
func New(name, version string, w, h int, rules board.Rules, cfg mcts.Config, budget mcts.Budget) (*Engine, error) {
	if budget.Playouts <= 0 && budget.Time <= 0 {
		return nil, errors.New("engine: budget per move has neither playouts nor time")
	}
	b, err := board.New(w, h, rules)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return &Engine{name: name, version: version, rules: rules, b: b, tree: mcts.New(b, cfg), cfg: cfg, budget: budget}, nil
}

// Board returns a copy of the current position (without history).
func (e *Engine) Board() *board.Board { return e.b.Clone() }

// MoveCount returns the number of moves played in the game so far.
func (e *Engine) MoveCount() int { return len(e.moves) }

// LastSearch returns the result of the engine's latest search.
func (e *Engine) LastSearch() mcts.Result { return e.last }

// Name implements gtp.Engine.
func (e *Engine) Name() string { return e.name }

// Version implements gtp.Engine.
func (e *Engine) Version() string { return e.version }

// SetBoardSize implements gtp.Engine: a new empty w×h board.
func (e *Engine) SetBoardSize(w, h int) error {
	b, err := board.New(w, h, e.rules)
	if err != nil {
		return err
	}
	e.b = b
	e.tree.Reset(b)
	e.moves = nil
	return nil
}

// ClearBoard implements gtp.Engine.
func (e *Engine) ClearBoard() {
	e.b.Clear()
	e.tree.Reset(e.b)
	e.left = [3]time.Duration{}
	e.stones = [3]int{}
	e.moves = nil
}

// point converts a GTP move to a board point.
func (e *Engine) point(m gtp.Move) (board.Point, error) {
	if m.Pass {
		return board.Pass, nil
	}
	return e.b.Point(m.X, m.Y)
}

// Move converts a board point to a GTP move.
func (e *Engine) Move(p board.Point) gtp.Move {
	if p == board.Pass {
		return gtp.Move{Pass: true}
	}
	x, y := e.b.XY(p)
	return gtp.Move{X: x, Y: y}
}

// Play implements gtp.Engine; moves the rules forbid, off-board points
// included, wrap gtp.ErrIllegalMove.
func (e *Engine) Play(c gtp.Color, m gtp.Move) error {
	p, err := e.point(m)
	if err != nil {
		return fmt.Errorf("%v: %w", err, gtp.ErrIllegalMove)
	}
	return e.PlayPoint(board.Color(c), p)
}

// PlayPoint plays p for c and moves the search tree along.
func (e *Engine) PlayPoint(c board.Color, p board.Point) error {
	follow := e.b.ToMove() == c
	if err := e.b.PlayAs(c, p); err != nil {
		return fmt.Errorf("%v: %w", err, gtp.ErrIllegalMove)
	}
	e.moves = append(e.moves, played{c, p})
	if !follow || e.tree.Advance(p) != nil {
		e.tree.Reset(e.b)
	}
	return nil
}

// GenMove implements gtp.Engine: it searches, plays and returns the move,
// or returns resign when the game is lost (or already over).
func (e *Engine) GenMove(ctx context.Context, c gtp.Color) (gtp.Move, error) {
	p, resign, err := e.Think(ctx, board.Color(c))
	if err != nil {
		return gtp.Move{}, err
	}
	if resign {
		return gtp.Move{Resign: true}, nil
	}
	if err := e.PlayPoint(board.Color(c), p); err != nil {
		return gtp.Move{}, fmt.Errorf("engine: own move %s: %w", e.b.PointName(p), err)
	}
	return e.Move(p), nil
}

// Think searches for c's move without playing it. resign is true when the
// game is over or the search advises resigning.
func (e *Engine) Think(ctx context.Context, c board.Color) (p board.Point, resign bool, err error) {
	if e.b.ToMove() != c {
		return board.Pass, false, fmt.Errorf("it is %v's turn, not %v's", e.b.ToMove(), c)
	}
	if e.b.Over() {
		return board.Pass, true, nil
	}
	res, err := e.tree.Search(ctx, e.moveBudget(c))
	e.last = res
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return board.Pass, false, err
	}
	if res.Resign {
		return board.Pass, true, nil
	}
	if res.Move == board.Pass && !e.rules.AllowPass {
		// Cancelled before the root grew children: fall back to any
		// legal move rather than an illegal pass.
		moves := e.b.LegalMoves(nil)
		if len(moves) == 0 {
			return board.Pass, true, nil
		}
		res.Move = moves[0]
	}
	return res.Move, false, nil
}

// moveBudget spreads the remaining clock over the moves likely left, and
// never exceeds the configured budget. In byo-yomi (time_left with stones
// > 0) the period's time is shared by its stones; in main time the main
// time by the moves likely left, plus most of one byo-yomi move.
func (e *Engine) moveBudget(c board.Color) mcts.Budget {
	b := e.budget
	left, stones := e.left[c], e.stones[c]
	if left <= 0 && e.clock.Main > 0 && e.b.MoveCount() == 0 {
		left = e.clock.Main
	}
	if left <= 0 && e.clock.Main == 0 && e.clock.Byoyomi > 0 && e.clock.ByoyomiStones > 0 {
		left, stones = e.clock.Byoyomi, e.clock.ByoyomiStones
	}
	if left <= 0 {
		return b
	}
	if stones == 0 && e.clock.Main == 0 && e.clock.ByoyomiStones > 0 {
		// Without main time every move is in byo-yomi, whatever the
		// controller's time_left says about stones: the time left is the
		// period's, not main time to add one more period to.
		stones = e.clock.ByoyomiStones
	}
	var t time.Duration
	if stones > 0 {
		t = left * 8 / 10 / time.Duration(stones)
	} else {
		empty := e.b.Stones(board.Empty)
		movesLeft := max(empty.Count()/3, 8)
		t = left / time.Duration(movesLeft)
		if e.clock.ByoyomiStones > 0 {
			t += e.clock.Byoyomi * 8 / 10 / time.Duration(e.clock.ByoyomiStones)
		}
	}
	if b.Time <= 0 || t < b.Time {
		b.Time = max(t, 10*time.Millisecond)
	}
	return b
}

// Undo implements gtp.Engine.
func (e *Engine) Undo() error {
	if err := e.b.Undo(); err != nil {
		return err
	}
	if len(e.moves) > 0 {
		e.moves = e.moves[:len(e.moves)-1]
	}
	e.tree.Reset(e.b)
	return nil
}

// ShowBoard implements gtp.Engine: the board and the latest estimate.
func (e *Engine) ShowBoard() string {
	var s strings.Builder
	s.WriteString(e.b.String())
	if e.last.Playouts > 0 {
		fmt.Fprintf(&s, "\nlast search: %d playouts, %.0f%% to win for the side that moved", e.last.Playouts, 100*e.last.WinRate)
	}
	return s.String()
}

// FinalScore implements gtp.Engine: "B+R" or "W+R" (the loser had no
// legal move or was captured), "0" for a draw.
func (e *Engine) FinalScore() (string, error) {
	if !e.b.Over() {
		return "", errors.New("game not over")
	}
	switch e.b.Winner() {
	case board.Black:
		return "B+R", nil
	case board.White:
		return "W+R", nil
	}
	return "0", nil
}

// TimeSettings implements gtp.Engine.
func (e *Engine) TimeSettings(t gtp.TimeSettings) { e.clock = t }

// TimeLeft implements gtp.Engine.
func (e *Engine) TimeLeft(c gtp.Color, left time.Duration, stones int) {
	if c == gtp.Black || c == gtp.White {
		e.left[c], e.stones[c] = left, stones
	}
}

// Record returns the game so far as an SGF record.
func (e *Engine) Record(black, white string) *sgf.Game {
	g := &sgf.Game{
		Rules: sgf.Rules{Variant: sgf.NoGo},
		Width: e.b.Width(), Height: e.b.Height(),
		Black: black, White: white,
		Extra: []sgf.Property{{ID: "AP", Raw: []string{sgf.Escape(e.name) + ":" + sgf.Escape(e.version)}}},
	}
	if e.rules.Game == board.AtariGo {
		g.Rules = sgf.Rules{Variant: sgf.AtariGo, CaptureTarget: e.rules.CaptureTarget, PassAllowed: e.rules.AllowPass}
	}
	for _, m := range e.moves {
		sm := sgf.Move{Color: sgf.Black, Pass: m.p == board.Pass}
		if m.c == board.White {
			sm.Color = sgf.White
		}
		if !sm.Pass {
			x, y := e.b.XY(m.p)
			sm.At = sgf.Point{X: x, Y: e.b.Height() - 1 - y} // SGF rows run from the top
		}
		g.Moves = append(g.Moves, sm)
	}
	if score, err := e.FinalScore(); err == nil {
		g.Result = score // "B+R", "W+R", or "0", which is also SGF's draw
	}
	return g
}

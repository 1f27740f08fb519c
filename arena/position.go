package arena

import (
	"fmt"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/gtp"
)

// boardPosition referees with Trident's own rules, package games/board.
type boardPosition struct {
	b *board.Board
	// passes counts passes in a row; passedTwice is set when the game
	// ended that way.
	passes      int
	passedTwice bool
}

// newPosition returns the referee's position for cond.
func newPosition(cond Conditions) (position, error) {
	rules := board.Rules{Game: board.NoGo}
	if cond.Game == "atarigo" {
		rules = board.Rules{Game: board.AtariGo, CaptureTarget: cond.CaptureTarget, AllowPass: cond.AllowPass}
	}
	b, err := board.New(cond.Width, cond.Height, rules)
	if err != nil {
		return nil, fmt.Errorf("referee: %w", err)
	}
	return &boardPosition{b: b}, nil
}

func toGTP(c board.Color) gtp.Color {
	switch c {
	case board.Black:
		return gtp.Black
	case board.White:
		return gtp.White
	}
	return 0
}

func (p *boardPosition) ToMove() gtp.Color { return toGTP(p.b.ToMove()) }

func (p *boardPosition) Play(c gtp.Color, m gtp.Move) error {
	if c != p.ToMove() {
		return fmt.Errorf("it is %s's turn", p.ToMove())
	}
	pt := board.Pass
	if !m.Pass {
		var err error
		if pt, err = p.b.Point(m.X, m.Y); err != nil {
			return err
		}
	}
	if err := p.b.Play(pt); err != nil {
		return err
	}
	if m.Pass {
		p.passes++
	} else {
		p.passes = 0
	}
	p.passedTwice = p.passes >= 2
	return nil
}

func (p *boardPosition) Legal() []gtp.Move {
	var out []gtp.Move
	for _, pt := range p.b.LegalMoves(nil) {
		if pt != board.Pass {
			x, y := p.b.XY(pt)
			out = append(out, gtp.Move{X: x, Y: y})
		}
	}
	return out
}

func (p *boardPosition) Outcome() (bool, gtp.Color, string) {
	if !p.b.Over() {
		return false, 0, ""
	}
	w := p.b.Winner()
	switch {
	case w == board.Empty:
		return true, 0, "drawn: two passes with equal captures"
	case p.b.Rules().Game == board.AtariGo && p.b.Rules().AllowPass && p.passedTwice:
		return true, toGTP(w), fmt.Sprintf("two passes: %s captured more (%d to %d)", w, p.b.Captures(w), p.b.Captures(w.Opponent()))
	case p.b.Rules().Game == board.AtariGo && p.b.Captures(w) > 0:
		return true, toGTP(w), fmt.Sprintf("%s captured %d stone(s)", w, p.b.Captures(w))
	}
	return true, toGTP(w), fmt.Sprintf("%s has no legal move", w.Opponent())
}

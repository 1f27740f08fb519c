package engine

import (
	"context"
	"fmt"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/botzone"
)

// BotzonePlayer drives an Engine for the Botzone judge. Botzone's x is the
// column and y the row from 0; the mapping only has to be consistent, as
// the games are symmetric.
type BotzonePlayer struct {
	e  *Engine
	me board.Color
}

// NewBotzonePlayer returns a Botzone player using e.
func NewBotzonePlayer(e *Engine) *BotzonePlayer { return &BotzonePlayer{e: e, me: board.Black} }

// NewGame implements botzone.Player.
func (p *BotzonePlayer) NewGame(first bool) error {
	p.e.ClearBoard()
	p.me = board.White
	if first {
		p.me = board.Black
	}
	return nil
}

func (p *BotzonePlayer) point(m botzone.Move) (board.Point, error) {
	pt, err := p.e.b.Point(m.X, m.Y)
	if err != nil {
		return 0, fmt.Errorf("move (%d, %d) is off the %dx%d board", m.X, m.Y, p.e.b.Width(), p.e.b.Height())
	}
	return pt, nil
}

// Opponent implements botzone.Player.
func (p *BotzonePlayer) Opponent(m botzone.Move) error {
	pt, err := p.point(m)
	if err != nil {
		return err
	}
	return p.e.PlayPoint(p.me.Opponent(), pt)
}

// Own implements botzone.Player.
func (p *BotzonePlayer) Own(m botzone.Move) error {
	pt, err := p.point(m)
	if err != nil {
		return err
	}
	return p.e.PlayPoint(p.me, pt)
}

// Choose implements botzone.Player. Botzone has no resignation: when the
// game is lost the bot still plays its best move, and with no legal move
// left it answers (-1, -1).
func (p *BotzonePlayer) Choose(ctx context.Context) (botzone.Move, string, error) {
	pt, resign, err := p.e.Think(ctx, p.me)
	if err != nil {
		return botzone.Move{}, "", err
	}
	if resign {
		pt = p.e.last.Move
	}
	if !p.e.b.IsLegalFor(p.me, pt) {
		moves := p.e.b.LegalMoves(nil)
		if len(moves) == 0 {
			return botzone.Move{X: -1, Y: -1}, "no legal move", nil
		}
		pt = moves[0]
	}
	if err := p.e.PlayPoint(p.me, pt); err != nil {
		return botzone.Move{}, "", err
	}
	x, y := p.e.b.XY(pt)
	r := p.e.last
	return botzone.Move{X: x, Y: y}, fmt.Sprintf("%d playouts, win %.0f%%", r.Playouts, 100*r.WinRate), nil
}

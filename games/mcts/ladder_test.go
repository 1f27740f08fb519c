package mcts

import (
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// setup places stones for either colour on an Atari-Go board, then gives
// the move to toMove.
func setup(t *testing.T, w, h int, black, white []string, toMove board.Color) *board.Board {
	t.Helper()
	b, err := board.New(w, h, board.Rules{Game: board.AtariGo})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < max(len(black), len(white)); i++ {
		for _, s := range []struct {
			c   board.Color
			pts []string
		}{{board.Black, black}, {board.White, white}} {
			if i >= len(s.pts) {
				continue
			}
			p, err := b.ParsePoint(s.pts[i])
			if err != nil {
				t.Fatal(err)
			}
			if err := b.PlayAs(s.c, p); err != nil {
				t.Fatalf("%v %s: %v", s.c, s.pts[i], err)
			}
		}
	}
	if b.ToMove() != toMove {
		t.Fatalf("setup left %v to move, want %v", b.ToMove(), toMove)
	}
	return b
}

func pt(t *testing.T, b *board.Board, s string) board.Point {
	p, err := b.ParsePoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLadders(t *testing.T) {
	// White A2 on the edge against Black B2, Black has played A3: White
	// extending to A1 has one liberty (B1) — the edge ladder works.
	b := setup(t, 6, 6, []string{"B2", "A3"}, []string{"A2"}, board.White)
	before := b.Hash()
	if !ladderCaptured(b, board.White, pt(t, b, "A2"), maxLadderDepth) {
		t.Error("edge ladder not seen")
	}
	s := NewScratch(1)
	if s.escapes(b, board.White, pt(t, b, "A1")) {
		t.Error("escape into a working ladder accepted")
	}
	if b.Hash() != before {
		t.Error("ladder reading changed the board")
	}
	// The same, but White's A4 leaves Black's A3 in atari: White captures
	// at B3 and wins instead.
	b = setup(t, 6, 6, []string{"B2", "A3", "F1"}, []string{"A2", "A4", "F6"}, board.Black)
	if ladderCaptured(b, board.White, pt(t, b, "A2"), maxLadderDepth) {
		t.Error("ladder reported although the defender can capture")
	}
	// Black to move against White A2 (two liberties, A1 and A3) beside
	// White's last move: the policy finds the atari that wins.
	b = setup(t, 6, 6, []string{"B2", "F1"}, []string{"F6", "A2"}, board.Black)
	a, ok := s.ladderAttack(b, board.Black)
	if !ok {
		t.Fatal("no ladder attack found")
	}
	if err := b.PlayAs(board.Black, a); err != nil {
		t.Fatal(err)
	}
	if !ladderCaptured(b, board.White, pt(t, b, "A2"), maxLadderDepth) {
		t.Errorf("attack at %s does not win the ladder", b.PointName(a))
	}
}

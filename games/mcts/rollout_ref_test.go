package mcts

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// refEvaluateNoGo is the NoGo rollout played on the general board.Board, as
// it was before rollouts moved to board.Playout: the reference that the fast
// version must follow move for move.
func refEvaluateNoGo(knowledge bool, b *board.Board, s *Scratch) (float64, error) {
	me := b.ToMove()
	s.reset(b.Stones(board.Empty))
	for {
		c := b.ToMove()
		p, ok := refPick(knowledge, b, s, c)
		if !ok {
			return outcome(me, c.Opponent()), nil
		}
		if err := b.PlayAs(c, p); err != nil {
			return 0, err
		}
		s.Moves = append(s.Moves, p)
		s.removeAll(p)
	}
}

func refPick(knowledge bool, b *board.Board, s *Scratch, c board.Color) (board.Point, bool) {
	k := int(c)
	if !knowledge {
		for len(s.lists[k]) > 0 {
			l := s.lists[k]
			p := l[s.intn(len(l))]
			if b.IsLegalFor(c, p) {
				return p, true
			}
			s.remove(k, p)
		}
		return board.Pass, false
	}
	opp := c.Opponent()
	plain, found := board.Pass, 0
	for len(s.lists[k]) > 0 {
		l := s.lists[k]
		p := l[s.intn(len(l))]
		if !b.IsLegalFor(c, p) {
			s.remove(k, p)
			continue
		}
		if !b.IsLegalFor(opp, p) {
			s.remove(k, p)
			s.remove(int(opp), p)
			s.add(k+2, p)
			continue
		}
		if refMakesEye(b, c, p) {
			return p, true
		}
		if found == 0 {
			plain = p
		}
		if found++; found >= 2 {
			break
		}
	}
	if plain != board.Pass {
		return plain, true
	}
	for len(s.lists[k+2]) > 0 {
		l := s.lists[k+2]
		p := l[s.intn(len(l))]
		if b.IsLegalFor(c, p) {
			return p, true
		}
		s.remove(k+2, p)
	}
	return board.Pass, false
}

func refMakesEye(b *board.Board, c board.Color, p board.Point) bool {
	for _, e := range b.Neighbors(p) {
		if b.At(e) != board.Empty {
			continue
		}
		eye := true
		for _, q := range b.Neighbors(e) {
			if q != p && b.At(q) != c {
				eye = false
			}
		}
		if eye {
			return true
		}
	}
	return false
}

// TestNoGoRolloutMatchesReference runs the Playout rollouts and the
// reference on the same positions with the same random streams: they must
// play the same moves and reach the same result.
func TestNoGoRolloutMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{1, 1}, {2, 3}, {4, 4}, {5, 5}, {7, 5}, {9, 9}, {13, 11}, {19, 19}} {
		for _, knowledge := range []bool{false, true} {
			for trial := 0; trial < 30; trial++ {
				b, err := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
				if err != nil {
					t.Fatal(err)
				}
				prefix := rng.IntN(sz[0]*sz[1]/2 + 1)
				var buf []board.Point
				for i := 0; i < prefix && !b.Over(); i++ {
					buf = b.LegalMoves(buf[:0])
					if err := b.Play(buf[rng.IntN(len(buf))]); err != nil {
						t.Fatal(err)
					}
				}
				seed := rng.Uint64()
				fast, ref := NewScratch(seed), NewScratch(seed)
				got := Rollout{Knowledge: knowledge}.Evaluate(b.Clone(), fast)
				want, err := refEvaluateNoGo(knowledge, b.Clone(), ref)
				name := fmt.Sprintf("%dx%d knowledge=%v trial %d", sz[0], sz[1], knowledge, trial)
				if err != nil {
					t.Fatalf("%s: reference: %v", name, err)
				}
				if got != want || !slices.Equal(fast.Moves, ref.Moves) {
					t.Fatalf("%s: playout %v %v, reference %v %v", name, got, fast.Moves, want, ref.Moves)
				}
			}
		}
	}
}

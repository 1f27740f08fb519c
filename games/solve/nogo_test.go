package solve

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

func TestReservesCount(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		black, white []string
		// reserve and ceiling of Black, then of White
		want [4]int
	}{
		// A cross: four black eyes in one closed component.
		{"cross", 3, 3, []string{"B1", "A2", "B2", "C2", "B3"}, nil, [4]int{3, 3, 0, 0}},
		// Black wall on column B with eyes A1 and A3, open to the right.
		{"wall", 4, 3, []string{"B1", "B2", "B3", "A2"}, []string{"D2"}, [4]int{1, 7, 0, 5}},
		{"empty", 3, 3, nil, nil, [4]int{0, 9, 0, 9}},
		// White A1 breathes only at A2, which Black may never play.
		{"atari point", 3, 3, []string{"B1"}, []string{"A1"}, [4]int{0, 6, 0, 7}},
		// B1 and C1 form no eye, but White may play neither (each would
		// capture a black stone), so Black fills one of them; the last
		// would be suicide. White's F1 is suicide for White too.
		{"safe region", 6, 1, []string{"A1", "D1"}, []string{"E1"}, [4]int{1, 1, 0, 0}},
	}
	for _, tc := range tests {
		b, _ := board.New(tc.w, tc.h, board.Rules{Game: board.NoGo})
		for c, list := range map[board.Color][]string{board.Black: tc.black, board.White: tc.white} {
			for _, m := range list {
				p, _ := b.ParsePoint(m)
				if err := b.PlayAs(c, p); err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
			}
		}
		r := newReserves(b)
		lb, lw := b.LegalSet(board.Black), b.LegalSet(board.White)
		sb, sw := r.safePoints(b, board.Black, &lw), r.safePoints(b, board.White, &lb)
		gb, ub := r.count(b, board.Black, &lb, &sb)
		gw, uw := r.count(b, board.White, &lw, &sw)
		if got := [4]int{gb, ub, gw, uw}; got != tc.want {
			t.Errorf("%s: reserves/ceilings %v, want %v\n%s", tc.name, got, tc.want, b)
		}
	}
}

// TestNoGoIllegalStaysIllegal checks the property the ceiling rests on: in
// random NoGo games, an empty point that is illegal for a colour is never
// legal for it later.
func TestNoGoIllegalStaysIllegal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	seen := 0
	for game := range 300 {
		w, h := 2+rng.IntN(5), 2+rng.IntN(5)
		b, _ := board.New(w, h, board.Rules{Game: board.NoGo})
		var banned [3]board.Bitboard
		for !b.Over() {
			for _, c := range []board.Color{board.Black, board.White} {
				legal := b.LegalSet(c)
				empty := b.Stones(board.Empty)
				for p := range board.Point(b.NumPoints()) {
					switch {
					case !empty.Has(p):
					case legal.Has(p) && banned[c].Has(p):
						t.Fatalf("game %d: %s became legal for %v again\n%s", game, b.PointName(p), c, b)
					case !legal.Has(p):
						if !banned[c].Has(p) {
							seen++
						}
						banned[c].Set(p)
					}
				}
			}
			moves := b.LegalMoves(nil)
			_ = b.Play(moves[rng.IntN(len(moves))])
		}
	}
	if seen < 1000 {
		t.Fatalf("only %d points became illegal: the test saw too little", seen)
	}
}

// TestSettleAgreesWithMinimax compares every verdict of the reserve count
// with plain minimax on random NoGo positions of small boards, and the
// solver's value on the same positions.
func TestSettleAgreesWithMinimax(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	settled := 0
	for _, sz := range [][2]int{{3, 3}, {3, 4}, {4, 3}, {2, 5}, {2, 6}, {4, 4}} {
		memo := map[string]bool{}
		for i := range 150 {
			b, _ := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
			// Mostly late positions, where the count can decide.
			depth := b.NumPoints()/3 + rng.IntN(b.NumPoints()/2+1)
			for j := 0; j < depth && !b.Over(); j++ {
				moves := b.LegalMoves(nil)
				_ = b.Play(moves[rng.IntN(len(moves))])
			}
			name := fmt.Sprintf("%dx%d position %d", sz[0], sz[1], i)
			r := newReserves(b)
			pn, dn, ok, mob := r.settle(b)
			if all := b.LegalMoves(nil); mob != len(all) {
				t.Fatalf("%s: settle counts %d moves, there are %d", name, mob, len(all))
			}
			want := minimax(b, memo)
			if ok {
				settled++
				if got := pn == 0; got != want || (pn != 0) == (dn != 0) {
					t.Fatalf("%s: settle says pn %d dn %d, minimax win=%v\n%s", name, pn, dn, want, b)
				}
			}
			res, err := Solve(context.Background(), b, Options{TTBits: 14})
			if err != nil {
				t.Fatal(err)
			}
			if res.Win != want {
				t.Fatalf("%s: solver win=%v, minimax %v\n%s", name, res.Win, want, b)
			}
		}
	}
	if settled < 100 {
		t.Fatalf("settle decided only %d positions: the test saw too little", settled)
	}
	t.Logf("settle decided %d of 900 positions", settled)
}

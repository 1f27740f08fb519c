package solve

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

func TestCanonicalValues(t *testing.T) {
	s := newGameStore(12)
	g := func(l, r []gid) gid { return s.canon(append([]gid(nil), l...), append([]gid(nil), r...)) }
	zero := zeroGame
	one := g([]gid{zero}, nil)
	two := g([]gid{one}, nil)
	minusOne := g(nil, []gid{zero})
	star := g([]gid{zero}, []gid{zero})
	half := g([]gid{zero}, []gid{one})
	up := g([]gid{zero}, []gid{star})
	pm1 := g([]gid{one}, []gid{minusOne})
	tests := []struct {
		name      string
		got, want gid
	}{
		{"1+1 = 2", s.add(one, one), two},
		{"1 + -1 = 0", s.add(one, minusOne), zero},
		{"* + * = 0", s.add(star, star), zero},
		{"1/2 + 1/2 = 1", s.add(half, half), one},
		{"±1 + ±1 = 0", s.add(pm1, pm1), zero},
		{"{-1 | 1} = 0 (reversible options)", g([]gid{minusOne}, []gid{one}), zero},
		{"{* | *} = 0", g([]gid{star}, []gid{star}), zero},
		{"{0, * | 0} = ↑*", g([]gid{zero, star}, []gid{zero}), s.add(up, star)},
		{"{0, 1 | } = 2 is not: {0,1|} = 2", g([]gid{zero, one}, nil), two},
		{"{1 | 1} = 1*", g([]gid{one}, []gid{one}), s.add(one, star)},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got game %d %v|%v, want %d %v|%v", tc.name, tc.got, s.left[tc.got], s.right[tc.got],
				tc.want, s.left[tc.want], s.right[tc.want])
		}
	}
	outcomes := []struct {
		name        string
		g           gid
		left, right bool // first player wins
	}{
		{"0", zero, false, false},
		{"1", one, true, false},
		{"-1", minusOne, false, true},
		{"*", star, true, true},
		{"↑", up, true, false},
		{"↑*", s.add(up, star), true, true},
		{"±1", pm1, true, true},
	}
	for _, tc := range outcomes {
		if l, r := s.leftWins(tc.g), s.rightWins(tc.g); l != tc.left || r != tc.right {
			t.Errorf("%s: Left first wins %v, Right first wins %v; want %v, %v", tc.name, l, r, tc.left, tc.right)
		}
	}
}

// rawGame is a game tree with no simplification, for the reference.
type rawGame struct{ left, right []*rawGame }

// rawWins reports by plain search whether the player to move wins the sum
// of games gs: Left when left.
func rawWins(gs []*rawGame, left bool) bool {
	for i, g := range gs {
		opts := g.right
		if left {
			opts = g.left
		}
		for _, o := range opts {
			next := append([]*rawGame(nil), gs...)
			next[i] = o
			if !rawWins(next, !left) {
				return true
			}
		}
	}
	return false
}

// TestSumsAgainstSearch builds random game trees and checks that the
// winner of sums of their canonical forms agrees with plain search over
// the unsimplified trees, and that each canonical form equals its tree.
func TestSumsAgainstSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := newGameStore(12)
	var pool []*rawGame
	var canon, raw []gid // per pool entry: canonical form, and the tree interned as is
	pool = append(pool, &rawGame{})
	canon, raw = append(canon, zeroGame), append(raw, zeroGame)
	pick := func(k int) ([]*rawGame, []gid, []gid) {
		var gs []*rawGame
		var cs, rs []gid
		for range k {
			i := rng.IntN(len(pool))
			gs, cs, rs = append(gs, pool[i]), append(cs, canon[i]), append(rs, raw[i])
		}
		return gs, cs, rs
	}
	for len(pool) < 60 {
		l, lc, lr := pick(rng.IntN(3))
		r, rc, rr := pick(rng.IntN(3))
		pool = append(pool, &rawGame{left: l, right: r})
		canon = append(canon, s.canon(lc, rc))
		raw = append(raw, s.intern(sortUnique(lr), sortUnique(rr)))
	}
	for i := range pool {
		if !s.leq(canon[i], raw[i]) || !s.leq(raw[i], canon[i]) {
			t.Fatalf("game %d: canonical form differs in value from the tree", i)
		}
	}
	checked := 0
	for range 300 {
		k := 1 + rng.IntN(3)
		gs, cs, _ := pick(k)
		sum := zeroGame
		for _, c := range cs {
			sum = s.add(sum, c)
		}
		if got, want := s.leftWins(sum), rawWins(gs, true); got != want {
			t.Fatalf("sum of %d games, Left first: canonical says %v, search %v", k, got, want)
		}
		if got, want := s.rightWins(sum), rawWins(gs, false); got != want {
			t.Fatalf("sum of %d games, Right first: canonical says %v, search %v", k, got, want)
		}
		checked++
	}
	t.Logf("%d sums checked, store holds %d games", checked, s.size())
}

// randomNoGo plays random moves of random colours, so that either player
// may be to move.
func randomNoGo(rng *rand.Rand, w, h, moves int) *board.Board {
	b, _ := board.New(w, h, board.Rules{Game: board.NoGo})
	for range moves {
		c := board.Black
		if rng.IntN(2) == 0 {
			c = board.White
		}
		set := b.LegalSet(c)
		pts := set.AppendPoints(nil)
		if len(pts) == 0 {
			break
		}
		_ = b.PlayAs(c, pts[rng.IntN(len(pts))])
	}
	return b
}

// TestRegionValuesAgainstMinimax values random NoGo positions as sums of
// regions and compares the winner with plain minimax.
func TestRegionValuesAgainstMinimax(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	multi, valued, skipped := 0, 0, 0
	for _, sz := range [][2]int{{1, 12}, {2, 5}, {2, 7}, {3, 3}, {3, 4}, {4, 3}, {3, 5}, {4, 4}} {
		memo := map[string]bool{}
		b0, _ := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
		r := newRegionValues(b0, 9, 9, 16)
		for i := range 450 {
			n := sz[0] * sz[1]
			b := randomNoGo(rng, sz[0], sz[1], n/3+rng.IntN(2*n/3+1))
			bs, ws := b.Stones(board.Black), b.Stones(board.White)
			st := r.analyze(bs[0], ws[0], 0)
			lb, lw := b.LegalSet(board.Black), b.LegalSet(board.White)
			if st.lb != lb[0] || st.lw != lw[0] {
				t.Fatalf("%dx%d position %d: legal points %x %x, board says %x %x\n%s", sz[0], sz[1], i, st.lb, st.lw, lb[0], lw[0], b)
			}
			if gb, gw := r.legal(bs[0], ws[0]); gb != lb[0] || gw != lw[0] {
				t.Fatalf("%dx%d position %d: legal gives %x %x, board says %x %x\n%s", sz[0], sz[1], i, gb, gw, lb[0], lw[0], b)
			}
			if len(r.split(&st, r.groups[0], st.live, nil)) >= 2 {
				multi++
			} else if i%4 != 0 {
				// Mostly positions that split, where sums matter.
				continue
			}
			win, ok := r.settle(b)
			if !ok {
				skipped++
				continue
			}
			valued++
			if want := minimax(b, memo); win != want {
				t.Fatalf("%dx%d position %d, %v to move: regions say win=%v, minimax %v\n%s", sz[0], sz[1], i, b.ToMove(), win, want, b)
			}
		}
	}
	if multi < 120 || valued < 400 {
		t.Fatalf("only %d positions split into regions and %d were valued: the test saw too little", multi, valued)
	}
	t.Logf("%d of 3600 positions had two or more regions; %d valued, %d too big", multi, valued, skipped)
}

// TestSolverWithRegionsAgainstMinimax runs the whole solver, regions
// included, on random NoGo positions with either player to move.
func TestSolverWithRegionsAgainstMinimax(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, sz := range [][2]int{{3, 4}, {2, 6}, {4, 4}, {3, 5}} {
		memo := map[string]bool{}
		for i := range 40 {
			n := sz[0] * sz[1]
			// From 5 stones on, where the reference is quick; the solver
			// reaches the late positions that split, and the endgame.
			b := randomNoGo(rng, sz[0], sz[1], 5+rng.IntN(n/2))
			want := minimax(b, memo)
			// The endgame search takes most of these positions whole;
			// with a small limit the proof-number search, the reserve
			// count and the regions' values see them.
			for _, live := range []int{0, 4} {
				res, err := Solve(context.Background(), b, Options{TTBits: 14, endgameLive: live})
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%dx%d position %d, endgame limit %d", sz[0], sz[1], i, live)
				if res.Win != want {
					t.Fatalf("%s: solver win=%v, minimax %v\n%s", name, res.Win, want, b)
				}
				if want {
					_ = b.Play(res.Move)
					if minimax(b, memo) {
						t.Fatalf("%s: move %s does not win\n%s", name, b.PointName(res.Move), b)
					}
					_ = b.Undo()
				}
			}
		}
	}
}

// TestEndgameAgainstMinimax compares the endgame search with plain
// minimax on random late NoGo positions, either player to move.
func TestEndgameAgainstMinimax(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	checked := 0
	for _, sz := range [][2]int{{2, 6}, {3, 4}, {3, 5}, {4, 4}, {2, 8}} {
		memo := map[string]bool{}
		b0, _ := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
		r := newRegionValues(b0, maxRegion, 0, 12)
		e := newEndgame(r, 12) // a small cache, so that slots get overwritten
		for i := range 150 {
			n := sz[0] * sz[1]
			b := randomNoGo(rng, sz[0], sz[1], n/3+rng.IntN(n/2+1))
			bs, ws := b.Stones(board.Black), b.Stones(board.White)
			st := r.analyze(bs[0], ws[0], 0)
			if bits.OnesCount64(st.live) > 10 {
				continue
			}
			got := e.wins(bs[0], ws[0], st.lb, st.lw, b.ToMove(), e.stonesKey(bs[0], ws[0]), 0)
			if want := minimax(b, memo); got != want {
				t.Fatalf("%dx%d position %d, %v to move: endgame says win=%v, minimax %v\n%s", sz[0], sz[1], i, b.ToMove(), got, want, b)
			}
			checked++
		}
	}
	if checked < 400 {
		t.Fatalf("only %d positions checked", checked)
	}
	t.Logf("%d positions checked", checked)
}

// TestEndgameCache checks the packed cache entries: the result survives,
// keys that share a slot do not alias, and the newest entry wins.
func TestEndgameCache(t *testing.T) {
	b0, _ := board.New(3, 3, board.Rules{Game: board.NoGo})
	e := newEndgame(newRegionValues(b0, maxRegion, 0, 4), 4)
	a := e.cacheKey(0x1230, board.Black)
	same := a + 1<<4 // the same slot, another key
	for _, tc := range []struct {
		name    string
		store   []uint64
		wins    []bool
		probe   uint64
		win, ok bool
	}{
		{"empty", nil, nil, a, false, false},
		{"win", []uint64{a}, []bool{true}, a, true, true},
		{"loss", []uint64{a}, []bool{false}, a, false, true},
		{"other key in slot", []uint64{same}, []bool{true}, a, false, false},
		{"newest kept", []uint64{a, same}, []bool{true, false}, same, false, true},
		{"older lost", []uint64{a, same}, []bool{true, false}, a, false, false},
		{"white to move", []uint64{a}, []bool{true}, e.cacheKey(0x1230, board.White), false, false},
	} {
		clear(e.cache)
		for i, k := range tc.store {
			e.store(k, tc.wins[i])
		}
		win, ok := e.lookup(tc.probe)
		if win != tc.win || ok != tc.ok {
			t.Errorf("%s: lookup = %v, %v; want %v, %v", tc.name, win, ok, tc.win, tc.ok)
		}
	}
}

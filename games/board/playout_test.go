package board

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkPlayout compares a Playout with the Board and the slow reference of
// the same position: both players' legal sets, the empty points, stones,
// liberties, and whether and how the game ended.
func checkPlayout(t *testing.T, po *Playout, b *Board, r *refBoard, where string) {
	t.Helper()
	if po.ToMove() != b.ToMove() {
		t.Fatalf("%s: to move %v, board says %v", where, po.ToMove(), b.ToMove())
	}
	if po.Empty() != b.Stones(Empty) {
		t.Fatalf("%s: empty points differ", where)
	}
	for _, c := range []Color{Black, White} {
		if got, want := po.LegalSet(c), b.LegalSet(c); got != want {
			t.Fatalf("%s: %v legal %v, board %v", where, c, got.AppendPoints(nil), want.AppendPoints(nil))
		}
		if len(r.grid) > 100 {
			// The largest board is checked against Board alone, which is
			// itself checked against the reference: trying every point on
			// the reference at every move would take seconds.
			continue
		}
		for p := range r.grid {
			if po.IsLegalFor(c, Point(p)) != r.legal(c, p) {
				t.Fatalf("%s: %v at %s: playout %v, reference %v", where, c, b.PointName(Point(p)), po.IsLegalFor(c, Point(p)), r.legal(c, p))
			}
		}
	}
	for p := range r.grid {
		if po.At(Point(p)) != r.grid[p] {
			t.Fatalf("%s: %s holds %v, reference %v", where, b.PointName(Point(p)), po.At(Point(p)), r.grid[p])
		}
		if r.grid[p] == Empty {
			// place relies on this: a new stone's set starts empty.
			if po.libCount(Point(p)) != 0 {
				t.Fatalf("%s: empty %s has a liberty set", where, b.PointName(Point(p)))
			}
			continue
		}
		want := b.Liberties(Point(p))
		if len(r.grid) <= 100 {
			_, libs := r.group(p)
			want = len(libs)
		}
		root := po.cells[p].root
		if got := int(po.cells[root].nlibs); got != want || po.libCount(root) != want {
			t.Fatalf("%s: group on %s has %d liberties (set of %d), want %d", where, b.PointName(Point(p)), got, po.libCount(root), want)
		}
	}
	for p := range r.grid {
		for _, c := range []Color{Black, White} {
			if r.grid[p] == Empty && len(r.grid) <= 100 && po.MakesEye(c, Point(p)) != refMakesEye(r, c, p) {
				t.Fatalf("%s: %v at %s: MakesEye %v", where, c, b.PointName(Point(p)), po.MakesEye(c, Point(p)))
			}
		}
	}
	over, winner := b.Over(), b.Winner()
	if len(r.grid) <= 100 {
		over, winner = r.result(r.legalMoves())
	}
	if po.Over() != over || po.Winner() != winner {
		t.Fatalf("%s: over %v winner %v, reference %v %v", where, po.Over(), po.Winner(), over, winner)
	}
}

// TestPlayoutAgainstBoard plays random NoGo games on a Playout loaded at a
// random point of the game, and on a copy of it, move for move with a Board
// and the reference, on every test size. The copy is made into a Playout
// last used on other sizes, so stale cells past the board must not matter.
func TestPlayoutAgainstBoard(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rules := Rules{Game: NoGo}
	var po, cp Playout
	for _, sz := range testSizes {
		games := 20
		switch n := sz[0] * sz[1]; {
		case n > 100:
			games = 1
		case n > 30:
			games = 4
		}
		for game := 0; game < games; game++ {
			name := fmt.Sprintf("%dx%d game %d", sz[0], sz[1], game)
			b, err := New(sz[0], sz[1], rules)
			if err != nil {
				t.Fatal(err)
			}
			r := newRef(sz[0], sz[1], rules)
			// Load after a random prefix so that loading mid-game, with
			// groups and ataris on the board, is covered too.
			loadAt := rng.IntN(sz[0]*sz[1]/2 + 1)
			loaded := false
			for step := 0; ; step++ {
				if step == loadAt {
					if err := po.Load(b); err != nil {
						t.Fatal(err)
					}
					cp.CopyFrom(&po)
					loaded = true
				}
				if loaded {
					checkPlayout(t, &po, b, r, fmt.Sprintf("%s move %d", name, step))
					checkPlayout(t, &cp, b, r, fmt.Sprintf("%s move %d (copy)", name, step))
				}
				moves := r.legalMoves()
				if len(moves) == 0 {
					break
				}
				m := moves[rng.IntN(len(moves))]
				if err := b.Play(m); err != nil {
					t.Fatalf("%s: board play %s: %v", name, b.PointName(m), err)
				}
				if loaded {
					if err := po.Play(m); err != nil {
						t.Fatalf("%s: playout play %s: %v", name, b.PointName(m), err)
					}
					if err := cp.Play(m); err != nil {
						t.Fatalf("%s: copied playout play %s: %v", name, b.PointName(m), err)
					}
				}
				r = r.play(m)
			}
		}
	}
}

func TestPlayoutRefuses(t *testing.T) {
	ag, _ := New(5, 5, Rules{Game: AtariGo})
	var po Playout
	if err := po.Load(ag); err == nil {
		t.Error("loading an Atari-Go position: no error")
	}
	b, _ := New(3, 3, Rules{Game: NoGo})
	if err := po.Load(b); err != nil {
		t.Fatal(err)
	}
	for _, p := range []Point{-1, 9, 100} {
		if err := po.Play(p); err == nil {
			t.Errorf("play %d: no error", p)
		}
	}
	if err := po.Play(4); err != nil {
		t.Fatal(err)
	}
	if err := po.Play(4); err == nil {
		t.Error("play on an occupied point: no error")
	}
	if po.ToMove() != White || po.At(4) != Black {
		t.Errorf("refused move changed the position: to move %v, centre %v", po.ToMove(), po.At(4))
	}
}

// refMakesEye looks at the empty neighbours of p for one whose other
// neighbours are all c's.
func refMakesEye(r *refBoard, c Color, p int) bool {
	for _, e := range r.nbrs(p) {
		if r.grid[e] != Empty {
			continue
		}
		eye := true
		for _, q := range r.nbrs(e) {
			if q != p && r.grid[q] != c {
				eye = false
			}
		}
		if eye {
			return true
		}
	}
	return false
}

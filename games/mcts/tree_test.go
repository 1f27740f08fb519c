package mcts

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// refAMAFCredited is AMAF's definition, the slow way: at depth d of a
// simulation whose moves (tree moves, then playout moves, passes included)
// alternate from the root's player, the player to move there is credited
// with a move if, from move d on, that move's first occurrence is theirs.
func refAMAFCredited(moves []board.Point, d int, m board.Point) bool {
	for j := d; j < len(moves); j++ {
		if moves[j] == m {
			return (j-d)%2 == 0
		}
	}
	return false
}

// TestAMAFUpdateMatchesDefinition grows trees on both games, then backs up
// made-up simulations, down random paths of the tree with random playout
// moves (repeated points, as after an Atari-Go capture, and passes
// included), and checks every child's AMAF statistics against
// refAMAFCredited.
func TestAMAFUpdateMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, rules := range []board.Rules{{Game: board.NoGo}, {Game: board.AtariGo, AllowPass: true, CaptureTarget: 3}} {
		b, err := board.New(5, 5, rules)
		if err != nil {
			t.Fatal(err)
		}
		tree := New(b, Config{Threads: 1, Seed: 5, ExpandAfter: 1})
		if _, err := tree.Search(context.Background(), Budget{Playouts: 2000}); err != nil {
			t.Fatal(err)
		}
		w := worker{t: tree, s: NewScratch(9)}
		for trial := 0; trial < 300; trial++ {
			w.path = append(w.path[:0], tree.root)
			w.s.Moves = w.s.Moves[:0]
			for n := tree.root; ; {
				ch := n.children.Load()
				if ch == nil || rng.IntN(4) == 0 {
					break
				}
				n = &ch.nodes[rng.IntN(len(ch.nodes))]
				w.path = append(w.path, n)
				w.s.Moves = append(w.s.Moves, n.move)
			}
			treeMoves := len(w.s.Moves)
			for i := rng.IntN(40); i > 0; i-- {
				p := board.Point(rng.IntN(b.NumPoints()))
				if rng.IntN(10) == 0 {
					p = board.Pass
				}
				w.s.Moves = append(w.s.Moves, p)
			}
			before := map[*node]uint64{}
			for _, n := range w.path {
				if ch := n.children.Load(); ch != nil {
					for i := range ch.nodes {
						before[&ch.nodes[i]] = ch.nodes[i].amaf.Load()
					}
				}
			}
			rootColor := b.ToMove()
			leafToMove := rootColor
			if len(w.path)%2 == 0 {
				leafToMove = rootColor.Opponent()
			}
			v := float64(rng.IntN(3)) / 2
			w.updateAMAF(treeMoves, rootColor, leafToMove, v)
			for d, n := range w.path {
				ch := n.children.Load()
				if ch == nil {
					continue
				}
				// v is for the player to move at the leaf.
				val := v
				if (len(w.path)-1-d)%2 == 1 {
					val = 1 - v
				}
				for i := range ch.nodes {
					c := &ch.nodes[i]
					gotN, gotW := amafStats(c.amaf.Load())
					wantN, wantW := amafStats(before[c])
					if c.move != board.Pass && refAMAFCredited(w.s.Moves, d, c.move) {
						wantN, wantW = wantN+1, wantW+uint64(val*scale)
					}
					if gotN != wantN || gotW != wantW {
						t.Fatalf("%v trial %d depth %d child %s: AMAF %d/%d, want %d/%d (moves %v, %d in the tree)",
							rules.Game, trial, d, b.PointName(c.move), gotW, gotN, wantW, wantN, w.s.Moves, treeMoves)
					}
				}
			}
		}
	}
}

// refUCB is a child's selection value as first written, term by term:
// the mean (first-play urgency 1.1 without visits), blended with the AMAF
// mean by Silver's β, plus c·√(ln N / n).
func refUCB(cfg Config, parentVisits, visits, wins, amafN, amafW int64) float64 {
	logN := math.Log(float64(max(parentVisits, 1)))
	q := 1.1
	if visits > 0 {
		q = float64(wins) / scale / float64(visits)
	}
	if !cfg.NoRAVE && amafN > 0 {
		aq := float64(amafW) / scale / float64(amafN)
		if visits == 0 {
			q = aq
		} else {
			b2 := 4 * cfg.RAVEBias * cfg.RAVEBias
			v, a := float64(visits), float64(amafN)
			beta := a / (v + a + b2*v*a)
			q = (1-beta)*q + beta*aq
		}
	}
	if visits > 0 {
		return q + cfg.Exploration*math.Sqrt(logN/float64(visits))
	}
	return q + cfg.Exploration*math.Sqrt(logN)
}

// TestSelectChildMatchesFormula gives children random statistics, small
// and past the tables, with and without visits and AMAF samples, and
// checks that selectChild picks the child with the highest refUCB.
func TestSelectChildMatchesFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, noRAVE := range []bool{false, true} {
		cfg := Config{Threads: 1, NoRAVE: noRAVE}.withDefaults()
		tree := &Tree{cfg: cfg}
		w := worker{t: tree, s: NewScratch(3)}
		count := func() int64 {
			switch rng.IntN(4) {
			case 0:
				return 0
			case 1:
				return rng.Int64N(20)
			case 2:
				return rng.Int64N(2000)
			}
			return rng.Int64N(1 << 22)
		}
		for trial := 0; trial < 2000; trial++ {
			var parent node
			parent.visits.Store(count() + 1)
			ch := make([]node, 1+rng.IntN(30))
			vals := make([]float64, len(ch))
			for i := range ch {
				v, a := count(), count()
				wins, aw := rng.Int64N(v*scale+1), rng.Int64N(a*scale+1)
				ch[i].visits.Store(v)
				ch[i].wins.Store(wins)
				ch[i].amaf.Store(uint64(a)<<amafShift | uint64(aw))
				vals[i] = refUCB(cfg, parent.visits.Load(), v, wins, a, aw)
			}
			got := w.selectChild(&parent, ch)
			gi := -1
			for i := range ch {
				if &ch[i] == got {
					gi = i
				}
			}
			best := slices.Max(vals)
			if gi < 0 || vals[gi] < best-1e-9*max(1, math.Abs(best)) {
				t.Fatalf("noRAVE=%v trial %d: picked child %d (value %v), best value %v", noRAVE, trial, gi, vals[max(gi, 0)], best)
			}
		}
	}
}

// TestSearchAlwaysMoves plays whole games with budgets down to a single
// playout, on one and two threads: every search of an unfinished game
// must return a legal move, even one that ran too few playouts to grow
// the tree (or, under time budgets on a loaded machine, none at all).
func TestSearchAlwaysMoves(t *testing.T) {
	for _, rules := range []board.Rules{{Game: board.NoGo}, {Game: board.AtariGo}} {
		for _, playouts := range []int{1, 2, 5, 60} {
			for threads := 1; threads <= 2; threads++ {
				b, err := board.New(5, 5, rules)
				if err != nil {
					t.Fatal(err)
				}
				cfg := Config{Threads: threads, Seed: uint64(playouts)}
				trees := [3]*Tree{board.Black: New(b, cfg), board.White: New(b, cfg)}
				for !b.Over() {
					res, err := trees[b.ToMove()].Search(context.Background(), Budget{Playouts: playouts})
					if err != nil {
						t.Fatal(err)
					}
					if err := b.Play(res.Move); err != nil {
						t.Fatalf("%v, %d playouts, %d threads, move %d: search returned %s: %v",
							rules.Game, playouts, threads, b.MoveCount()+1, b.PointName(res.Move), err)
					}
					for _, tr := range trees[1:] {
						if err := tr.Advance(res.Move); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
	}
}

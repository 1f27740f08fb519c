package mcts

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// refScratch is the reference NoGo policy's state, kept apart from
// Scratch: the candidate lists the rollouts draw from by rejection
// sampling, played on the general board.Board as they were before rollouts
// moved to board.Playout. lists[c] holds the empty points not yet known to
// be illegal for c, lists[c+2] c's reserve: points found legal for c and
// illegal for the opponent.
type refScratch struct {
	s     *Scratch // the random source
	lists [5][]board.Point
	pos   [5][board.MaxPoints]int16
	moves []board.Point // played by refPlay
}

func (r *refScratch) reset(empty board.Bitboard) {
	pts := empty.AppendPoints(nil)
	for _, c := range []board.Color{board.Black, board.White} {
		r.lists[c] = append(r.lists[c][:0], pts...)
		for i, p := range pts {
			r.pos[c][p] = int16(i)
		}
		r.lists[c+2] = r.lists[c+2][:0]
	}
}

func (r *refScratch) remove(k int, p board.Point) {
	i := r.pos[k][p]
	l := r.lists[k]
	if int(i) >= len(l) || l[i] != p {
		return
	}
	last := l[len(l)-1]
	l[i] = last
	r.pos[k][last] = i
	r.lists[k] = l[:len(l)-1]
}

func (r *refScratch) removeAll(p board.Point) {
	for k := 1; k < len(r.lists); k++ {
		r.remove(k, p)
	}
}

func (r *refScratch) add(k int, p board.Point) {
	r.pos[k][p] = int16(len(r.lists[k]))
	r.lists[k] = append(r.lists[k], p)
}

// clone copies the lists, so that a draw from the copy leaves r as it was.
func (r *refScratch) clone() *refScratch {
	c := *r
	for k := range c.lists {
		c.lists[k] = append([]board.Point(nil), r.lists[k]...)
	}
	return &c
}

// refPick is the reference policy's move for c.
func refPick(knowledge bool, b *board.Board, r *refScratch, c board.Color) (board.Point, bool) {
	k := int(c)
	if !knowledge {
		for len(r.lists[k]) > 0 {
			l := r.lists[k]
			p := l[r.s.intn(len(l))]
			if b.IsLegalFor(c, p) {
				return p, true
			}
			r.remove(k, p)
		}
		return board.Pass, false
	}
	opp := c.Opponent()
	plain, found := board.Pass, 0
	for len(r.lists[k]) > 0 {
		l := r.lists[k]
		p := l[r.s.intn(len(l))]
		if !b.IsLegalFor(c, p) {
			r.remove(k, p)
			continue
		}
		if !b.IsLegalFor(opp, p) {
			r.remove(k, p)
			r.remove(int(opp), p)
			r.add(k+2, p)
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
	for len(r.lists[k+2]) > 0 {
		l := r.lists[k+2]
		p := l[r.s.intn(len(l))]
		if b.IsLegalFor(c, p) {
			return p, true
		}
		r.remove(k+2, p)
	}
	return board.Pass, false
}

// refPlay plays the reference policy's move; false when the player to
// move has none.
func refPlay(knowledge bool, b *board.Board, r *refScratch) (bool, error) {
	p, ok := refPick(knowledge, b, r, b.ToMove())
	if !ok {
		return false, nil
	}
	if err := b.Play(p); err != nil {
		return false, err
	}
	r.removeAll(p)
	r.moves = append(r.moves, p)
	return true, nil
}

// refEvaluateNoGo is a whole reference rollout: 1 if the player to move at
// the start wins, 0 if not, and its length.
func refEvaluateNoGo(knowledge bool, b *board.Board, r *refScratch) (float64, int, error) {
	me := b.ToMove()
	r.reset(b.Stones(board.Empty))
	for moves := 0; ; moves++ {
		ok, err := refPlay(knowledge, b, r)
		if err != nil {
			return 0, moves, err
		}
		if !ok {
			return outcome(me, b.ToMove().Opponent()), moves, nil
		}
	}
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

// policyDistribution is the exact distribution of the NoGo policy's move
// in b, worked out from b's legal points: without knowledge, uniform over
// the legal points; with it, over the m points both players may play, of
// which e make an eye, an eye point comes with probability 1/m + (m-e)/m²
// (drawn first, or drawn second after a point that makes none) and any
// other with (m-e)/m² (drawn first, then a point that makes none); with no
// such point, uniform over the legal points (all of them the reserve).
func policyDistribution(b *board.Board, knowledge bool) map[board.Point]float64 {
	c := b.ToMove()
	var mine, both []board.Point
	for p := board.Point(0); int(p) < b.NumPoints(); p++ {
		if b.IsLegalFor(c, p) {
			mine = append(mine, p)
			if b.IsLegalFor(c.Opponent(), p) {
				both = append(both, p)
			}
		}
	}
	dist := make(map[board.Point]float64)
	if !knowledge || len(both) == 0 {
		for _, p := range mine {
			dist[p] = 1 / float64(len(mine))
		}
		return dist
	}
	m, e := float64(len(both)), 0.0
	for _, p := range both {
		if refMakesEye(b, c, p) {
			e++
		}
	}
	for _, p := range both {
		dist[p] = (m - e) / (m * m)
		if refMakesEye(b, c, p) {
			dist[p] += 1 / m
		}
	}
	return dist
}

// chiSquareOK reports whether counts from n draws fit dist: nothing drawn
// outside it, and Pearson's statistic within six standard deviations of
// its mean (the seeds are fixed, so this is a fixed check, not a flaky one;
// six deviations lets through no bias that matters and catches any that
// does, such as a point never drawn or one drawn twice as often).
func chiSquareOK(counts map[board.Point]int, dist map[board.Point]float64, n int) (float64, bool) {
	for p := range counts {
		if dist[p] == 0 {
			return math.Inf(1), false
		}
	}
	chi2 := 0.0
	for p, pr := range dist {
		want := pr * float64(n)
		d := float64(counts[p]) - want
		chi2 += d * d / want
	}
	df := float64(len(dist) - 1)
	return chi2, chi2 <= df+6*math.Sqrt(2*max(df, 1))
}

// noGoStates yields positions reached by random moves and then reference
// rollout moves, with the reference's lists as the rollout left them
// (stale points, reserves), on several board sizes.
func noGoStates(t *testing.T, knowledge bool, fn func(name string, b *board.Board, r *refScratch)) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, sz := range [][2]int{{2, 3}, {3, 3}, {5, 5}, {7, 5}, {9, 9}, {13, 11}} {
		for trial := 0; trial < 6; trial++ {
			b, err := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
			if err != nil {
				t.Fatal(err)
			}
			n := sz[0] * sz[1]
			var buf []board.Point
			for i := rng.IntN(n/3 + 1); i > 0 && !b.Over(); i-- {
				buf = b.LegalMoves(buf[:0])
				if err := b.Play(buf[rng.IntN(len(buf))]); err != nil {
					t.Fatal(err)
				}
			}
			r := &refScratch{s: NewScratch(rng.Uint64())}
			r.reset(b.Stones(board.Empty))
			// Rollout moves late into the game, where reserves and
			// illegal points are common; every other trial goes on to
			// where no point is open to both players, so the reserve
			// decides.
			for i := rng.IntN(n/2 + 1); i > 0 || (trial%2 == 1 && openToBoth(b)); i-- {
				if ok, err := refPlay(knowledge, b, r); err != nil {
					t.Fatal(err)
				} else if !ok {
					break
				}
			}
			if b.Over() {
				continue
			}
			fn(fmt.Sprintf("%dx%d trial %d knowledge=%v after %d moves", sz[0], sz[1], trial, knowledge, b.MoveCount()), b, r)
		}
	}
}

// openToBoth reports whether some point is legal for both players.
func openToBoth(b *board.Board) bool {
	for p := board.Point(0); int(p) < b.NumPoints(); p++ {
		if b.IsLegalFor(board.Black, p) && b.IsLegalFor(board.White, p) {
			return true
		}
	}
	return false
}

// TestNoGoPolicyDistribution checks that the rollout policy on the
// Playout and the reference on the Board, each drawing from candidate
// lists by rejection, both choose moves from policyDistribution, the
// distribution worked out from the position alone, at many positions and
// list states.
func TestNoGoPolicyDistribution(t *testing.T) {
	const draws = 6000
	for _, knowledge := range []bool{false, true} {
		noGoStates(t, knowledge, func(name string, b *board.Board, r *refScratch) {
			want := policyDistribution(b, knowledge)
			ref, fast := map[board.Point]int{}, map[board.Point]int{}
			s := NewScratch(r.s.Rand.Uint64())
			if err := s.po.Load(b); err != nil {
				t.Fatal(err)
			}
			// Fresh lists: draws drop illegal points and fill reserves
			// as they go, which must not change the distribution.
			s.reset(s.po.Empty())
			c := b.ToMove()
			for i := 0; i < draws; i++ {
				p, ok := refPick(knowledge, b, r.clone(), c)
				if !ok {
					t.Fatalf("%s: reference found no move", name)
				}
				ref[p]++
				if knowledge {
					p, _, ok = s.pickNoGo(c)
				} else {
					p, _, ok = s.pickAny(c)
				}
				if !ok {
					t.Fatalf("%s: policy found no move", name)
				}
				fast[p]++
			}
			if chi2, ok := chiSquareOK(ref, want, draws); !ok {
				t.Errorf("%s: reference draws do not fit the distribution (χ² %.1f over %d points)", name, chi2, len(want))
			}
			if chi2, ok := chiSquareOK(fast, want, draws); !ok {
				t.Errorf("%s: policy draws do not fit the distribution (χ² %.1f over %d points): %v", name, chi2, len(want), fast)
			}
		})
	}
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
				fast, r := NewScratch(seed), &refScratch{s: NewScratch(seed)}
				got := Rollout{Knowledge: knowledge}.Evaluate(b.Clone(), fast)
				want, _, err := refEvaluateNoGo(knowledge, b.Clone(), r)
				name := fmt.Sprintf("%dx%d knowledge=%v trial %d", sz[0], sz[1], knowledge, trial)
				if err != nil {
					t.Fatalf("%s: reference: %v", name, err)
				}
				if got != want || !slices.Equal(fast.Moves, r.moves) {
					t.Fatalf("%s: playout %v %v, reference %v %v", name, got, fast.Moves, want, r.moves)
				}
			}
		}
	}
}

// TestNoGoRolloutFromCopiedRoot follows the search's own path: the root
// loaded into a Playout once, copied, tree moves played on the copy, then
// the rollout. It must play what a rollout from a Board holding the same
// moves plays, with the same random stream.
func TestNoGoRolloutFromCopiedRoot(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, sz := range [][2]int{{3, 3}, {5, 5}, {9, 9}, {13, 11}} {
		root, err := board.New(sz[0], sz[1], board.Rules{Game: board.NoGo})
		if err != nil {
			t.Fatal(err)
		}
		var buf []board.Point
		for i := rng.IntN(sz[0] * sz[1] / 3); i > 0; i-- {
			buf = root.LegalMoves(buf[:0])
			if err := root.Play(buf[rng.IntN(len(buf))]); err != nil {
				t.Fatal(err)
			}
		}
		var rootPO board.Playout
		if err := rootPO.Load(root); err != nil {
			t.Fatal(err)
		}
		for trial := 0; trial < 20; trial++ {
			b := root.Clone()
			seed := rng.Uint64()
			fast, slow := NewScratch(seed), NewScratch(seed)
			fast.po.CopyFrom(&rootPO)
			for i := rng.IntN(6); i > 0 && !b.Over(); i-- {
				buf = b.LegalMoves(buf[:0])
				p := buf[rng.IntN(len(buf))]
				if err := b.Play(p); err != nil {
					t.Fatal(err)
				}
				if err := fast.po.Play(p); err != nil {
					t.Fatalf("%dx%d trial %d: copied playout refuses %s: %v", sz[0], sz[1], trial, b.PointName(p), err)
				}
			}
			if b.Over() {
				continue
			}
			got := Rollout{Knowledge: true}.evaluateNoGo(fast)
			want := Rollout{Knowledge: true}.Evaluate(b, slow)
			if got != want || !slices.Equal(fast.Moves, slow.Moves) {
				t.Fatalf("%dx%d trial %d: from the copy %v %v, from the board %v %v", sz[0], sz[1], trial, got, fast.Moves, want, slow.Moves)
			}
		}
	}
}

package mcts

import (
	"math/bits"
	"math/rand/v2"

	"github.com/trident-lab/trident/games/board"
)

// Evaluator estimates positions at the leaves of the search tree. Rollout
// plays the game out; a neural network can take its place, or guide the
// rollout, behind the same interface.
type Evaluator interface {
	// Evaluate returns the probability, in [0, 1], that the player to move
	// in b wins. b is the worker's scratch copy: the evaluator may play
	// moves on it. Moves it plays, passes included, go on s.Moves in
	// order, so that the search can use them for AMAF statistics; an
	// evaluator that plays nothing leaves s.Moves alone.
	Evaluate(b *board.Board, s *Scratch) float64
}

// Scratch is one search worker's private state, handed to the Evaluator:
// its random source, the moves of the current simulation, and buffers the
// rollout reuses.
type Scratch struct {
	// Rand is a random source for evaluators.
	Rand  *rand.Rand
	Moves []board.Point
	// wy is the state of the search's own draws (intn).
	wy uint64

	// lists[c] holds, for colour c, the empty points not yet known to be
	// illegal for c; lists[c+2] holds c's NoGo reserve: points known legal
	// for c and illegal for the opponent.
	//
	// List k is lists[k][:lens[k]]. Fixed arrays and lengths rather
	// than slices: dropping a point, the rollouts' most frequent list
	// operation, then stores one integer, not a slice header whose
	// pointer the garbage collector's write barrier must check.
	lists [5][board.MaxPoints]board.Point
	lens  [5]int
	pos   [5][board.MaxPoints]int16
	pts   []board.Point
	// po is the NoGo playout position, reloaded for every rollout.
	po board.Playout
}

// NewScratch returns a Scratch with its own random stream.
func NewScratch(seed uint64) *Scratch {
	return &Scratch{Rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), wy: seed}
}

// intn returns a random int in [0, n) for 0 < n < 2³²: the playouts' and
// the tree's hottest draw. It is Wang Yi's wyrand, a Weyl sequence mixed
// by one 64×64→128-bit multiply (it passes BigCrush and PractRand), about
// half the work of a PCG step, scaled by multiply-shift; the scaling's
// bias, at most n/2³², is far below anything a playout could show.
func (s *Scratch) intn(n int) int {
	s.wy += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(s.wy, s.wy^0xe7037ed1a0b428db)
	return int((hi ^ lo) >> 32 * uint64(n) >> 32)
}

// Rollout is the evaluator that plays the game to its end. With Knowledge
// false it plays uniformly random legal moves (the pure-UCT baseline); with
// Knowledge true it follows each game's playout policy:
//
//   - NoGo: it keeps its own reserve, points only it may play, for last
//     (filling them throws away a move the opponent can never take), and
//     prefers moves that make a point illegal for the opponent.
//   - Atari-Go: it captures when it can, escapes from atari by extending
//     unless a ladder would catch the group, starts ladders that work
//     against groups beside the last move, and avoids self-atari.
//
// NoGo rollouts, with or without knowledge, run on a board.Playout copy of
// the leaf, where legality is a bit test; they leave b as it was.
type Rollout struct {
	Knowledge bool
}

// maxRolloutFactor bounds a rollout's length in board sizes; only Atari-Go
// with a capture target above one can run that long.
const maxRolloutFactor = 4

// Evaluate plays b out and returns 1 if the player to move at the start
// wins, 0 if they lose, 0.5 for a draw or a rollout cut off by length.
func (r Rollout) Evaluate(b *board.Board, s *Scratch) float64 {
	if b.Rules().Game == board.NoGo && s.po.Load(b) == nil {
		return r.evaluateNoGo(s)
	}
	me := b.ToMove()
	rules := b.Rules()
	atari := rules.Game == board.AtariGo
	s.reset(b.Stones(board.Empty))
	captures := b.Captures(board.Black) + b.Captures(board.White)
	limit := maxRolloutFactor * b.NumPoints()
	passes := 0
	for step := 0; step < limit; step++ {
		c := b.ToMove()
		p, ok := board.Pass, false
		if atari && r.Knowledge {
			p, ok = s.tactical(b, c)
		}
		if !ok {
			p, ok = r.pick(b, s, c)
		}
		if !ok {
			if !rules.AllowPass {
				// No legal move: the player to move loses.
				return outcome(me, c.Opponent())
			}
			p = board.Pass
		}
		if err := b.PlayAs(c, p); err != nil {
			return 0.5 // cannot happen: p was checked legal
		}
		s.Moves = append(s.Moves, p)
		if p == board.Pass {
			passes++
			if passes >= 2 {
				return outcome(me, b.Winner())
			}
			continue
		}
		passes = 0
		s.removeAll(p)
		if atari {
			if n := b.Captures(board.Black) + b.Captures(board.White); n != captures {
				if w := b.Winner(); w != board.Empty {
					return outcome(me, w)
				}
				// Captures emptied points and changed which are
				// legal: start the candidate lists again.
				captures = n
				s.reset(b.Stones(board.Empty))
			}
		}
	}
	return 0.5
}

func outcome(me, winner board.Color) float64 {
	switch winner {
	case me:
		return 1
	case board.Empty:
		return 0.5
	}
	return 0
}

// reset fills both candidate lists with the empty points and empties the
// reserves.
func (s *Scratch) reset(empty board.Bitboard) {
	const b, w = board.Black, board.White
	// AppendPoints fills lists[b] in place: MaxPoints holds any board.
	pts := empty.AppendPoints(s.lists[b][:0])
	for i, p := range pts {
		s.pos[b][p] = int16(i)
	}
	// White's list and positions start as Black's: copies, not a second
	// walk (positions of points off the list are never trusted).
	n := copy(s.lists[w][:], pts)
	s.pos[w] = s.pos[b]
	s.lens = [5]int{b: n, w: n}
}

// remove drops p from list k if it is there.
func (s *Scratch) remove(k int, p board.Point) {
	i := s.pos[k][p]
	n := s.lens[k] - 1
	if int(i) > n || s.lists[k][i] != p {
		return
	}
	last := s.lists[k][n]
	s.lists[k][i] = last
	s.pos[k][last] = i
	s.lens[k] = n
}

// removeAll drops an occupied point from every list.
func (s *Scratch) removeAll(p board.Point) {
	for k := 1; k < len(s.lists); k++ {
		s.remove(k, p)
	}
}

// take drops p, which must be there, from list k.
func (s *Scratch) take(k int, p board.Point) {
	i := s.pos[k][p]
	n := s.lens[k] - 1
	last := s.lists[k][n]
	s.lists[k][i] = last
	s.pos[k][last] = i
	s.lens[k] = n
}

// add appends p, which must not be there, to list k.
func (s *Scratch) add(k int, p board.Point) {
	n := s.lens[k]
	s.lists[k][n] = p
	s.pos[k][p] = int16(n)
	s.lens[k] = n + 1
}

// draw returns a uniformly random point of list k, which must not be
// empty.
func (s *Scratch) draw(k int) board.Point { return s.lists[k][s.intn(s.lens[k])] }

// evaluateNoGo is Evaluate for NoGo, played on the scratch's Playout
// position, where a legality test is a bit test.
func (r Rollout) evaluateNoGo(s *Scratch) float64 {
	po := &s.po
	me := po.ToMove()
	s.reset(po.Empty())
	for {
		c := po.ToMove()
		var p board.Point
		var list int
		var ok bool
		if r.Knowledge {
			p, list, ok = s.pickNoGo(c)
		} else {
			p, list, ok = s.pickAny(c)
		}
		if !ok {
			// No legal move: the player to move loses.
			return outcome(me, c.Opponent())
		}
		if po.Play(p) != nil {
			return 0.5 // cannot happen: p was checked legal
		}
		s.Moves = append(s.Moves, p)
		// p leaves the list it was drawn from, and the opponent's list if
		// it is there. It cannot be in the opponent's reserve, which holds
		// points illegal for c (for good: see pickAny).
		s.take(list, p)
		switch {
		case list != int(c):
			// From c's reserve: it left both lists when it went there.
		case r.Knowledge:
			// pickNoGo plays from c's list only points the opponent may
			// play too, and a point legal for the opponent has never
			// left their list: no test, whose outcome the branch
			// predictor could not guess.
			s.take(int(c.Opponent()), p)
		default:
			s.remove(int(c.Opponent()), p)
		}
	}
}

// pickAny chooses a uniformly random legal NoGo move for c, and the list
// it drew it from (c's candidates). A point found illegal is dropped for
// good: stones never leave a NoGo board, so a point illegal for a player
// stays illegal for them.
func (s *Scratch) pickAny(c board.Color) (board.Point, int, bool) {
	k := int(c)
	for s.lens[k] > 0 {
		p := s.draw(k)
		if s.po.IsLegalFor(c, p) {
			return p, k, true
		}
		s.take(k, p)
	}
	return board.Pass, k, false
}

// pickNoGo plays a point both sides could take, preferring one that makes
// an eye; it keeps the reserve, points only c may play, for last. It
// returns the move and the list it drew it from: c's candidates or c's
// reserve.
func (s *Scratch) pickNoGo(c board.Color) (board.Point, int, bool) {
	po := &s.po
	k := int(c)
	opp := c.Opponent()
	plain, found := board.Pass, 0
	for s.lens[k] > 0 {
		p := s.draw(k)
		if !po.IsLegalFor(c, p) {
			s.take(k, p)
			continue
		}
		if !po.IsLegalFor(opp, p) {
			s.take(k, p)
			s.remove(int(opp), p)
			s.add(k+2, p)
			continue
		}
		if po.MakesEye(c, p) {
			return p, k, true
		}
		if found == 0 {
			plain = p
		}
		if found++; found >= 2 {
			break
		}
	}
	if plain != board.Pass {
		return plain, k, true
	}
	for s.lens[k+2] > 0 {
		p := s.draw(k + 2)
		if po.IsLegalFor(c, p) {
			return p, k + 2, true
		}
		s.take(k+2, p)
	}
	return board.Pass, k + 2, false
}

// pick chooses a legal Atari-Go move for c by rejection sampling. A point
// found illegal is dropped for good: until the capture that usually ends
// the game stones never leave the board, so a point illegal for a player
// stays illegal for them (Evaluate starts the lists again after a capture).
func (r Rollout) pick(b *board.Board, s *Scratch, c board.Color) (board.Point, bool) {
	k := int(c)
	for tries := 0; s.lens[k] > 0; tries++ {
		p := s.draw(k)
		if !b.IsLegalFor(c, p) {
			s.take(k, p)
			continue
		}
		if r.Knowledge && tries < 4 && selfAtari(b, c, p) {
			continue
		}
		return p, true
	}
	return board.Pass, false
}

// selfAtari reports whether c playing p would leave its new group with one
// liberty (and capture nothing that could change that), counted without
// playing the move.
func selfAtari(b *board.Board, c board.Color, p board.Point) bool {
	libs := 0
	var seen [4]board.Point
	n := 0
	add := func(q board.Point) {
		for i := 0; i < n; i++ {
			if seen[i] == q {
				return
			}
		}
		if n < len(seen) {
			seen[n] = q
			n++
		}
		libs++
	}
	for _, q := range b.Neighbors(p) {
		switch b.At(q) {
		case board.Empty:
			add(q)
		case c:
			// A friendly group with two or more other liberties keeps
			// the merged group out of atari.
			if b.Liberties(q) > 2 {
				return false
			}
			if b.Liberties(q) == 2 {
				libs++ // at least one liberty besides p
			}
		default:
			if b.Liberties(q) == 1 {
				return false // captures
			}
		}
		if libs >= 2 {
			return false
		}
	}
	return libs < 2
}

// tactical returns the Atari-Go move the policy insists on: a capture, an
// escape from atari that no ladder catches, or an atari that starts a
// winning ladder against a group beside the last move.
func (s *Scratch) tactical(b *board.Board, c board.Color) (board.Point, bool) {
	opp := c.Opponent()
	capt := b.AtariLiberties(opp)
	if !capt.IsEmpty() {
		s.pts = capt.AppendPoints(s.pts[:0])
		for _, p := range s.pts {
			if b.IsLegalFor(c, p) {
				return p, true
			}
		}
	}
	mine := b.AtariLiberties(c)
	if mine.IsEmpty() {
		return s.ladderAttack(b, c)
	}
	s.pts = mine.AppendPoints(s.pts[:0])
	for _, p := range s.pts {
		if s.escapes(b, c, p) {
			return p, true
		}
	}
	return board.Pass, false
}

// escapes reports whether c extending at p, the liberty of a group in
// atari, saves it: three or more liberties, or two that no ladder takes.
func (s *Scratch) escapes(b *board.Board, c board.Color, p board.Point) bool {
	if !b.IsLegalFor(c, p) || b.PlayAs(c, p) != nil {
		return false
	}
	defer func() { _ = b.Undo() }()
	switch n := b.Liberties(p); {
	case n >= 3:
		return true
	case n <= 1:
		return false
	}
	var two [2]board.Point
	for _, a := range groupLiberties(b, p, two[:0], 2) {
		if ladderAtari(b, c.Opponent(), a, c, p, maxLadderDepth) {
			return false
		}
	}
	return true
}

// ladderAttack looks at the opponent's groups beside the last move: if
// one has two liberties and an atari on one of them wins the ladder, that
// atari is returned.
func (s *Scratch) ladderAttack(b *board.Board, c board.Color) (board.Point, bool) {
	last, ok := b.LastMove()
	if !ok || last == board.Pass {
		return board.Pass, false
	}
	opp := c.Opponent()
	// Copied: the neighbour slice is shared by every board of this size.
	var buf [5]board.Point
	for _, q := range append(append(buf[:0], b.Neighbors(last)...), last) {
		if b.At(q) != opp || b.Liberties(q) != 2 {
			continue
		}
		var two [2]board.Point
		for _, a := range groupLiberties(b, q, two[:0], 2) {
			if b.IsLegalFor(c, a) && ladderAtari(b, c, a, opp, q, maxLadderDepth) {
				return a, true
			}
		}
	}
	return board.Pass, false
}

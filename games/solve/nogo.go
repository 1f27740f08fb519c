package solve

import "github.com/trident-lab/trident/games/board"

// reserves settles NoGo positions by counting moves nobody can take away
// against the most moves the opponent could still make.
//
// Everything rests on a property of NoGo: a point illegal for a player
// stays illegal for that player, because stones are never removed. A point
// is illegal either because the stone would capture an opponent group whose
// only liberty it is (that group can gain a liberty only by a stone on that
// very point), or because it would be suicide (then all its neighbours are
// stones, and the player's neighbouring groups breathe only through it,
// which again only a stone there could change).
//
// The safe points of P (see safePoints) are empty points the opponent O may
// not play whose neighbours are all P's stones or safe points; every eye of
// P is one. O never plays them nor next to them. Join P's stones and safe
// points into components by adjacency. In a component with s safe points P
// can always fill s-1 of them, one at a time, farthest first from a kept
// one: the new stone is joined through stones and unfilled safe points to a
// nearer unfilled safe point, its liberty, and it has no O neighbour to
// capture. O cannot lower that count, so P holds a reserve G_P = sum of
// (s-1) moves.
//
// P can never make more moves than the points legal for P now. In a closed
// component of P (one whose groups have no liberty but its safe points)
// whose s safe points are all legal, the last one filled would be suicide,
// so one of them is never played. That gives the ceiling U_P = legal points
// of P less one per such component.
//
// With P to move: if G_P > U_O, P fills safe points and outlasts the
// opponent; if G_O >= U_P, the opponent answers every move and P runs out
// first.
type reserves struct {
	n      int
	nbrs   [][]board.Point
	parent []int
	// safe and legalSafe count a component's safe points, and those of
	// them legal for its owner.
	safe      []int
	legalSafe []int
	open      []bool
}

func newReserves(b *board.Board) *reserves {
	n := b.NumPoints()
	r := &reserves{n: n, nbrs: make([][]board.Point, n), parent: make([]int, n), safe: make([]int, n), legalSafe: make([]int, n), open: make([]bool, n)}
	for p := range n {
		r.nbrs[p] = b.Neighbors(board.Point(p))
	}
	return r
}

func (r *reserves) find(x int) int {
	for r.parent[x] != x {
		r.parent[x] = r.parent[r.parent[x]]
		x = r.parent[x]
	}
	return x
}

func (r *reserves) union(a, c int) {
	a, c = r.find(a), r.find(c)
	if a != c {
		r.parent[a] = c
	}
}

// safePoints returns the safe points of player c, given the opponent's
// legal points: the largest set of empty points that the opponent may not
// play and whose neighbours are all c's stones or points of the set. The
// opponent can never play them (an illegal point stays illegal) nor put a
// stone next to them, so they and their neighbourhoods only change when c
// plays there. Every eye of c is a safe point.
func (r *reserves) safePoints(b *board.Board, c board.Color, oppLegal *board.Bitboard) board.Bitboard {
	var safe board.Bitboard
	opp := c.Opponent()
	for p := range r.n {
		pt := board.Point(p)
		if b.At(pt) != board.Empty || oppLegal.Has(pt) {
			continue
		}
		ok := true
		for _, q := range r.nbrs[p] {
			ok = ok && b.At(q) != opp
		}
		if ok {
			safe.Set(pt)
		}
	}
	for changed := true; changed; {
		changed = false
		for p := range r.n {
			pt := board.Point(p)
			if !safe.Has(pt) {
				continue
			}
			for _, q := range r.nbrs[p] {
				if b.At(q) == board.Empty && !safe.Has(q) {
					safe.Clear(pt)
					changed = true
					break
				}
			}
		}
	}
	return safe
}

// count returns the reserve G and the ceiling U of player c, whose legal
// points are legal.
func (r *reserves) count(b *board.Board, c board.Color, legal, safe *board.Bitboard) (reserve, ceiling int) {
	for p := range r.n {
		r.parent[p] = p
		r.safe[p] = 0
		r.legalSafe[p] = 0
		r.open[p] = false
	}
	for p := range r.n {
		switch b.At(board.Point(p)) {
		case c:
			for _, q := range r.nbrs[p] {
				if int(q) > p && b.At(q) == c {
					r.union(p, int(q))
				}
			}
		case board.Empty:
			if safe.Has(board.Point(p)) {
				for _, q := range r.nbrs[p] {
					r.union(p, int(q))
				}
			}
		}
	}
	for p := range r.n {
		col := b.At(board.Point(p))
		switch {
		case col == board.Empty && safe.Has(board.Point(p)):
			root := r.find(p)
			r.safe[root]++
			if legal.Has(board.Point(p)) {
				r.legalSafe[root]++
			}
		case col == c:
			for _, q := range r.nbrs[p] {
				if b.At(q) == board.Empty && !safe.Has(q) {
					r.open[r.find(p)] = true
				}
			}
		}
	}
	ceiling = legal.Count()
	for p := range r.n {
		if r.parent[p] != p || (b.At(board.Point(p)) != c && r.safe[p] == 0) {
			continue
		}
		if k := r.safe[p]; k > 0 {
			reserve += k - 1
			if !r.open[p] && r.legalSafe[p] == k {
				ceiling--
			}
		}
	}
	return reserve, ceiling
}

// settle returns the value for the player to move when the reserves decide
// it, and in any case how many legal moves that player has.
func (r *reserves) settle(b *board.Board) (pn, dn int64, ok bool, mobility int) {
	me := b.ToMove()
	return r.settleWith(b, b.LegalSet(me), b.LegalSet(me.Opponent()))
}

// settleWith is settle given the legal points of the player to move and
// of the opponent.
func (r *reserves) settleWith(b *board.Board, lMe, lOpp board.Bitboard) (pn, dn int64, ok bool, mobility int) {
	me := b.ToMove()
	mobility = lMe.Count()
	if mobility == 0 {
		return inf, 0, true, 0
	}
	// The counts cannot decide unless a side has enough safe points: a
	// reserve is at most a side's safe points less one, and a ceiling at
	// least its legal points less half its safe points (a component
	// subtracted has two or more),
	// so skip the full count when neither test can pass.
	sMe, sOpp := r.safePoints(b, me, &lOpp), r.safePoints(b, me.Opponent(), &lMe)
	eMe, eOpp := sMe.Count(), sOpp.Count()
	if max(eMe-1, 0) <= lOpp.Count()-eOpp/2 && max(eOpp-1, 0) < mobility-eMe/2 {
		return 0, 0, false, mobility
	}
	gMe, uMe := r.count(b, me, &lMe, &sMe)
	gOpp, uOpp := r.count(b, me.Opponent(), &lOpp, &sOpp)
	switch {
	case gMe > uOpp:
		return 0, inf, true, mobility
	case gOpp >= uMe:
		return inf, 0, true, mobility
	}
	return 0, 0, false, mobility
}

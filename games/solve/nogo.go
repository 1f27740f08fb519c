package solve

import "github.com/trident-lab/trident/games/board"

// reserves settles NoGo positions by counting moves nobody can take away.
//
// An eye of player P is an empty point whose neighbours are all P's stones:
// the opponent can never play there (it would be suicide or a capture).
// Join P's stones and eyes into components by adjacency. In a component
// with k eyes P can always fill k-1 of them, one at a time (fill the eye
// farthest from a kept eye: the merged group still touches a nearer eye),
// and the opponent cannot lower that count, so P holds a reserve
// G_P = sum of (k-1) moves. On the other side, P can never play more than
// the empty points that are not the opponent's eyes, less one eye in every
// closed component of P (one whose groups have no liberty but its eyes: its
// last eye is suicide). That is the ceiling U_P.
//
// With P to move: if G_P > U_O, P fills eyes and outlasts the opponent; if
// G_O >= U_P, the opponent answers every move and P runs out first.
type reserves struct {
	n      int
	nbrs   [][]board.Point
	parent []int
	eyes   []int
	open   []bool
}

func newReserves(b *board.Board) *reserves {
	n := b.NumPoints()
	r := &reserves{n: n, nbrs: make([][]board.Point, n), parent: make([]int, n), eyes: make([]int, n), open: make([]bool, n)}
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

// eyeOf returns the player whose eye empty point p is, or Empty.
func (r *reserves) eyeOf(b *board.Board, p int) board.Color {
	nb := r.nbrs[p]
	if len(nb) == 0 {
		return board.Empty
	}
	c := b.At(nb[0])
	if c == board.Empty {
		return board.Empty
	}
	for _, q := range nb[1:] {
		if b.At(q) != c {
			return board.Empty
		}
	}
	return c
}

// count returns the reserve G and the ceiling U of player c.
func (r *reserves) count(b *board.Board, c board.Color) (reserve, ceiling int) {
	for p := range r.n {
		r.parent[p] = p
		r.eyes[p] = 0
		r.open[p] = false
	}
	opp := c.Opponent()
	for p := range r.n {
		switch b.At(board.Point(p)) {
		case c:
			for _, q := range r.nbrs[p] {
				if int(q) > p && b.At(q) == c {
					r.union(p, int(q))
				}
			}
		case board.Empty:
			switch r.eyeOf(b, p) {
			case c:
				for _, q := range r.nbrs[p] {
					r.union(p, int(q))
				}
			case opp:
			default:
				ceiling++
			}
		}
	}
	for p := range r.n {
		col := b.At(board.Point(p))
		switch {
		case col == board.Empty && r.eyeOf(b, p) == c:
			r.eyes[r.find(p)]++
			ceiling++
		case col == c:
			for _, q := range r.nbrs[p] {
				if b.At(q) == board.Empty && r.eyeOf(b, int(q)) != c {
					r.open[r.find(p)] = true
				}
			}
		}
	}
	for p := range r.n {
		if r.parent[p] != p || (b.At(board.Point(p)) != c && r.eyes[p] == 0) {
			continue
		}
		if k := r.eyes[p]; k > 0 {
			reserve += k - 1
			if !r.open[p] {
				ceiling--
			}
		}
	}
	return reserve, ceiling
}

// settle returns the value for the player to move when the reserves decide it.
func (r *reserves) settle(b *board.Board) (pn, dn int64, ok bool) {
	me := b.ToMove()
	gMe, uMe := r.count(b, me)
	gOpp, uOpp := r.count(b, me.Opponent())
	switch {
	case gMe > uOpp:
		return 0, inf, true
	case gOpp >= uMe:
		return inf, 0, true
	}
	return 0, 0, false
}

package board

import (
	"errors"
	"fmt"
)

// Playout is a NoGo position cut down for Monte Carlo playouts. It keeps,
// for each player, the set of points where that player may play, updated
// with every stone, so a legality test is one bit test. It keeps no history,
// no Zobrist keys and no capture code (NoGo has no captures), and it lives
// in fixed arrays so that reloading it allocates nothing. A search loads it
// from a Board at the start of each playout; the zero value is unusable
// until Load.
type Playout struct {
	g      *geometry
	toMove Color
	legal  [3]Bitboard
	empty  Bitboard
	color  [MaxPoints + 1]Color // n points then the off-board sentinel
	root   [MaxPoints + 1]Point
	next   [MaxPoints]Point     // circular list of a group's stones
	libs   [MaxPoints + 1]int16 // liberty count, on group roots
	size   [MaxPoints]int16     // stone count, on group roots
	// emptyNbrs[q] counts the empty points next to q; notOwn[c][q] counts
	// the neighbours of q, on the board, that are not c's stones.
	emptyNbrs [MaxPoints + 1]uint8
	notOwn    [3][MaxPoints + 1]uint8
	// libSet holds the liberties of each group, on its root: merging
	// groups is then a union rather than a walk over their stones.
	libSet [MaxPoints]Bitboard
}

// Load makes po a copy of the NoGo position b.
func (po *Playout) Load(b *Board) error {
	if b.rules.Game != NoGo {
		return fmt.Errorf("playout: %v position: only NoGo positions can be loaded", b.rules.Game)
	}
	n := b.g.n
	po.g = b.g
	for p := 0; p <= n; p++ {
		c := &b.cells[p]
		po.color[p], po.root[p], po.libs[p] = c.color, c.root, c.libs
		if c.color != Black && c.color != White {
			// refresh reads the liberty count through the root of every
			// neighbour: empty points and the sentinel must show none.
			po.root[p], po.libs[p] = Point(p), 0
		}
	}
	for p := 0; p < n; p++ {
		po.next[p], po.size[p] = b.cells[p].next, b.cells[p].size
		if po.root[p] == Point(p) {
			po.libSet[p] = Bitboard{}
		}
	}
	for p := 0; p < n; p++ {
		d := uint8(len(b.g.onBoard[p]))
		po.emptyNbrs[p], po.notOwn[Black][p], po.notOwn[White][p] = 0, d, d
	}
	for p := 0; p < n; p++ {
		if po.color[p] == Empty {
			for _, q := range b.g.nbrs[p] {
				po.emptyNbrs[q]++
			}
			continue
		}
		r := po.root[p]
		for _, q := range b.g.nbrs[p] {
			po.notOwn[po.color[p]][q]--
			if po.color[q] == Empty {
				po.libSet[r].Set(q)
			}
		}
	}
	po.toMove = b.toMove
	po.empty = b.stones[Empty]
	atari := b.atariStones()
	po.legal[Black] = b.legalFrom(Black, &atari)
	po.legal[White] = b.legalFrom(White, &atari)
	return nil
}

// NumPoints returns the number of points of the board.
func (po *Playout) NumPoints() int { return po.g.n }

// ToMove returns the player to move.
func (po *Playout) ToMove() Color { return po.toMove }

// At returns the colour on p, which must be on the board.
func (po *Playout) At(p Point) Color { return po.color[p] }

// Neighbors returns the on-board neighbours of p, shared like
// Board.Neighbors: read it, do not change it.
func (po *Playout) Neighbors(p Point) []Point { return po.g.onBoard[p] }

// Empty returns the empty points.
func (po *Playout) Empty() Bitboard { return po.empty }

// LegalSet returns the points where c (Black or White) may play.
func (po *Playout) LegalSet(c Color) Bitboard { return po.legal[c] }

// IsLegalFor reports whether c (Black or White) may play p, which must be
// a point of the board.
func (po *Playout) IsLegalFor(c Color, p Point) bool { return po.legal[c].Has(p) }

// Over reports whether the player to move has no legal move, which ends
// NoGo.
func (po *Playout) Over() bool { return po.legal[po.toMove].IsEmpty() }

// Winner returns the winner of a finished game, Empty while it runs.
func (po *Playout) Winner() Color {
	if po.Over() {
		return po.toMove.Opponent()
	}
	return Empty
}

// MakesEye reports whether c playing the empty point p would leave a
// neighbouring empty point whose other neighbours are all c's: in NoGo the
// opponent can never play there (it would have no liberty, and capturing is
// forbidden).
func (po *Playout) MakesEye(c Color, p Point) bool {
	// p itself is the one neighbour of such a point that is not c's. The
	// test packs colour and count so that one comparison, which compiles
	// without a branch, checks both: these are as good as random in a
	// playout. Off the board the colour bits are never zero.
	notOwn := &po.notOwn[c]
	hits := 0
	for _, e := range &po.g.nbrs[p] {
		hits += b2i(notOwn[e]|uint8(po.color[e])<<4 == 1)
	}
	return hits != 0
}

// Play plays p for the player to move. An illegal move is refused with an
// error and leaves the position unchanged.
func (po *Playout) Play(p Point) error {
	c := po.toMove
	if p < 0 || int(p) >= po.g.n {
		return fmt.Errorf("playout: point %d is off the %dx%d board", p, po.g.w, po.g.h)
	}
	if !po.legal[c].Has(p) {
		return errors.New("playout: illegal move for " + c.String())
	}
	po.place(c, p)
	po.toMove = c.Opponent()
	return nil
}

// place puts a legal stone of c on p. Legality of a point depends only on
// whether it has an empty neighbour and on which neighbouring groups have
// exactly one liberty, so after the stone only these points need a new
// look: the single liberty of any group the move left in atari, and those
// empty neighbours of p that have no empty neighbour left. Groups that kept
// two liberties or more change nothing around them.
func (po *Playout) place(c Color, p Point) {
	nb := &po.g.nbrs[p]
	po.color[p], po.root[p], po.next[p], po.size[p] = c, p, p, 1
	po.empty.Clear(p)
	po.legal[Black].Clear(p)
	po.legal[White].Clear(p)

	var groups [4]Point
	own := &po.libSet[p]
	*own = Bitboard{}
	ng, friends, empties := 0, 0, int16(0)
	notOwn, empt := &po.notOwn[c], &po.emptyNbrs
	for _, q := range nb {
		notOwn[q]--
		empt[q]--
		col := po.color[q]
		if col == Empty {
			own.Set(q)
			empties++
			continue
		}
		if col == border {
			continue
		}
		r := po.root[q]
		dup := false
		for _, g := range groups[:ng] {
			dup = dup || g == r
		}
		if dup {
			continue
		}
		groups[ng] = r
		ng++
		po.libs[r]--
		po.libSet[r].Clear(p)
		if col == c {
			friends++
		}
	}
	if friends == 0 {
		po.libs[p] = empties
		if empties == 1 {
			po.refresh(own.first())
		}
	} else {
		root := p
		for _, r := range groups[:ng] {
			if po.color[r] == c {
				root = po.merge(root, r)
			}
		}
		n := po.libSet[root].Count()
		po.libs[root] = int16(n)
		if n == 1 {
			po.refresh(po.libSet[root].first())
		}
	}
	for _, r := range groups[:ng] {
		if po.color[r] != c && po.libs[r] == 1 {
			po.refresh(po.libSet[r].first())
		}
	}
	// An empty neighbour that still touches another empty point still
	// breathes for both players; any atari next to it was refreshed above.
	for _, q := range nb {
		if po.color[q] == Empty && empt[q] == 0 {
			po.refresh(q)
		}
	}
}

// refresh recomputes both players' legality of the empty point q from its
// four neighbours.
func (po *Playout) refresh(q Point) {
	// Each neighbour sets one bit of seen: bit 0 an empty point, bit 2c a
	// c group with two liberties or more, bit 2c+1 a c group in atari, bit
	// 6 the border. Empty points and the sentinel have no liberty count, so
	// their atari bit stays off. Branch-free: neighbour colours are as good
	// as random in a playout.
	var seen uint8
	for _, r := range po.g.nbrs[q] {
		k := 2 * uint8(po.color[r])
		if po.libs[po.root[r]] == 1 {
			k++
		}
		seen |= 1 << k
	}
	m := refreshTable[seen&0x3f]
	i, bit := q>>6, uint64(1)<<(uint(q)&63)
	lb, lw := po.legal[Black][i]&^bit, po.legal[White][i]&^bit
	if m&1 != 0 {
		lb |= bit
	}
	if m&2 != 0 {
		lw |= bit
	}
	po.legal[Black][i], po.legal[White][i] = lb, lw
}

// refreshTable maps the neighbour bits of refresh to legality: bit 0 for
// Black, bit 1 for White. A player may play a point that touches an empty
// point or one of their groups out of atari, and that touches no opponent
// group in atari.
var refreshTable = func() (t [64]uint8) {
	for seen := range t {
		has := func(k int) bool { return seen&(1<<k) != 0 }
		if (has(0) || has(2*int(Black))) && !has(2*int(White)+1) {
			t[seen] |= 1
		}
		if (has(0) || has(2*int(White))) && !has(2*int(Black)+1) {
			t[seen] |= 2
		}
	}
	return t
}()

// merge joins the groups rooted at a and r and returns the new root.
func (po *Playout) merge(a, r Point) Point {
	if po.size[a] < po.size[r] {
		a, r = r, a
	}
	s := r
	for {
		po.root[s] = a
		s = po.next[s]
		if s == r {
			break
		}
	}
	po.next[a], po.next[r] = po.next[r], po.next[a]
	po.size[a] += po.size[r]
	la, lr := &po.libSet[a], &po.libSet[r]
	for i := range la {
		la[i] |= lr[i]
	}
	return a
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

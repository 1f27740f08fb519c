package board

import (
	"errors"
	"fmt"
	"math/bits"
)

// Playout is a NoGo position cut down for Monte Carlo playouts. It keeps,
// for each player, the set of points where that player may play, updated
// with every stone, so a legality test is one bit test. It keeps no history,
// no Zobrist keys and no capture code (NoGo has no captures), and it lives
// in fixed arrays so that reloading or copying it allocates nothing. A
// search loads it from a Board once and copies it (CopyFrom, which moves
// only the part the board size uses) at the start of each playout; the zero
// value is unusable until Load.
type Playout struct {
	g *geometry
	// nbrs is g.nbrs, one load closer to the hot loops.
	nbrs [][4]Point
	// nw is the number of words of a liberty set: the board's points and
	// the sentinel rounded up to 64, 2 on 9×9 rather than the 6 of a
	// Bitboard.
	nw     int
	toMove Color
	legal  [3]Bitboard
	empty  Bitboard
	// cells holds n points then the off-board sentinel: what place and
	// refresh read about a neighbour sits together in one cell.
	cells [MaxPoints + 1]pcell
	// libs holds the liberties of each group, nw words on its root:
	// merging groups is then a union rather than a walk over their stones.
	// Empty points and the sentinel have sets too, always empty.
	libs [(MaxPoints + 1) * len(Bitboard{})]uint64
}

// pcell is one point of a Playout. root, next, nlibs and size are those of
// a Board cell; empty points and the sentinel are their own root with no
// liberty, so that a neighbour's atari test needs no colour test.
type pcell struct {
	color Color
	// emptyNbrs counts the empty points next to the point; notOwn[c] its
	// neighbours, on the board, that are not c's stones.
	emptyNbrs uint8
	notOwn    [3]uint8
	root      Point
	next      Point // circular list of a group's stones
	nlibs     int16 // liberty count, on group roots
	size      int16 // stone count, on group roots
}

// Load makes po a copy of the NoGo position b.
func (po *Playout) Load(b *Board) error {
	if b.rules.Game != NoGo {
		return fmt.Errorf("playout: %v position: only NoGo positions can be loaded", b.rules.Game)
	}
	n := b.g.n
	po.g, po.nbrs = b.g, b.g.nbrs
	po.nw = (n + 1 + 63) / 64
	for p := 0; p <= n; p++ {
		c := &b.cells[p]
		pc := &po.cells[p]
		*pc = pcell{color: c.color, root: c.root, next: c.next, nlibs: c.libs, size: c.size}
		if c.color != Black && c.color != White {
			pc.root, pc.nlibs = Point(p), 0
		}
		if p < n {
			d := uint8(len(b.g.onBoard[p]))
			pc.notOwn[Black], pc.notOwn[White] = d, d
		}
	}
	clear(po.libs[:(n+1)*po.nw])
	for p := 0; p < n; p++ {
		if po.cells[p].color == Empty {
			for _, q := range b.g.nbrs[p] {
				po.cells[q].emptyNbrs++
			}
			continue
		}
		col := po.cells[p].color
		lib := po.libSet(po.cells[p].root)
		for _, q := range b.g.nbrs[p] {
			po.cells[q].notOwn[col]--
			if po.cells[q].color == Empty {
				lib[q>>6] |= 1 << (uint(q) & 63)
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

// CopyFrom makes po a copy of src, which must have been loaded. It copies
// only the cells and liberty words of src's board size, a few hundred
// bytes on 9×9, which is what makes a copy per playout cheap.
func (po *Playout) CopyFrom(src *Playout) {
	n := src.g.n
	po.g, po.nbrs, po.nw, po.toMove = src.g, src.nbrs, src.nw, src.toMove
	po.legal, po.empty = src.legal, src.empty
	copy(po.cells[:n+1], src.cells[:n+1])
	copy(po.libs[:(n+1)*src.nw], src.libs[:(n+1)*src.nw])
}

// libSet returns the liberty words of the group rooted at r.
func (po *Playout) libSet(r Point) []uint64 {
	i := int(r) * po.nw
	return po.libs[i : i+po.nw]
}

// libCount returns the number of liberties in the set of root r.
func (po *Playout) libCount(r Point) int {
	n := 0
	for _, w := range po.libSet(r) {
		n += onesCount(w)
	}
	return n
}

// firstLib returns the smallest liberty of root r, which must have one.
func (po *Playout) firstLib(r Point) Point {
	for i, w := range po.libSet(r) {
		if w != 0 {
			return Point(i*64 + trailingZeros(w))
		}
	}
	return noPoint
}

// NumPoints returns the number of points of the board.
func (po *Playout) NumPoints() int { return po.g.n }

// ToMove returns the player to move.
func (po *Playout) ToMove() Color { return po.toMove }

// At returns the colour on p, which must be on the board.
func (po *Playout) At(p Point) Color { return po.cells[p].color }

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
	hits := 0
	for _, e := range &po.nbrs[p] {
		ce := &po.cells[e]
		hits += b2i(ce.notOwn[c]|uint8(ce.color)<<4 == 1)
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
	nb := &po.nbrs[p]
	cells := &po.cells
	cp := &cells[p]
	cp.color, cp.root, cp.next, cp.size = c, p, p, 1
	po.empty.Clear(p)
	po.legal[Black].Clear(p)
	po.legal[White].Clear(p)

	nw := po.nw
	pw, pbit := int(p>>6), uint64(1)<<(uint(p)&63)
	own := po.libSet(p)
	clear(own)
	// Every neighbour is handled the same way, without a branch on its
	// colour (as good as random in a playout): an empty neighbour adds its
	// bit to the new stone's liberties, and each neighbouring group loses
	// p from its liberty set. Empty points and the sentinel are their own
	// roots with empty sets, so for them that is a no-op; a group seen
	// twice has lost p already, so it is counted and listed once.
	var groups [4]Point
	ng := 0
	// stifled marks, by neighbour index, the empty neighbours left with no
	// empty neighbour: their legality needs a new look at the end.
	stifled := uint(0)
	for i, q := range nb {
		cq := &cells[q]
		cq.notOwn[c]--
		cq.emptyNbrs--
		isEmpty := b2i(cq.color == Empty)
		stifled |= uint(isEmpty&b2i(cq.emptyNbrs == 0)) << i
		own[q>>6] |= uint64(isEmpty) << (uint(q) & 63)
		r := cq.root
		w := &po.libs[int(r)*nw+pw]
		had := int(*w>>(uint(p)&63)) & 1
		*w &^= pbit
		cells[r].nlibs -= int16(had)
		groups[ng] = r
		ng += had
	}
	// Split the groups by masks, not branches: c's groups merge with the
	// stone; opponent groups the stone put in atari have a last liberty
	// whose legality changes.
	friends, atari := uint(0), uint(0)
	for i, r := range groups[:ng] {
		mine := b2i(cells[r].color == c)
		friends |= uint(mine) << i
		atari |= uint((1-mine)&b2i(cells[r].nlibs == 1)) << i
	}
	root := p
	for ; friends != 0; friends &= friends - 1 {
		root = po.merge(root, groups[bits.TrailingZeros(friends)&3])
	}
	// Without friends this counts the empty neighbours, set in own above.
	n := po.libCount(root)
	cells[root].nlibs = int16(n)
	if n == 1 {
		po.refresh(po.firstLib(root))
	}
	for ; atari != 0; atari &= atari - 1 {
		po.refresh(po.firstLib(groups[bits.TrailingZeros(atari)&3]))
	}
	// An empty neighbour that still touches another empty point still
	// breathes for both players; any atari next to it was refreshed above.
	for ; stifled != 0; stifled &= stifled - 1 {
		po.refresh(nb[bits.TrailingZeros(stifled)&3])
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
	for _, r := range &po.nbrs[q] {
		cr := &po.cells[r]
		k := 2*uint8(cr.color) + uint8(b2i(po.cells[cr.root].nlibs == 1))
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
	cells := &po.cells
	if cells[a].size < cells[r].size {
		a, r = r, a
	}
	s := r
	for {
		cells[s].root = a
		s = cells[s].next
		if s == r {
			break
		}
	}
	cells[a].next, cells[r].next = cells[r].next, cells[a].next
	cells[a].size += cells[r].size
	la, lr := po.libSet(a), po.libSet(r)
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

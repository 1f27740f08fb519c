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
	// nbrs and nbrSets are g's, one load closer to the hot loops.
	nbrs    [][4]Point
	nbrSets []Bitboard
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
	// libs holds the liberties of each group, on its root: merging groups
	// is then a union rather than a walk over their stones. Only the first
	// nw words of a set are ever non-zero. Empty points and the sentinel
	// have sets too, always empty.
	libs [MaxPoints + 1]Bitboard
}

// pcell is one point of a Playout. root, next, nlibs and size are those of
// a Board cell; empty points and the sentinel are their own root with no
// liberty, so that a neighbour's atari test needs no colour test.
type pcell struct {
	// state packs, one byte each from the lowest, the point's colour, the
	// number of empty points next to it, and for Black and then White the
	// number of its neighbours on the board that are not that player's
	// stones. A stone changes a neighbour's counts with one subtraction
	// (stoneDelta), and almostEye reads colour and count with one mask.
	// The sentinel's counts run below zero and borrow upwards, into bytes
	// nothing reads; its colour byte stays intact.
	state uint32
	root  Point
	next  Point // circular list of a group's stones
	nlibs int16 // liberty count, on group roots
	size  int16 // stone count, on group roots
	// eyeNbrs counts, for Black in the low four bits and White in the
	// high four (eyeShift), the neighbours that are almost-eyes of that
	// player: empty, with exactly one neighbour on the board that is not
	// the player's stone. On an empty point it is exact, and it is the eye
	// test (MakesEye): one load on the policy's path instead of four after
	// a load of the neighbour table. On a stone it may drift: stones stay,
	// and nothing reads it.
	eyeNbrs uint8
}

// color returns the colour byte of a state.
func (c *pcell) color() Color { return Color(uint8(c.state)) }

// notOwnShift is where c's count of neighbours that are not c's stones
// sits in a state, for c Black or White.
func notOwnShift(c Color) uint { return 16 + 8*(uint(c)>>1&1) }

// eyeShift is where c's count sits in eyeNbrs, for c Black or White.
func eyeShift(c Color) uint { return 4 * (uint(c) >> 1 & 1) }

// almostEye reports whether a point with state st is empty with exactly
// one neighbour on the board that is not c's stone.
func almostEye(st uint32, c Color) bool {
	return st&(0xff|0xff<<notOwnShift(c)) == 1<<notOwnShift(c)
}

// eyeAround adds d to the eyeNbrs of e's neighbours: d is one c count up,
// or down (its negation), when e becomes or stops being an almost-eye of
// c. The sentinel's count collects junk nothing reads.
func (po *Playout) eyeAround(e Point, d uint8) {
	for _, x := range &po.nbrs[e] {
		po.cells[x].eyeNbrs += d
	}
}

// stoneDelta is what a stone of c next to a point takes from its state:
// one empty neighbour fewer, and one neighbour fewer that is not c's.
func stoneDelta(c Color) uint32 { return 1<<8 | 1<<notOwnShift(c) }

// Load makes po a copy of the NoGo position b.
func (po *Playout) Load(b *Board) error {
	if b.rules.Game != NoGo {
		return fmt.Errorf("playout: %v position: only NoGo positions can be loaded", b.rules.Game)
	}
	n := b.g.n
	po.g, po.nbrs, po.nbrSets = b.g, b.g.nbrs, b.g.nbrSets
	po.nw = (n + 1 + 63) / 64
	for p := 0; p <= n; p++ {
		c := &b.cells[p]
		pc := &po.cells[p]
		*pc = pcell{state: uint32(uint8(c.color)), root: c.root, next: c.next, nlibs: c.libs, size: c.size}
		if c.color != Black && c.color != White {
			pc.root, pc.nlibs = Point(p), 0
		}
	}
	clear(po.libs[:n+1])
	for p := 0; p < n; p++ {
		var empties uint32
		notOwn := [3]uint32{Black: uint32(len(b.g.onBoard[p])), White: uint32(len(b.g.onBoard[p]))}
		for _, q := range b.g.onBoard[p] {
			switch c := b.cells[q].color; c {
			case Empty:
				empties++
			case Black, White:
				notOwn[c]--
			}
		}
		po.cells[p].state |= empties<<8 | notOwn[Black]<<notOwnShift(Black) | notOwn[White]<<notOwnShift(White)
		if po.cells[p].color() == Empty {
			continue
		}
		lib := po.libSet(po.cells[p].root)
		for _, q := range b.g.onBoard[p] {
			if b.cells[q].color == Empty {
				lib[q>>6] |= 1 << (uint(q) & 63)
			}
		}
	}
	for p := 0; p < n; p++ {
		for _, c := range []Color{Black, White} {
			if almostEye(po.cells[p].state, c) {
				po.eyeAround(Point(p), 1<<eyeShift(c))
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
// only the cells and liberty sets of src's board size, about 5 KB on 9×9
// (a tenth of the struct), which is what makes a copy per playout cheap.
func (po *Playout) CopyFrom(src *Playout) {
	n := src.g.n
	po.g, po.nbrs, po.nbrSets, po.nw, po.toMove = src.g, src.nbrs, src.nbrSets, src.nw, src.toMove
	po.legal, po.empty = src.legal, src.empty
	copy(po.cells[:n+1], src.cells[:n+1])
	copy(po.libs[:n+1], src.libs[:n+1])
}

// libSet returns the liberty words of the group rooted at r.
func (po *Playout) libSet(r Point) []uint64 { return po.libs[r][:po.nw] }

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
func (po *Playout) At(p Point) Color { return po.cells[p].color() }

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
	// Such a point is an empty neighbour with exactly one neighbour that
	// is not c's, p itself: what eyeNbrs counts.
	return po.cells[p].eyeNbrs>>eyeShift(c)&0xf != 0
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
	// p stops being empty, and so an almost-eye of either player.
	if almostEye(cp.state, Black) {
		po.eyeAround(p, 0xff) // -1 << eyeShift(Black)
	}
	if almostEye(cp.state, White) {
		po.eyeAround(p, 0xf0) // -1 << eyeShift(White)
	}
	cp.state = cp.state&^0xff | uint32(uint8(c))
	cp.root, cp.next, cp.size = p, p, 1
	po.empty.Clear(p)
	po.legal[Black].Clear(p)
	po.legal[White].Clear(p)

	pw, pbit := int(p>>6), uint64(1)<<(uint(p)&63)
	// The new stone's liberties are its empty neighbours, as many as the
	// count in p's state (which the stone did not change); p's set was
	// empty, since only groups' sets ever gain points. Counted from the
	// state, not the set: a population count in this loop costs a
	// feature test whose fallback call makes the loop spill.
	own := po.libSet(p)
	nbrSet := &po.nbrSets[p]
	n := int(cp.state >> 8 & 0xff)
	for i := range own {
		own[i] = nbrSet[i] & po.empty[i]
	}
	// Every neighbour is handled the same way, without a branch on its
	// colour (as good as random in a playout), by touch and loseLib: each
	// neighbouring group loses p from its liberty set. Empty points and
	// the sentinel are their own roots with empty sets, so for them that
	// is a no-op; a group seen twice has lost p already, so it is counted
	// and flagged once. Written out four times rather than looped: with
	// constant neighbour indices what touch reports packs into masks by
	// constant shifts, and the loop's counters no longer spill to the
	// stack around every neighbour.
	delta := stoneDelta(c)
	var groups [4]Point
	var f0, f1, f2, f3 uint
	groups[0], f0 = po.touch(nb[0], delta)
	f0 |= po.loseLib(groups[0], pw, pbit)
	groups[1], f1 = po.touch(nb[1], delta)
	f1 |= po.loseLib(groups[1], pw, pbit)
	groups[2], f2 = po.touch(nb[2], delta)
	f2 |= po.loseLib(groups[2], pw, pbit)
	groups[3], f3 = po.touch(nb[3], delta)
	f3 |= po.loseLib(groups[3], pw, pbit)
	flags := f0 | f1<<1 | f2<<2 | f3<<3
	// Empty neighbours that became almost-eyes of c. (One left with no
	// neighbour that is not c's is a true eye: it stops being an
	// almost-eye, but all its neighbours are stones, whose counts
	// nothing reads.)
	for m := flags >> touchEye & 0xf; m != 0; m &= m - 1 {
		po.eyeAround(nb[bits.TrailingZeros(m)&3], 1<<eyeShift(c))
	}
	// Split the groups that lost p by masks, not branches: c's groups
	// merge with the stone; opponent groups the stone put in atari have a
	// last liberty whose legality changes.
	friends, atari := uint(0), uint(0)
	for m := flags >> touchGroup & 0xf; m != 0; m &= m - 1 {
		i := bits.TrailingZeros(m) & 3
		cr := &cells[groups[i]]
		mine := b2i(uint8(cr.state) == uint8(c))
		friends |= uint(mine) << i
		atari |= uint((1-mine)&b2i(cr.nlibs == 1)) << i
	}
	root := p
	if friends != 0 {
		// The stone joins its first friendly group, which keeps its root:
		// no walk over its stones. Further groups merge into that one.
		root = groups[bits.TrailingZeros(friends)&3]
		cr := &cells[root]
		cp.root, cp.next, cr.next = root, cr.next, p
		cr.size++
		lr := po.libSet(root)
		for i, w := range own {
			lr[i] |= w
		}
		for friends &= friends - 1; friends != 0; friends &= friends - 1 {
			root = po.merge(root, groups[bits.TrailingZeros(friends)&3])
		}
		n = po.libCount(root)
	}
	cells[root].nlibs = int16(n)
	if n == 1 {
		po.refresh(po.firstLib(root))
	}
	for ; atari != 0; atari &= atari - 1 {
		po.refresh(po.firstLib(groups[bits.TrailingZeros(atari)&3]))
	}
	// An empty neighbour that still touches another empty point still
	// breathes for both players; any atari next to it was refreshed above.
	for m := flags >> touchStifled & 0xf; m != 0; m &= m - 1 {
		po.refresh(nb[bits.TrailingZeros(m)&3])
	}
}

// What touch reports about a neighbour, one bit each at these offsets,
// spaced so that place can pack the four neighbours' reports side by side.
const (
	touchStifled = 0 // an empty point left with no empty neighbour
	touchEye     = 4 // an empty point that just became an almost-eye of the mover
	touchGroup   = 8 // the first neighbour of a group that had p as a liberty
)

// touch applies a stone to its neighbour q's counts (delta is stoneDelta
// of the stone's colour) and returns q's root and q's stifled and eye
// bits.
func (po *Playout) touch(q Point, delta uint32) (Point, uint) {
	cq := &po.cells[q]
	st := cq.state - delta
	cq.state = st
	// almostEye of the mover, whose not-own count is delta's upper bit.
	own := delta &^ (1 << 8)
	eye := b2i(st&(0xff|own*0xff) == own)
	return cq.root, uint(b2i(st&0xffff == 0))<<touchStifled | uint(eye)<<touchEye
}

// loseLib takes the stone's point, whose liberty word is pw and bit pbit,
// from the liberties of the group rooted at r, and returns its group bit:
// set if the group had it.
func (po *Playout) loseLib(r Point, pw int, pbit uint64) uint {
	w := &po.libs[r][pw]
	had := b2i(*w&pbit != 0)
	*w &^= pbit
	po.cells[r].nlibs -= int16(had)
	return uint(had) << touchGroup
}

// refresh recomputes both players' legality of the empty point q from its
// four neighbours.
func (po *Playout) refresh(q Point) {
	// Each neighbour sets one bit of seen (nbrBit). Branch-free, and
	// unrolled: neighbour colours are as good as random in a playout.
	nb := &po.nbrs[q]
	seen := po.nbrBit(nb[0]) | po.nbrBit(nb[1]) | po.nbrBit(nb[2]) | po.nbrBit(nb[3])
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

// nbrBit is what refresh learns from the neighbour r, as one bit: bit 0 an
// empty point, bit 2c a c group with two liberties or more, bit 2c+1 a c
// group in atari, bit 6 the border. Empty points and the sentinel have no
// liberty count, so their atari bit stays off.
func (po *Playout) nbrBit(r Point) uint8 {
	cr := &po.cells[r]
	return 1 << ((2*uint8(cr.state) + uint8(b2i(po.cells[cr.root].nlibs == 1))) & 7)
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

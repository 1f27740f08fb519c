package board

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Game names a rule set.
type Game int8

// The games.
const (
	NoGo Game = iota + 1
	AtariGo
)

func (g Game) String() string {
	switch g {
	case NoGo:
		return "nogo"
	case AtariGo:
		return "atarigo"
	}
	return "game(" + strconv.Itoa(int(g)) + ")"
}

// ParseGame reads a game name: nogo, atarigo (also atari-go, capturego).
func ParseGame(s string) (Game, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nogo", "no-go":
		return NoGo, nil
	case "atarigo", "atari-go", "capturego", "capture-go":
		return AtariGo, nil
	}
	return 0, fmt.Errorf("unknown game %q: want nogo or atarigo", s)
}

// Rules chooses the game and its options.
type Rules struct {
	Game Game
	// CaptureTarget is, in Atari-Go, the number of captured stones that
	// wins; 0 means 1, the standard game.
	CaptureTarget int
	// AllowPass lets players pass in Atari-Go; NoGo never allows it.
	AllowPass bool
}

// cell is the state of one point. libs and size are meaningful on group
// roots only.
type cell struct {
	color      Color
	root, next Point
	libs, size int16
}

type cellChange struct {
	p   Point
	old cell
}

// undoRecord holds what a move changed outside the cell log.
type undoRecord struct {
	logLen   int32
	toMove   Color
	passes   int8
	ko, last Point
	captures [3]int16
}

// Board is a position with its rules and the history needed for Undo. The
// zero value is not usable; call New.
type Board struct {
	g        *geometry
	rules    Rules
	target   int
	cells    []cell // n points then the off-board sentinel
	stones   [3]Bitboard
	toMove   Color
	ko       Point
	last     Point
	passes   int
	captures [3]int
	// stoneHash[s] is the Zobrist key of the stones seen through symmetry s.
	stoneHash [8]uint64
	log       []cellChange
	hist      []undoRecord
}

// New returns the empty w×h board with Black to move.
func New(w, h int, rules Rules) (*Board, error) {
	if err := checkSize(w, h); err != nil {
		return nil, err
	}
	target := 1
	switch rules.Game {
	case NoGo:
		if rules.AllowPass {
			return nil, errors.New("rules: NoGo does not allow passing")
		}
		if rules.CaptureTarget != 0 {
			return nil, errors.New("rules: a capture target applies to Atari-Go, not NoGo")
		}
	case AtariGo:
		if rules.CaptureTarget < 0 {
			return nil, fmt.Errorf("rules: capture target %d is negative", rules.CaptureTarget)
		}
		if rules.CaptureTarget > 0 {
			target = rules.CaptureTarget
		}
	default:
		return nil, fmt.Errorf("rules: unknown game %v", rules.Game)
	}
	b := &Board{g: newGeometry(w, h), rules: rules, target: target}
	b.reset()
	return b, nil
}

// reset empties the board.
func (b *Board) reset() {
	n := b.g.n
	b.cells = make([]cell, n+1)
	for p := range b.cells {
		b.cells[p] = cell{root: Point(p), next: Point(p)}
	}
	b.cells[n].color = border
	b.stones = [3]Bitboard{}
	for p := 0; p < n; p++ {
		b.stones[Empty].Set(Point(p))
	}
	b.toMove, b.ko, b.last, b.passes = Black, noPoint, noPoint, 0
	b.captures = [3]int{}
	b.stoneHash = [8]uint64{}
	b.log, b.hist = b.log[:0], b.hist[:0]
}

// Clear empties the board, keeping size and rules.
func (b *Board) Clear() { b.reset() }

// Clone returns an independent copy of the position. The copy has no
// history: it cannot undo moves played before the copy.
func (b *Board) Clone() *Board {
	c := &Board{}
	c.CopyFrom(b)
	return c
}

// CopyFrom makes b a copy of src's position, reusing b's memory where it
// can. Like Clone, it drops the history.
func (b *Board) CopyFrom(src *Board) {
	if len(b.cells) != len(src.cells) {
		b.cells = make([]cell, len(src.cells))
	}
	copy(b.cells, src.cells)
	b.g, b.rules, b.target = src.g, src.rules, src.target
	b.stones = src.stones
	b.toMove, b.ko, b.last, b.passes = src.toMove, src.ko, src.last, src.passes
	b.captures = src.captures
	b.stoneHash = src.stoneHash
	b.log, b.hist = b.log[:0], b.hist[:0]
}

// Width returns the number of columns.
func (b *Board) Width() int { return b.g.w }

// Height returns the number of rows.
func (b *Board) Height() int { return b.g.h }

// NumPoints returns Width*Height.
func (b *Board) NumPoints() int { return b.g.n }

// Rules returns the rules the board was made with.
func (b *Board) Rules() Rules { return b.rules }

// ToMove returns the player to move.
func (b *Board) ToMove() Color { return b.toMove }

// At returns the colour on p, which must be on the board.
func (b *Board) At(p Point) Color { return b.cells[p].color }

// Stones returns the points holding c (Empty: the empty points).
func (b *Board) Stones(c Color) Bitboard { return b.stones[c] }

// Liberties returns the liberty count of the group on p, 0 for an empty point.
func (b *Board) Liberties(p Point) int {
	if b.cells[p].color == Empty {
		return 0
	}
	return int(b.cells[b.cells[p].root].libs)
}

// Captures returns the number of stones c has captured.
func (b *Board) Captures(c Color) int { return b.captures[c] }

// MoveCount returns the number of moves (passes included) that Undo can take back.
func (b *Board) MoveCount() int { return len(b.hist) }

// LastMove returns the last move played, if any is known.
func (b *Board) LastMove() (Point, bool) { return b.last, b.last != noPoint }

// Ko returns the point the player to move may not play because it would
// retake a ko at once, if there is one (Atari-Go only).
func (b *Board) Ko() (Point, bool) { return b.ko, b.ko >= 0 }

// Neighbors returns the on-board neighbours of p. The slice is shared by
// all boards of this size: read it, do not change it.
func (b *Board) Neighbors(p Point) []Point { return b.g.onBoard[p] }

// legal reports whether c may play on the empty-or-not point p.
func (b *Board) legal(c Color, p Point) bool {
	if b.cells[p].color != Empty {
		return false
	}
	opp := c.Opponent()
	breathes, captures := false, false
	for _, q := range b.g.nbrs[p] {
		switch b.cells[q].color {
		case Empty:
			breathes = true
		case c:
			if b.cells[b.cells[q].root].libs > 1 {
				breathes = true
			}
		case opp:
			if b.cells[b.cells[q].root].libs == 1 {
				captures = true
			}
		}
	}
	if b.rules.Game == NoGo {
		return breathes && !captures
	}
	return (breathes || captures) && p != b.ko
}

// decided reports an Atari-Go game ended by captures or two passes.
func (b *Board) decided() bool {
	if b.rules.Game != AtariGo {
		return false
	}
	return b.captures[Black] >= b.target || b.captures[White] >= b.target ||
		(b.rules.AllowPass && b.passes >= 2)
}

// IsLegal reports whether the player to move may play p (Pass included).
func (b *Board) IsLegal(p Point) bool { return b.IsLegalFor(b.toMove, p) }

// IsLegalFor reports whether c may play p now.
func (b *Board) IsLegalFor(c Color, p Point) bool {
	if c != Black && c != White || b.decided() {
		return false
	}
	if p == Pass {
		return b.rules.AllowPass
	}
	if p < 0 || int(p) >= b.g.n {
		return false
	}
	return b.legal(c, p)
}

// LegalMoves appends the legal moves of the player to move to dst, points
// in increasing order and then Pass when passing is allowed. It appends
// nothing once the game is over.
func (b *Board) LegalMoves(dst []Point) []Point {
	if b.decided() {
		return dst
	}
	set := b.legalSet(b.toMove)
	dst = set.AppendPoints(dst)
	if b.rules.AllowPass {
		dst = append(dst, Pass)
	}
	return dst
}

// LegalSet returns the points where c may play now (passing aside).
func (b *Board) LegalSet(c Color) Bitboard {
	if b.decided() || (c != Black && c != White) {
		return Bitboard{}
	}
	return b.legalSet(c)
}

// legalSet computes c's legal points for all the board at once.
func (b *Board) legalSet(c Color) Bitboard {
	atari := b.atariStones()
	return b.legalFrom(c, &atari)
}

// atariStones returns, for each colour, its stones in groups with a single
// liberty.
func (b *Board) atariStones() [3]Bitboard {
	var atari [3]Bitboard
	for _, col := range []Color{Black, White} {
		for i, w := range b.stones[col] {
			for w != 0 {
				bit := w & -w
				p := Point(i*64 + trailingZeros(w))
				w &^= bit
				if b.cells[b.cells[p].root].libs == 1 {
					atari[col][i] |= bit
				}
			}
		}
	}
	return atari
}

// legalFrom computes c's legal points given the stones in atari: a point
// is safe if it touches an empty point or one of c's groups with two
// liberties or more, and captures if it touches an opponent group in atari
// (whose single liberty it must be).
func (b *Board) legalFrom(c Color, atari *[3]Bitboard) Bitboard {
	g := b.g
	empty := b.stones[Empty]
	opp := c.Opponent()
	breathes := g.around(empty.or(b.stones[c].andNot(atari[c])))
	captures := g.around(atari[opp])
	if b.rules.Game == NoGo {
		return empty.and(breathes).andNot(captures)
	}
	set := empty.and(breathes.or(captures))
	if b.ko >= 0 {
		set.Clear(b.ko)
	}
	return set
}

// hasLegal reports whether c has a legal point move. It tests point by
// point because a legal point usually turns up among the first few.
func (b *Board) hasLegal(c Color) bool {
	for i, w := range b.stones[Empty] {
		for w != 0 {
			p := Point(i*64 + trailingZeros(w))
			w &= w - 1
			if b.legal(c, p) {
				return true
			}
		}
	}
	return false
}

// Over reports whether the game has ended.
func (b *Board) Over() bool {
	if b.decided() {
		return true
	}
	if b.rules.AllowPass {
		return false
	}
	return !b.hasLegal(b.toMove)
}

// Winner returns the winner of a finished game; Empty while the game runs
// and for an Atari-Go draw (two passes, equal captures).
func (b *Board) Winner() Color {
	if b.rules.Game == AtariGo {
		switch {
		case b.captures[Black] >= b.target:
			return Black
		case b.captures[White] >= b.target:
			return White
		case b.rules.AllowPass:
			if b.passes < 2 {
				return Empty
			}
			switch {
			case b.captures[Black] > b.captures[White]:
				return Black
			case b.captures[White] > b.captures[Black]:
				return White
			}
			return Empty
		}
	}
	if b.hasLegal(b.toMove) {
		return Empty
	}
	return b.toMove.Opponent()
}

// Play plays p (or Pass) for the player to move.
func (b *Board) Play(p Point) error { return b.PlayAs(b.toMove, p) }

// PlayAs plays p (or Pass) for c, whoever is to move; afterwards c's
// opponent is to move. Illegal moves are refused with an error naming the
// reason, and leave the board unchanged.
func (b *Board) PlayAs(c Color, p Point) error {
	if c != Black && c != White {
		return fmt.Errorf("play: %v is not a player", c)
	}
	if b.decided() {
		return errors.New("play: the game is over")
	}
	if p == Pass {
		if !b.rules.AllowPass {
			return fmt.Errorf("play: %v may not pass under these rules", c)
		}
		b.push()
		b.passes++
		b.ko, b.last, b.toMove = noPoint, Pass, c.Opponent()
		return nil
	}
	if p < 0 || int(p) >= b.g.n {
		return fmt.Errorf("play: point %d is off the %dx%d board", p, b.g.w, b.g.h)
	}
	if !b.legal(c, p) {
		return fmt.Errorf("play: illegal move %s for %v: %s", b.PointName(p), c, b.illegalReason(c, p))
	}
	b.push()
	b.place(c, p)
	return nil
}

func (b *Board) illegalReason(c Color, p Point) string {
	if b.cells[p].color != Empty {
		return "the point is occupied"
	}
	if p == b.ko && b.rules.Game == AtariGo {
		return "it retakes a ko at once"
	}
	opp := c.Opponent()
	for _, q := range b.g.nbrs[p] {
		if b.cells[q].color == opp && b.cells[b.cells[q].root].libs == 1 {
			return "NoGo forbids captures"
		}
	}
	return "suicide"
}

// push records the state a move is about to change.
func (b *Board) push() {
	b.hist = append(b.hist, undoRecord{
		logLen:   int32(len(b.log)),
		toMove:   b.toMove,
		passes:   int8(b.passes),
		ko:       b.ko,
		last:     b.last,
		captures: [3]int16{0, int16(b.captures[Black]), int16(b.captures[White])},
	})
}

// save logs cell p before it changes.
func (b *Board) save(p Point) { b.log = append(b.log, cellChange{p, b.cells[p]}) }

// toggle flips stone c on p in every symmetric hash.
func (b *Board) toggle(c Color, p Point) {
	k := &b.g.symKeys[c][p]
	for s := range b.stoneHash {
		b.stoneHash[s] ^= k[s]
	}
}

// place puts a legal stone of c on p, merging, counting liberties and capturing.
func (b *Board) place(c Color, p Point) {
	opp := c.Opponent()
	b.save(p)
	b.cells[p] = cell{color: c, root: p, next: p, size: 1}
	b.stones[Empty].Clear(p)
	b.stones[c].Set(p)
	b.toggle(c, p)

	var groups [4]Point
	ng, empties, friends := 0, int16(0), 0
	for _, q := range b.g.nbrs[p] {
		col := b.cells[q].color
		if col == Empty {
			empties++
			continue
		}
		if col == border {
			continue
		}
		r := b.cells[q].root
		dup := false
		for _, g := range groups[:ng] {
			dup = dup || g == r
		}
		if dup {
			continue
		}
		groups[ng] = r
		ng++
		b.save(r)
		b.cells[r].libs--
		if col == c {
			friends++
		}
	}
	if friends == 0 {
		b.cells[p].libs = empties
	} else {
		root := p
		for _, r := range groups[:ng] {
			if b.cells[r].color == c {
				root = b.merge(root, r)
			}
		}
		b.recount(root)
	}
	captured, capPoint := 0, noPoint
	for _, r := range groups[:ng] {
		if b.cells[r].color == opp && b.cells[r].libs == 0 {
			captured += b.remove(r)
			capPoint = r
		}
	}
	b.captures[c] += captured
	b.ko = noPoint
	if r := b.cells[p].root; captured == 1 && b.cells[r].size == 1 && b.cells[r].libs == 1 {
		b.ko = capPoint
	}
	b.passes = 0
	b.last = p
	b.toMove = opp
}

// merge joins the groups rooted at a and r and returns the new root.
func (b *Board) merge(a, r Point) Point {
	if b.cells[a].size < b.cells[r].size {
		a, r = r, a
	}
	// Relabel the smaller group r into a.
	s := r
	for {
		b.save(s)
		b.cells[s].root = a
		s = b.cells[s].next
		if s == r {
			break
		}
	}
	b.save(a)
	an, rn := b.cells[a].next, b.cells[r].next
	b.cells[a].next, b.cells[r].next = rn, an
	b.cells[a].size += b.cells[r].size
	return a
}

// recount sets the exact liberty count of the group rooted at r.
func (b *Board) recount(r Point) {
	var libs Bitboard
	s := r
	for {
		for _, q := range b.g.nbrs[s] {
			if b.cells[q].color == Empty {
				libs.Set(q)
			}
		}
		s = b.cells[s].next
		if s == r {
			break
		}
	}
	b.save(r)
	b.cells[r].libs = int16(libs.Count())
}

// remove captures the group rooted at r and returns its size.
func (b *Board) remove(r Point) int {
	col := b.cells[r].color
	n := 0
	s := r
	for {
		b.save(s)
		b.cells[s].color = Empty
		b.stones[col].Clear(s)
		b.stones[Empty].Set(s)
		b.toggle(col, s)
		n++
		s = b.cells[s].next
		if s == r {
			break
		}
	}
	// Each captured point is a new liberty of every distinct group around it.
	for {
		var seen [4]Point
		ns := 0
		for _, q := range b.g.nbrs[s] {
			cq := b.cells[q].color
			if cq != Black && cq != White {
				continue
			}
			g := b.cells[q].root
			dup := false
			for _, x := range seen[:ns] {
				dup = dup || x == g
			}
			if dup {
				continue
			}
			seen[ns] = g
			ns++
			b.save(g)
			b.cells[g].libs++
		}
		s = b.cells[s].next
		if s == r {
			break
		}
	}
	return n
}

// Undo takes back the last move.
func (b *Board) Undo() error {
	if len(b.hist) == 0 {
		return errors.New("undo: no move to take back")
	}
	rec := b.hist[len(b.hist)-1]
	b.hist = b.hist[:len(b.hist)-1]
	for i := len(b.log) - 1; i >= int(rec.logLen); i-- {
		e := b.log[i]
		if cur := b.cells[e.p].color; cur != e.old.color {
			b.stones[cur].Clear(e.p)
			b.stones[e.old.color].Set(e.p)
			if cur != Empty {
				b.toggle(cur, e.p)
			}
			if e.old.color != Empty {
				b.toggle(e.old.color, e.p)
			}
		}
		b.cells[e.p] = e.old
	}
	b.log = b.log[:rec.logLen]
	b.toMove, b.passes, b.ko, b.last = rec.toMove, int(rec.passes), rec.ko, rec.last
	b.captures = [3]int{0, int(rec.captures[Black]), int(rec.captures[White])}
	return nil
}

// extraHash is the part of the key that is not stones, seen through symmetry s.
func (b *Board) extraHash(s int) uint64 {
	g := b.g
	var h uint64
	if b.ko >= 0 {
		h ^= g.koKeys[g.syms[s][b.ko]]
	}
	h ^= g.capKeys[Black][min(b.captures[Black], g.n)] ^ g.capKeys[White][min(b.captures[White], g.n)]
	if b.toMove == White {
		h ^= g.whiteKey
	}
	if b.passes > 0 {
		h ^= g.passKeys[min(b.passes, 2)]
	}
	return h
}

// Hash returns the Zobrist key of the game state: stones, player to move,
// ko point, captures and consecutive passes.
func (b *Board) Hash() uint64 { return b.stoneHash[0] ^ b.extraHash(0) }

// Symmetries returns the number of symmetries of the board: 8 for square
// boards, 4 for the others. Symmetry 0 is the identity.
func (b *Board) Symmetries() int { return len(b.g.syms) }

// Transform maps p through symmetry s (Pass stays Pass).
func (b *Board) Transform(s int, p Point) Point {
	if p < 0 {
		return p
	}
	return b.g.syms[s][p]
}

// SymmetricHash returns Hash of the position transformed by symmetry s.
func (b *Board) SymmetricHash(s int) uint64 { return b.stoneHash[s] ^ b.extraHash(s) }

// CanonicalHash returns the smallest SymmetricHash and the symmetry that
// gives it, so that symmetric positions share one key.
func (b *Board) CanonicalHash() (uint64, int) {
	best, bs := b.SymmetricHash(0), 0
	for s := 1; s < len(b.g.syms); s++ {
		if h := b.SymmetricHash(s); h < best {
			best, bs = h, s
		}
	}
	return best, bs
}

// Point returns the point at column x and row y (from 0, A1 is 0,0).
func (b *Board) Point(x, y int) (Point, error) {
	if x < 0 || y < 0 || x >= b.g.w || y >= b.g.h {
		return 0, fmt.Errorf("point (%d,%d) is off the %dx%d board", x, y, b.g.w, b.g.h)
	}
	return Point(y*b.g.w + x), nil
}

// XY returns the column and row of p.
func (b *Board) XY(p Point) (x, y int) { return int(p) % b.g.w, int(p) / b.g.w }

// PointName returns the GTP name of p ("D4", "pass").
func (b *Board) PointName(p Point) string {
	if p == Pass {
		return "pass"
	}
	if p < 0 || int(p) >= b.g.n {
		return "invalid(" + strconv.Itoa(int(p)) + ")"
	}
	x, y := b.XY(p)
	return string(columns[x]) + strconv.Itoa(y+1)
}

// ParsePoint reads a GTP vertex such as "D4" or "d4", or "pass".
func (b *Board) ParsePoint(s string) (Point, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "pass") {
		return Pass, nil
	}
	if len(t) < 2 || len(t) > 3 {
		return 0, fmt.Errorf("point %q: want a column letter and a row number like D4", s)
	}
	x := strings.IndexByte(columns, upper(t[0]))
	if x < 0 {
		return 0, fmt.Errorf("point %q: bad column letter (A to T without I)", s)
	}
	if t[1] < '1' || t[1] > '9' || (len(t) == 3 && (t[2] < '0' || t[2] > '9')) {
		return 0, fmt.Errorf("point %q: bad row number", s)
	}
	y, _ := strconv.Atoi(t[1:])
	if x >= b.g.w || y > b.g.h {
		return 0, fmt.Errorf("point %q is off the %dx%d board", s, b.g.w, b.g.h)
	}
	return Point((y-1)*b.g.w + x), nil
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// String draws the board, Black as X and White as O, row 1 at the bottom;
// the last move is bracketed.
func (b *Board) String() string {
	var sb strings.Builder
	head := "   "
	for x := 0; x < b.g.w; x++ {
		head += " " + string(columns[x])
	}
	sb.WriteString(head + "\n")
	for y := b.g.h - 1; y >= 0; y-- {
		fmt.Fprintf(&sb, "%2d ", y+1)
		for x := 0; x < b.g.w; x++ {
			p := Point(y*b.g.w + x)
			ch := "."
			switch b.cells[p].color {
			case Black:
				ch = "X"
			case White:
				ch = "O"
			}
			sep := " "
			if p == b.last {
				sep = "("
			} else if x > 0 && Point(y*b.g.w+x-1) == b.last {
				sep = ")"
			}
			sb.WriteString(sep + ch)
		}
		if Point(y*b.g.w+b.g.w-1) == b.last {
			sb.WriteString(")")
		} else {
			sb.WriteString(" ")
		}
		fmt.Fprintf(&sb, "%d\n", y+1)
	}
	sb.WriteString(head + "\n")
	return sb.String()
}

// AtariLiberties returns the single liberties of c's groups that have
// exactly one: the points where the opponent could capture them.
func (b *Board) AtariLiberties(c Color) Bitboard {
	var s Bitboard
	if c != Black && c != White {
		return s
	}
	st := b.stones[c]
	for i, w := range st {
		for w != 0 {
			p := Point(i*64 + trailingZeros(w))
			w &= w - 1
			if b.cells[b.cells[p].root].libs != 1 {
				continue
			}
			for _, q := range b.g.nbrs[p] {
				if b.cells[q].color == Empty {
					s.Set(q)
				}
			}
		}
	}
	return s
}

package solve

import (
	"math/bits"

	"github.com/trident-lab/trident/games/board"
)

// regionValues splits NoGo positions into independent regions and values
// each exactly as a combinatorial game (see gameStore).
//
// Which empty points interact? A stone at p changes the liberties of the
// groups next to p and the neighbourhood of p's empty neighbours, and a
// point's legality depends only on its neighbours and on the liberties of
// the groups next to it. Two kinds of point drop out:
//
//   - a dead point, illegal for both players, stays empty for ever (a
//     point illegal for a player never becomes legal for it again; see
//     nogo.go), so nobody plays it and nothing about it changes;
//   - a group with a dead liberty can never be captured nor run out of
//     liberties, so its other liberties do not depend on one another.
//
// The live points (legal for someone) therefore form regions: join two
// live points when they are neighbours or liberties of one group without a
// dead liberty. Each such group has all its liberties in one region, a
// move in a region touches only that region's points and groups, and the
// position is the disjunctive sum of its regions. A region's value
// depends only on its live points, the stones of the groups it joins, and
// what surrounds it (dead points, and the colour of immortal stones next
// to it), which is what its key hashes; values are memoised under it.
type regionValues struct {
	n, w int
	full uint64
	// notFirst and notLast are the points off the first and the last
	// column: the ones a shift by one along a row may reach.
	notFirst, notLast uint64
	zob               [][6]uint64
	games             *gameStore
	memo              lossyCache // region key: value
	cacheBits         int
	// maxRegion is the most live points a region may have to be valued;
	// bigger regions are left to the search.
	maxRegion int
	// maxSingle is the most live points a position of one region may
	// have to be valued.
	maxSingle int
	// maxGames bounds the store: it is emptied, with the memo, when it
	// grows past this many games.
	maxGames int
	groups   [][]group // per recursion depth
	lBuf     [][]gid
	rBuf     [][]gid
}

// group is a block of stones.
type group struct {
	stones uint64
	libs   uint64
	color  board.Color
	mortal bool // no dead liberty
}

// Codes of the points a region key hashes.
const (
	codeLive = iota
	codeDead
	codeBlack // stones of a mortal group of the region
	codeWhite
	codeBlackWall // immortal stones next to the region
	codeWhiteWall
)

// newRegionValues values regions of boards shaped like b; its caches have
// 2^cacheBits entries each.
func newRegionValues(b *board.Board, maxRegion, maxSingle, cacheBits int) *regionValues {
	n, w := b.NumPoints(), b.Width()
	r := &regionValues{n: n, w: w, games: newGameStore(cacheBits), memo: newLossyCache(cacheBits), cacheBits: cacheBits,
		maxRegion: maxRegion, maxSingle: maxSingle, maxGames: 1 << 21}
	r.full = ^uint64(0) >> (64 - uint(n))
	for p := range n {
		if p%w != 0 {
			r.notFirst |= 1 << uint(p)
		}
		if p%w != w-1 {
			r.notLast |= 1 << uint(p)
		}
	}
	seed := uint64(0x9e3779b97f4a7c15)
	r.zob = make([][6]uint64, n)
	for p := range n {
		for c := range r.zob[p] {
			r.zob[p][c] = splitmix(&seed)
		}
	}
	return r
}

func splitmix(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// adjacent returns the points next to some point of m (points are
// numbered row by row, w to a row).
func (r *regionValues) adjacent(m uint64) uint64 {
	return (m<<1&r.notFirst | m>>1&r.notLast | m<<uint(r.w) | m>>uint(r.w)) & r.full
}

// state is a NoGo position on at most 64 points and what follows from it.
type state struct {
	black, white, empty uint64
	lb, lw              uint64 // legal points of Black and of White
	live, dead          uint64 // legal for someone; for nobody
}

// analyze computes the legal points of both players and, into
// r.groups[depth], every group. It agrees with board.Board's rules for
// NoGo: a point is legal when it has an empty neighbour or a neighbour of
// its colour in a group with two liberties or more, and is not the last
// liberty of an opponent group.
func (r *regionValues) analyze(black, white uint64, depth int) state {
	for len(r.groups) <= depth {
		r.groups = append(r.groups, nil)
	}
	st := state{black: black, white: white, empty: r.full &^ (black | white)}
	gs := r.groups[depth][:0]
	var atari, atariLib [3]uint64
	for _, col := range []board.Color{board.Black, board.White} {
		same := black
		if col == board.White {
			same = white
		}
		for rest := same; rest != 0; {
			g := r.flood(rest&-rest, same)
			rest &^= g
			libs := r.adjacent(g) & st.empty
			if libs&(libs-1) == 0 {
				atari[col] |= g
				atariLib[col] |= libs
			}
			gs = append(gs, group{stones: g, libs: libs, color: col})
		}
	}
	breathe := r.adjacent(st.empty)
	st.lb = st.empty &^ atariLib[board.White] & (breathe | r.adjacent(black&^atari[board.Black]))
	st.lw = st.empty &^ atariLib[board.Black] & (breathe | r.adjacent(white&^atari[board.White]))
	st.live = st.lb | st.lw
	st.dead = st.empty &^ st.live
	for i := range gs {
		gs[i].mortal = gs[i].libs&st.dead == 0
	}
	r.groups[depth] = gs
	return st
}

// flood grows the stones g to the whole of their group among same.
func (r *regionValues) flood(g, same uint64) uint64 {
	for {
		ng := g | r.adjacent(g)&same
		if ng == g {
			return g
		}
		g = ng
	}
}

// legal returns the legal points of Black and of White, as analyze
// computes them, without recording groups: the endgame search needs no
// more.
func (r *regionValues) legal(black, white uint64) (lb, lw uint64) {
	empty := r.full &^ (black | white)
	var atari, atariLib [3]uint64
	for col, same := range [3]uint64{board.Black: black, board.White: white} {
		for rest := same; rest != 0; {
			g := r.flood(rest&-rest, same)
			rest &^= g
			if libs := r.adjacent(g) & empty; libs&(libs-1) == 0 {
				atari[col] |= g
				atariLib[col] |= libs
			}
		}
	}
	breathe := r.adjacent(empty)
	lb = empty &^ atariLib[board.White] & (breathe | r.adjacent(black&^atari[board.Black]))
	lw = empty &^ atariLib[board.Black] & (breathe | r.adjacent(white&^atari[board.White]))
	return lb, lw
}

// split appends to dst the regions of the live points among cand, each as
// a set of points, given the groups of st.
func (r *regionValues) split(st *state, groups []group, cand uint64, dst []uint64) []uint64 {
	rest := cand & st.live
	for rest != 0 {
		comp := rest & -rest
		for {
			next := comp | r.adjacent(comp)&rest
			for i := range groups {
				if g := &groups[i]; g.mortal && g.libs&next != 0 {
					next |= g.libs & rest
				}
			}
			if next == comp {
				break
			}
			comp = next
		}
		dst = append(dst, comp)
		rest &^= comp
	}
	return dst
}

// key hashes what a region's value depends on.
func (r *regionValues) key(st *state, groups []group, region uint64) uint64 {
	zob := r.zob
	hash := func(m uint64, code int) uint64 {
		var h uint64
		for m != 0 {
			p := bits.TrailingZeros64(m)
			m &= m - 1
			h ^= zob[p][code]
		}
		return h
	}
	h := hash(region, codeLive)
	around := r.adjacent(region) &^ region
	h ^= hash(around&st.dead, codeDead)
	var mortal uint64
	for i := range groups {
		g := &groups[i]
		if !g.mortal || g.libs&region == 0 {
			continue
		}
		mortal |= g.stones
		if g.color == board.Black {
			h ^= hash(g.stones, codeBlack)
		} else {
			h ^= hash(g.stones, codeWhite)
		}
	}
	h ^= hash(around&st.black&^mortal, codeBlackWall)
	h ^= hash(around&st.white&^mortal, codeWhiteWall)
	return h
}

// reset empties the store when it has grown past its bound.
func (r *regionValues) reset() {
	if r.games.size() > r.maxGames {
		r.games = newGameStore(r.cacheBits)
		r.memo.clear()
	}
}

// settle returns whether the player to move wins b, when every region is
// small enough to value; ok is false otherwise.
func (r *regionValues) settle(b *board.Board) (win, ok bool) {
	bs, ws := b.Stones(board.Black), b.Stones(board.White)
	st := r.analyze(bs[0], ws[0], 0)
	return r.settleState(&st, b.ToMove(), 0)
}

// settleState is settle for the position st, analysed at depth, with
// toMove to play.
func (r *regionValues) settleState(st *state, toMove board.Color, depth int) (win, ok bool) {
	r.reset()
	var buf [MaxPoints]uint64
	regions := r.split(st, r.groups[depth], st.live, buf[:0])
	total := 0
	for _, reg := range regions {
		k := bits.OnesCount64(reg)
		if k > r.maxRegion {
			return false, false
		}
		total += k
	}
	// One region is searched faster than valued: valuing explores both
	// players' moves at every point, search only the mover's.
	if len(regions) < 2 && total > r.maxSingle {
		return false, false
	}
	sum := r.sum(st, regions, depth)
	if toMove == board.Black {
		return r.games.leftWins(sum), true
	}
	return r.games.rightWins(sum), true
}

// sum returns the value of the given regions of st, whose groups are in
// r.groups[depth].
func (r *regionValues) sum(st *state, regions []uint64, depth int) gid {
	var keys [MaxPoints]uint64
	for i, reg := range regions {
		keys[i] = r.key(st, r.groups[depth], reg)
	}
	sum := zeroGame
	for i, reg := range regions {
		sum = r.games.add(sum, r.value(st, reg, keys[i], depth))
	}
	return sum
}

// value returns the canonical value of a region of st whose key is k.
func (r *regionValues) value(st *state, region, k uint64, depth int) gid {
	if g, ok := r.memo.get(k); ok {
		return gid(g)
	}
	for len(r.lBuf) <= depth {
		r.lBuf = append(r.lBuf, nil)
		r.rBuf = append(r.rBuf, nil)
	}
	l, rt := r.lBuf[depth][:0], r.rBuf[depth][:0]
	var buf [MaxPoints]uint64
	for moves := region & st.lb; moves != 0; moves &= moves - 1 {
		p := moves & -moves
		next := r.analyze(st.black|p, st.white, depth+1)
		l = append(l, r.sum(&next, r.split(&next, r.groups[depth+1], region&^p, buf[:0]), depth+1))
	}
	for moves := region & st.lw; moves != 0; moves &= moves - 1 {
		p := moves & -moves
		next := r.analyze(st.black, st.white|p, depth+1)
		rt = append(rt, r.sum(&next, r.split(&next, r.groups[depth+1], region&^p, buf[:0]), depth+1))
	}
	r.lBuf[depth], r.rBuf[depth] = l, rt
	g := r.games.canon(l, rt)
	r.memo.put(k, int32(g))
	return g
}

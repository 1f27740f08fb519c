package solve

import (
	"encoding/binary"
	"slices"
)

// gid names a combinatorial game held in a gameStore.
type gid int32

// zeroGame is the game with no options, {|} = 0; every store holds it as
// its first game.
const zeroGame gid = 0

// gameStore holds short partizan games under normal play (the player who
// cannot move loses), interned by their option lists, with memoised
// comparison, canonical simplification and sums (Conway, On Numbers and
// Games; Siegel, Combinatorial Game Theory, ch. II). Black is Left.
//
// NoGo is such a game, and a position whose empty points fall apart into
// regions that no move can connect is the disjunctive sum of those
// regions, so its winner follows from the sum of the regions' values.
// Canonical forms keep those values small: two games are equal exactly
// when their canonical forms are the same game, and every game the store
// returns from canon or add is canonical.
type gameStore struct {
	left, right [][]gid
	index       map[string]gid
	le          lossyCache // a<<32|b: 1 when a ≤ b, 2 when not
	sums        lossyCache // a<<32|b, a < b: the sum's game
	key         []byte
}

// newGameStore returns a store whose comparison and sum caches have
// 2^cacheBits entries each.
func newGameStore(cacheBits int) *gameStore {
	s := &gameStore{index: map[string]gid{}, le: newLossyCache(cacheBits), sums: newLossyCache(cacheBits)}
	s.intern(nil, nil)
	return s
}

// size is the number of games held.
func (s *gameStore) size() int { return len(s.left) }

// intern returns the game {l | r}, adding it if new; l and r must be
// sorted and free of duplicates. The store keeps its own copies.
func (s *gameStore) intern(l, r []gid) gid {
	k := s.key[:0]
	k = binary.AppendUvarint(k, uint64(len(l)))
	for _, g := range l {
		k = binary.AppendUvarint(k, uint64(g))
	}
	for _, g := range r {
		k = binary.AppendUvarint(k, uint64(g))
	}
	s.key = k
	if g, ok := s.index[string(k)]; ok {
		return g
	}
	g := gid(len(s.left))
	s.left = append(s.left, slices.Clone(l))
	s.right = append(s.right, slices.Clone(r))
	s.index[string(k)] = g
	return g
}

// leq reports whether a ≤ b: Left does at least as well in b as in a,
// whoever starts. By definition a ≤ b unless some Left option of a is ≥ b
// or some Right option of b is ≤ a.
func (s *gameStore) leq(a, b gid) bool {
	if a == b {
		return true
	}
	k := uint64(uint32(a))<<32 | uint64(uint32(b))
	if v, ok := s.le.get(k); ok {
		return v == 1
	}
	v := true
	for _, al := range s.left[a] {
		if s.leq(b, al) {
			v = false
			break
		}
	}
	if v {
		for _, br := range s.right[b] {
			if s.leq(br, a) {
				v = false
				break
			}
		}
	}
	if v {
		s.le.put(k, 1)
	} else {
		s.le.put(k, 2)
	}
	return v
}

// leftWins reports whether Left, moving first in g, wins: g is positive
// or fuzzy, that is not g ≤ 0.
func (s *gameStore) leftWins(g gid) bool { return !s.leq(g, zeroGame) }

// rightWins reports whether Right, moving first in g, wins: not g ≥ 0.
func (s *gameStore) rightWins(g gid) bool { return !s.leq(zeroGame, g) }

// canon returns the canonical form of {l | r}, whose options must be
// canonical: dominated options are dropped and reversible ones bypassed
// until neither applies. l and r may be reordered and overwritten.
func (s *gameStore) canon(l, r []gid) gid {
	l, r = sortUnique(l), sortUnique(r)
	for {
		l = s.undominated(l, true)
		r = s.undominated(r, false)
		g := s.intern(l, r)
		changed := false
		// A Left option x is reversible when Right has an answer x^R ≤ g
		// there; Left's move to x then amounts to a move to one of x^R's
		// Left options. The mirror image holds for Right.
		var nl, nr []gid
		for _, x := range l {
			rev := false
			for _, xr := range s.right[x] {
				if s.leq(xr, g) {
					nl = append(nl, s.left[xr]...)
					rev = true
					break
				}
			}
			if !rev {
				nl = append(nl, x)
			}
			changed = changed || rev
		}
		for _, y := range r {
			rev := false
			for _, yl := range s.left[y] {
				if s.leq(g, yl) {
					nr = append(nr, s.right[yl]...)
					rev = true
					break
				}
			}
			if !rev {
				nr = append(nr, y)
			}
			changed = changed || rev
		}
		if !changed {
			return g
		}
		l, r = sortUnique(nl), sortUnique(nr)
	}
}

// undominated drops the options another option beats: for Left those
// below another, for Right those above another. Distinct canonical games
// are unequal, so no two survivors are equal.
func (s *gameStore) undominated(opts []gid, forLeft bool) []gid {
	out := opts[:0:0]
	for i, x := range opts {
		dominated := false
		for j, y := range opts {
			if i == j {
				continue
			}
			if forLeft && s.leq(x, y) || !forLeft && s.leq(y, x) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, x)
		}
	}
	return out
}

// add returns the canonical form of the disjunctive sum a + b of two
// canonical games: a move is a move in either component.
func (s *gameStore) add(a, b gid) gid {
	switch {
	case a == zeroGame:
		return b
	case b == zeroGame:
		return a
	case a > b:
		a, b = b, a
	}
	k := uint64(uint32(a))<<32 | uint64(uint32(b))
	if g, ok := s.sums.get(k); ok {
		return gid(g)
	}
	var l, r []gid
	for _, x := range s.left[a] {
		l = append(l, s.add(x, b))
	}
	for _, x := range s.left[b] {
		l = append(l, s.add(a, x))
	}
	for _, x := range s.right[a] {
		r = append(r, s.add(x, b))
	}
	for _, x := range s.right[b] {
		r = append(r, s.add(a, x))
	}
	g := s.canon(l, r)
	s.sums.put(k, int32(g))
	return g
}

func sortUnique(x []gid) []gid {
	slices.Sort(x)
	return slices.Compact(x)
}

// lossyCache is a direct-mapped cache from non-zero 64-bit keys to 32-bit
// values that keeps the newest entry of each slot. It memoises results
// that can be computed again, so a lost entry costs time only; it is much
// faster than a map once the entries outgrow the processor's caches.
type lossyCache struct {
	keys []uint64 // 0 marks an empty slot
	vals []int32
	mask uint64
}

func newLossyCache(bits int) lossyCache {
	return lossyCache{keys: make([]uint64, 1<<bits), vals: make([]int32, 1<<bits), mask: 1<<bits - 1}
}

func (c *lossyCache) get(k uint64) (int32, bool) {
	i := mix(k) & c.mask
	if c.keys[i] == k && k != 0 {
		return c.vals[i], true
	}
	return 0, false
}

func (c *lossyCache) put(k uint64, v int32) {
	i := mix(k) & c.mask
	c.keys[i], c.vals[i] = k, v
}

// mix scrambles a key (the finaliser of splitmix64).
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// clear empties the cache.
func (c *lossyCache) clear() { clear(c.keys) }

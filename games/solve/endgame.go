package solve

import (
	"math/bits"

	"github.com/trident-lab/trident/games/board"
)

// endgame solves small NoGo positions by plain alternating search on
// 64-bit boards (see regionValues.analyze), far cheaper per position than
// a proof-number expansion: no board updates, no symmetry keys. Positions
// that split into small regions are settled by their values on the way.
// Results go to a direct-mapped cache that keeps the newest entry.
type endgame struct {
	r     *regionValues
	cache []endgameEntry
	mask  uint64
	// turn keys the player to move into cache keys.
	turn  uint64
	nodes int64
}

type endgameEntry struct {
	key uint64 // 0 marks an empty slot
	win bool
}

func newEndgame(r *regionValues, bits int) *endgame {
	return &endgame{r: r, cache: make([]endgameEntry, 1<<bits), mask: 1<<bits - 1, turn: 0x7a3e5c9b1d2f4860}
}

// stonesKey hashes a position's stones.
func (e *endgame) stonesKey(black, white uint64) uint64 {
	var h uint64
	for m := black; m != 0; m &= m - 1 {
		h ^= e.r.zob[bits.TrailingZeros64(m)][codeBlack]
	}
	for m := white; m != 0; m &= m - 1 {
		h ^= e.r.zob[bits.TrailingZeros64(m)][codeWhite]
	}
	return h
}

// wins reports whether toMove wins the position black, white whose
// stones hash to key; depth indexes the scratch buffers.
func (e *endgame) wins(black, white uint64, toMove board.Color, key uint64, depth int) bool {
	k := key
	if toMove == board.White {
		k ^= e.turn
	}
	if k == 0 {
		k = 1 // 0 is the empty mark
	}
	slot := &e.cache[k&e.mask]
	if slot.key == k {
		return slot.win
	}
	e.nodes++
	st := e.r.analyze(black, white, depth)
	moves, theirs := st.lb, st.lw
	code := codeBlack
	if toMove == board.White {
		moves, theirs, code = st.lw, st.lb, codeWhite
	}
	win := false
	if moves != 0 {
		if v, ok := e.r.settleState(&st, toMove, depth); ok {
			win = v
		} else {
			// Contested points first: a point only the mover may play is
			// a move kept in reserve, usually best played last.
			contested, own := moves&theirs, moves&^theirs
			for m := contested; m != 0 || own != 0; {
				if m == 0 {
					m, own = own, 0
				}
				p := m & -m
				m &= m - 1
				nb, nw := black, white
				if toMove == board.Black {
					nb |= p
				} else {
					nw |= p
				}
				if !e.wins(nb, nw, toMove.Opponent(), key^e.r.zob[bits.TrailingZeros64(p)][code], depth+1) {
					win = true
					break
				}
			}
		}
	}
	slot = &e.cache[k&e.mask]
	*slot = endgameEntry{key: k, win: win}
	return win
}

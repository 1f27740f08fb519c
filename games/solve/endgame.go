package solve

import (
	"math/bits"

	"github.com/trident-lab/trident/games/board"
)

// endgame solves small NoGo positions by plain alternating search on
// 64-bit boards (see regionValues.legal), far cheaper per position than
// a proof-number expansion: no board updates, no symmetry keys.
//
// Three things cut the positions searched (measured in
// docs/BENCHMARKS.md): moves are tried in increasing order of the replies
// they leave the opponent, a move that leaves none wins without search,
// and before any move is analysed the cache is probed for every move
// (enhanced transposition cutoff). Settling positions that split into
// regions by their combinatorial values, as the proof-number search does
// with bigger positions, saved 10-20% of the positions here but doubled
// the time.
//
// Results go to a direct-mapped cache of 8-byte entries that keeps the
// newest: an entry is the position's key with its lowest bit replaced by
// the result. That bit is part of the slot index, so every key of a slot
// agrees on it and no information is lost.
type endgame struct {
	r     *regionValues
	cache []uint64 // 0 marks an empty slot
	mask  uint64
	// turn keys the player to move into cache keys.
	turn  uint64
	nodes int64
	tried [][]triedMove // per depth
	// poll, if set, is called every pollEvery positions and reports
	// whether to stop; once stopped, every call returns at once with a
	// meaningless result and nothing more is cached.
	poll    func() bool
	stopped bool
}

// pollEvery is how many endgame positions pass between calls of poll:
// a single endgame search can take seconds, and Ctrl-C must not wait.
const pollEvery = 1 << 14

func newEndgame(r *regionValues, bits int) *endgame {
	return &endgame{r: r, cache: make([]uint64, 1<<bits), mask: 1<<bits - 1, turn: 0x7a3e5c9b1d2f4860}
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

// cacheKey returns the cache key of the position whose stones hash to key
// with toMove to play. Its top bit is set, so no entry is 0.
func (e *endgame) cacheKey(key uint64, toMove board.Color) uint64 {
	if toMove == board.White {
		key ^= e.turn
	}
	return key | 1<<63
}

// lookup returns the cached result of the position with cache key k.
func (e *endgame) lookup(k uint64) (win, ok bool) {
	v := e.cache[k&e.mask]
	if v|1 != k|1 {
		return false, false
	}
	return v&1 == 1, true
}

func (e *endgame) store(k uint64, win bool) {
	v := k &^ 1
	if win {
		v |= 1
	}
	e.cache[k&e.mask] = v
}

// wins reports whether toMove wins the position black, white whose
// stones hash to key and whose legal points (see regionValues.legal) are
// lb for Black and lw for White; depth indexes the scratch buffers.
func (e *endgame) wins(black, white, lb, lw uint64, toMove board.Color, key uint64, depth int) bool {
	k := e.cacheKey(key, toMove)
	if win, ok := e.lookup(k); ok {
		return win
	}
	e.nodes++
	if e.nodes%pollEvery == 0 && e.poll != nil && e.poll() {
		e.stopped = true
	}
	if e.stopped {
		return false
	}
	moves, code := lb, codeBlack
	if toMove == board.White {
		moves, code = lw, codeWhite
	}
	win := moves != 0 && e.searchMoves(black, white, toMove, key, depth, moves, code)
	if e.stopped {
		return false
	}
	e.store(k, win)
	return win
}

// searchMoves reports whether one of toMove's moves (moves) wins. Moves
// are tried in increasing order of the replies they leave the opponent,
// and a move that leaves none wins at once. The legal points each move
// needs for that are the ones its own search starts from, so the order
// costs only those of moves never searched.
func (e *endgame) searchMoves(black, white uint64, toMove board.Color, key uint64, depth int, moves uint64, code int) bool {
	for len(e.tried) <= depth {
		e.tried = append(e.tried, make([]triedMove, 0, MaxPoints))
	}
	tried := e.tried[depth][:0]
	// Enhanced transposition cutoff: a move the cache already knows to
	// win settles the position, and one it knows to lose needs no more
	// work. The probes do not depend on one another, so the processor
	// can overlap their memory accesses.
	opp := toMove.Opponent()
	unknown := moves
	for m := moves; m != 0; m &= m - 1 {
		p := bits.TrailingZeros64(m)
		if win, ok := e.lookup(e.cacheKey(key^e.r.zob[p][code], opp)); ok {
			if !win {
				return true
			}
			unknown &^= 1 << uint(p)
		}
	}
	for m := unknown; m != 0; m &= m - 1 {
		p := bits.TrailingZeros64(m)
		t := triedMove{black: black, white: white, point: p}
		if toMove == board.Black {
			t.black |= 1 << uint(p)
		} else {
			t.white |= 1 << uint(p)
		}
		t.lb, t.lw = e.r.legal(t.black, t.white)
		replies := t.lw
		if toMove == board.White {
			replies = t.lb
		}
		if replies == 0 {
			return true
		}
		t.replies = bits.OnesCount64(replies)
		i := len(tried)
		tried = append(tried, t)
		for i > 0 && tried[i-1].replies > t.replies {
			tried[i] = tried[i-1]
			i--
		}
		tried[i] = t
	}
	e.tried[depth] = tried
	for j := range tried {
		// Deeper calls use deeper buffers only, so tried stays intact.
		t := &tried[j]
		if !e.wins(t.black, t.white, t.lb, t.lw, opp, key^e.r.zob[t.point][code], depth+1) {
			return true
		}
		if e.stopped {
			return false
		}
	}
	return false
}

// triedMove is a move of searchMoves: the position after it, its legal
// points, and the number of the opponent's replies.
type triedMove struct {
	black, white, lb, lw uint64
	point, replies       int
}

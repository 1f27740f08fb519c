package board

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxSide is the largest board side supported.
const MaxSide = 19

// MaxPoints is the number of points on the largest board.
const MaxPoints = MaxSide * MaxSide

// Color is the content of a point or the colour of a player.
type Color int8

// Colours. Border marks the sentinel outside the board.
const (
	Empty Color = iota
	Black
	White
	border
)

// Opponent returns the other player's colour (Empty stays Empty).
func (c Color) Opponent() Color {
	switch c {
	case Black:
		return White
	case White:
		return Black
	}
	return c
}

func (c Color) String() string {
	switch c {
	case Black:
		return "black"
	case White:
		return "white"
	case Empty:
		return "empty"
	}
	return "border"
}

// Point is a point index y*Width+x, or Pass.
type Point int16

// Pass is the pass move.
const Pass Point = -1

// noPoint marks an absent ko point.
const noPoint Point = -2

// columns names board columns the GTP way: A to T without I.
const columns = "ABCDEFGHJKLMNOPQRST"

// ParseSize reads a board size "9" (square) or "4x4" / "5x3" (width x
// height) and checks it is between 1×1 and 19×19.
func ParseSize(s string) (w, h int, err error) {
	ws, hs, rect := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	w, err = strconv.Atoi(ws)
	if err != nil {
		return 0, 0, fmt.Errorf("board size %q: want N or WxH", s)
	}
	h = w
	if rect {
		h, err = strconv.Atoi(hs)
		if err != nil {
			return 0, 0, fmt.Errorf("board size %q: want N or WxH", s)
		}
	}
	if err := checkSize(w, h); err != nil {
		return 0, 0, err
	}
	return w, h, nil
}

func checkSize(w, h int) error {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return fmt.Errorf("board size %dx%d: sides must be between 1 and %d", w, h, MaxSide)
	}
	return nil
}

// Bitboard is a set of points of a board of at most MaxPoints points.
type Bitboard [(MaxPoints + 63) / 64]uint64

// Has reports whether p is in the set.
func (s *Bitboard) Has(p Point) bool { return s[p>>6]&(1<<(uint(p)&63)) != 0 }

// Set adds p.
func (s *Bitboard) Set(p Point) { s[p>>6] |= 1 << (uint(p) & 63) }

// Clear removes p.
func (s *Bitboard) Clear(p Point) { s[p>>6] &^= 1 << (uint(p) & 63) }

// Count returns the number of points in the set.
func (s *Bitboard) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether the set has no points.
func (s *Bitboard) IsEmpty() bool {
	var or uint64
	for _, w := range s {
		or |= w
	}
	return or == 0
}

// AppendPoints appends the points of the set in increasing order.
func (s *Bitboard) AppendPoints(dst []Point) []Point {
	for i, w := range s {
		for w != 0 {
			dst = append(dst, Point(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return dst
}

// first returns the smallest point of a set that is not empty.
func (s *Bitboard) first() Point {
	for i, w := range s {
		if w != 0 {
			return Point(i*64 + bits.TrailingZeros64(w))
		}
	}
	return noPoint
}

func trailingZeros(w uint64) int { return bits.TrailingZeros64(w) }

func onesCount(w uint64) int { return bits.OnesCount64(w) }

// and returns the intersection of s and t.
func (s Bitboard) and(t Bitboard) Bitboard {
	for i := range s {
		s[i] &= t[i]
	}
	return s
}

// or returns the union of s and t.
func (s Bitboard) or(t Bitboard) Bitboard {
	for i := range s {
		s[i] |= t[i]
	}
	return s
}

// andNot returns s without t.
func (s Bitboard) andNot(t Bitboard) Bitboard {
	for i := range s {
		s[i] &^= t[i]
	}
	return s
}

// shl moves every point up by k indices (0 < k < 64).
func (s Bitboard) shl(k uint) Bitboard {
	var r Bitboard
	for i := len(s) - 1; i > 0; i-- {
		r[i] = s[i]<<k | s[i-1]>>(64-k)
	}
	r[0] = s[0] << k
	return r
}

// shr moves every point down by k indices (0 < k < 64).
func (s Bitboard) shr(k uint) Bitboard {
	var r Bitboard
	for i := 0; i < len(s)-1; i++ {
		r[i] = s[i]>>k | s[i+1]<<(64-k)
	}
	r[len(s)-1] = s[len(s)-1] >> k
	return r
}

package mcts

import "github.com/trident-lab/trident/games/board"

// maxLadderDepth bounds a ladder read in defender moves; 9×9 ladders run
// at most a board diagonal.
const maxLadderDepth = 20

// groupLiberties appends up to max liberties of the group on p to dst,
// by a flood fill over the group's stones.
func groupLiberties(b *board.Board, p board.Point, dst []board.Point, max int) []board.Point {
	c := b.At(p)
	var seen, libs board.Bitboard
	// Groups read in playouts are small: a short stack on the goroutine's
	// stack, rather than one for the whole board that would be cleared
	// on every call, grows only for the rare big group.
	var small [32]board.Point
	stack := append(small[:0], p)
	seen.Set(p)
	for len(stack) > 0 {
		q := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, r := range b.Neighbors(q) {
			switch b.At(r) {
			case board.Empty:
				if !libs.Has(r) {
					libs.Set(r)
					dst = append(dst, r)
					if len(dst) >= max {
						return dst
					}
				}
			case c:
				if !seen.Has(r) {
					seen.Set(r)
					stack = append(stack, r)
				}
			}
		}
	}
	return dst
}

// ladderCaptured reads Atari-Go ladders: the group of colour c on p is in
// atari with c to move. It reports whether the group is lost: c cannot
// capture anything (a capture wins Atari-Go at once), and extending gives
// at most one liberty, or two that the opponent can keep laddering.
// The board is left as it was found.
func ladderCaptured(b *board.Board, c board.Color, p board.Point, depth int) bool {
	if depth == 0 {
		return false // too long to read: assume the group lives
	}
	opp := c.Opponent()
	counter := b.AtariLiberties(opp)
	var buf [4]board.Point
	pts := counter.AppendPoints(buf[:0])
	for _, q := range pts {
		if b.IsLegalFor(c, q) {
			return false
		}
	}
	libs := groupLiberties(b, p, buf[:0], 2)
	if len(libs) != 1 {
		return len(libs) == 0
	}
	l := libs[0]
	if b.PlayAs(c, l) != nil {
		return true // extending is suicide
	}
	defer func() { _ = b.Undo() }()
	if w := b.Winner(); w == c {
		return false
	}
	switch n := b.Liberties(p); {
	case n >= 3:
		return false
	case n <= 1:
		return true
	}
	var two [2]board.Point
	for _, a := range groupLiberties(b, p, two[:0], 2) {
		if ladderAtari(b, opp, a, c, p, depth) {
			return true
		}
	}
	return false
}

// ladderAtari plays the attacker's atari at a and reads on.
func ladderAtari(b *board.Board, attacker board.Color, a board.Point, c board.Color, p board.Point, depth int) bool {
	if b.PlayAs(attacker, a) != nil {
		return false
	}
	defer func() { _ = b.Undo() }()
	if b.Winner() == attacker {
		return true
	}
	return ladderCaptured(b, c, p, depth-1)
}

package gtp

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxSide is the largest board side GTP vertices can name (letters A to Z
// without I).
const MaxSide = 25

// Color is the colour of a player.
type Color int8

// Colours.
const (
	Black Color = 1
	White Color = 2
)

// Opponent returns the other colour.
func (c Color) Opponent() Color { return 3 - c }

// String returns "black" or "white".
func (c Color) String() string {
	if c == White {
		return "white"
	}
	return "black"
}

// ParseColor reads a GTP colour: b, w, black or white in any case.
func ParseColor(s string) (Color, error) {
	switch strings.ToLower(s) {
	case "b", "black":
		return Black, nil
	case "w", "white":
		return White, nil
	}
	return 0, fmt.Errorf("invalid color %q", s)
}

// Move is a GTP move: a vertex, a pass or a resignation. X counts columns
// from the left and Y rows from the bottom, both from 0, so A1 is {0, 0}.
type Move struct {
	X, Y   int
	Pass   bool
	Resign bool
}

const columns = "ABCDEFGHJKLMNOPQRSTUVWXYZ"

// String returns the GTP form: "D4", "pass" or "resign".
func (m Move) String() string {
	switch {
	case m.Resign:
		return "resign"
	case m.Pass:
		return "pass"
	case m.X < 0 || m.X >= len(columns) || m.Y < 0:
		return fmt.Sprintf("invalid(%d,%d)", m.X, m.Y)
	}
	return string(columns[m.X]) + strconv.Itoa(m.Y+1)
}

// ParseMove reads a vertex ("D4", "d4"), "pass" or "resign". It checks the
// letters and the number are well formed and at most MaxSide, not that the
// point is on a particular board.
func ParseMove(s string) (Move, error) {
	switch strings.ToLower(s) {
	case "pass":
		return Move{Pass: true}, nil
	case "resign":
		return Move{Resign: true}, nil
	}
	if len(s) < 2 || len(s) > 3 {
		return Move{}, fmt.Errorf("invalid coordinate %q", s)
	}
	x := strings.IndexByte(columns, upper(s[0]))
	if x < 0 {
		return Move{}, fmt.Errorf("invalid coordinate %q: bad column letter", s)
	}
	y, err := strconv.Atoi(s[1:])
	if err != nil || y < 1 || y > MaxSide || s[1] == '+' || s[1] == '0' {
		return Move{}, fmt.Errorf("invalid coordinate %q: bad row number", s)
	}
	return Move{X: x, Y: y - 1}, nil
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

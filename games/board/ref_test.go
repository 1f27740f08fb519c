package board

// refBoard is the slow, obviously correct reference: a plain grid, groups by
// flood fill, every rule checked by trying the move on a copy.
type refBoard struct {
	w, h     int
	rules    Rules
	target   int
	grid     []Color
	toMove   Color
	ko       int
	passes   int
	captures [3]int
}

func newRef(w, h int, rules Rules) *refBoard {
	t := rules.CaptureTarget
	if t == 0 {
		t = 1
	}
	return &refBoard{w: w, h: h, rules: rules, target: t, grid: make([]Color, w*h), toMove: Black, ko: -1}
}

func (r *refBoard) clone() *refBoard {
	c := *r
	c.grid = append([]Color(nil), r.grid...)
	return &c
}

func (r *refBoard) nbrs(p int) []int {
	x, y := p%r.w, p/r.w
	var out []int
	if x > 0 {
		out = append(out, p-1)
	}
	if x < r.w-1 {
		out = append(out, p+1)
	}
	if y > 0 {
		out = append(out, p-r.w)
	}
	if y < r.h-1 {
		out = append(out, p+r.w)
	}
	return out
}

// group returns the stones of the group on p and its liberties.
func (r *refBoard) group(p int) (stones []int, libs map[int]bool) {
	c := r.grid[p]
	seen := map[int]bool{p: true}
	libs = map[int]bool{}
	stack := []int{p}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		stones = append(stones, s)
		for _, q := range r.nbrs(s) {
			switch {
			case r.grid[q] == Empty:
				libs[q] = true
			case r.grid[q] == c && !seen[q]:
				seen[q] = true
				stack = append(stack, q)
			}
		}
	}
	return stones, libs
}

// try plays c at p on a copy and reports the result and what happened.
func (r *refBoard) try(c Color, p int) (next *refBoard, captured int, suicide bool) {
	n := r.clone()
	n.grid[p] = c
	var capPoint int
	for _, q := range n.nbrs(p) {
		if n.grid[q] == c.Opponent() {
			stones, libs := n.group(q)
			if len(libs) == 0 {
				for _, s := range stones {
					n.grid[s] = Empty
					capPoint = s
				}
				captured += len(stones)
			}
		}
	}
	stones, libs := n.group(p)
	if len(libs) == 0 {
		return nil, captured, true
	}
	n.captures[c] += captured
	n.ko = -1
	if captured == 1 && len(stones) == 1 && len(libs) == 1 {
		n.ko = capPoint
	}
	n.passes = 0
	n.toMove = c.Opponent()
	return n, captured, false
}

func (r *refBoard) decided() bool {
	return r.rules.Game == AtariGo && (r.captures[Black] >= r.target || r.captures[White] >= r.target ||
		(r.rules.AllowPass && r.passes >= 2))
}

func (r *refBoard) legal(c Color, p int) bool {
	if r.decided() || r.grid[p] != Empty {
		return false
	}
	if r.rules.Game == AtariGo && p == r.ko {
		return false
	}
	_, captured, suicide := r.try(c, p)
	if suicide {
		return false
	}
	return r.rules.Game == AtariGo || captured == 0
}

func (r *refBoard) legalMoves() []Point {
	var out []Point
	for p := range r.grid {
		if r.legal(r.toMove, p) {
			out = append(out, Point(p))
		}
	}
	if r.rules.AllowPass && !r.decided() {
		out = append(out, Pass)
	}
	return out
}

func (r *refBoard) play(p Point) *refBoard {
	if p == Pass {
		n := r.clone()
		n.passes++
		n.ko = -1
		n.toMove = r.toMove.Opponent()
		return n
	}
	n, _, _ := r.try(r.toMove, int(p))
	return n
}

// result says whether the game is over and who won, given the legal moves.
func (r *refBoard) result(moves []Point) (bool, Color) {
	w := r.winner(moves)
	return len(moves) == 0 || r.decided(), w
}

func (r *refBoard) winner(moves []Point) Color {
	if r.rules.Game == AtariGo {
		for _, c := range []Color{Black, White} {
			if r.captures[c] >= r.target {
				return c
			}
		}
		if r.rules.AllowPass {
			if r.passes < 2 || r.captures[Black] == r.captures[White] {
				return Empty
			}
			if r.captures[Black] > r.captures[White] {
				return Black
			}
			return White
		}
	}
	if len(moves) > 0 {
		return Empty
	}
	return r.toMove.Opponent()
}

func (r *refBoard) atariLiberties(c Color) map[int]bool {
	out := map[int]bool{}
	for p, col := range r.grid {
		if col != c {
			continue
		}
		if _, libs := r.group(p); len(libs) == 1 {
			for q := range libs {
				out[q] = true
			}
		}
	}
	return out
}

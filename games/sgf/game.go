package sgf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxBoardSide is the largest board side a game record may name.
const MaxBoardSide = 19

// Color is the colour of a move or setup stone.
type Color int8

// Colours. None marks a node of the main line that has no move.
const (
	None Color = iota
	Black
	White
)

// String returns "B", "W" or "none", as SGF writes colours.
func (c Color) String() string {
	switch c {
	case Black:
		return "B"
	case White:
		return "W"
	}
	return "none"
}

// Point is an intersection in SGF orientation: X counts columns from the
// left, Y counts rows from the top, both from 0.
type Point struct{ X, Y int }

// Move is one node of a game's main line: a move (or pass) by Color, and
// the node's other properties (comments, timing, unknown ones) kept as
// they were. Color None is a node without a move.
type Move struct {
	Color Color
	Pass  bool
	At    Point
	Extra []Property
}

// Game is a game record of NoGo or Atari-Go: the root properties Trident
// understands, the setup stones and the main line. Variations are not part
// of this view; read the tree with Parse to keep them.
type Game struct {
	Rules         Rules
	Width, Height int
	Black, White  string // player names (PB, PW)
	Result        string // RE, as written, e.g. "B+R"
	AddBlack      []Point
	AddWhite      []Point
	ToPlay        Color // PL; None when absent
	Moves         []Move
	// Extra holds every other root property (GM, FF, CA, AP, DT, unknown
	// ones) so it survives a read and a write.
	Extra []Property
}

// Rules names a variant and its options; it is written as the RU property,
// e.g. RU[NoGo], RU[Atari-Go] or RU[Atari-Go, capture 3, pass].
type Rules struct {
	Variant Variant
	// CaptureTarget is the number of stones an Atari-Go player must capture
	// to win; 0 and 1 both mean the standard game.
	CaptureTarget int
	// PassAllowed lets Atari-Go players pass.
	PassAllowed bool
}

// Variant is one of the games SGF records here describe.
type Variant int8

// Variants.
const (
	NoGo Variant = iota + 1
	AtariGo
)

// String returns the variant's name as written in RU.
func (v Variant) String() string {
	switch v {
	case NoGo:
		return "NoGo"
	case AtariGo:
		return "Atari-Go"
	}
	return "unknown variant"
}

// String formats rules as the RU property's text.
func (r Rules) String() string {
	s := r.Variant.String()
	if r.Variant == AtariGo {
		if r.CaptureTarget > 1 {
			s += ", capture " + strconv.Itoa(r.CaptureTarget)
		}
		if r.PassAllowed {
			s += ", pass"
		}
	}
	return s
}

// ParseRules reads the RU property's text. Case and spaces do not matter;
// "nogo", "NoGo", "atari-go", "AtariGo", "capture go" are recognised.
func ParseRules(s string) (Rules, error) {
	parts := strings.Split(s, ",")
	var r Rules
	name := strings.ToLower(strings.Join(strings.Fields(parts[0]), ""))
	name = strings.ReplaceAll(name, "-", "")
	switch name {
	case "nogo":
		r.Variant = NoGo
	case "atarigo", "capturego":
		r.Variant = AtariGo
	default:
		return Rules{}, fmt.Errorf("sgf: RU[%s]: unknown rules (want NoGo or Atari-Go)", s)
	}
	for _, opt := range parts[1:] {
		f := strings.Fields(strings.ToLower(opt))
		switch {
		case len(f) == 2 && f[0] == "capture" && r.Variant == AtariGo:
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 1 || n > MaxBoardSide*MaxBoardSide {
				return Rules{}, fmt.Errorf("sgf: RU[%s]: bad capture target %q", s, f[1])
			}
			r.CaptureTarget = n
		case len(f) == 1 && f[0] == "pass" && r.Variant == AtariGo:
			r.PassAllowed = true
		default:
			return Rules{}, fmt.Errorf("sgf: RU[%s]: unknown option %q", s, strings.TrimSpace(opt))
		}
	}
	return r, nil
}

// rootKnown lists root properties that Game holds in its own fields.
var rootKnown = map[string]bool{
	"SZ": true, "RU": true, "PB": true, "PW": true, "RE": true,
	"AB": true, "AW": true, "PL": true, "B": true, "W": true,
}

// ReadGame parses SGF data holding one game and returns its record.
func ReadGame(data []byte) (*Game, error) {
	roots, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if len(roots) != 1 {
		return nil, fmt.Errorf("sgf: want one game, file holds %d", len(roots))
	}
	return FromTree(roots[0])
}

// FromTree reads a game record from the root of a parsed game tree,
// following the main line. Moves are checked to lie on the board, not to be
// legal: replay them on a board for that.
func FromTree(root *Node) (*Game, error) {
	g := &Game{}
	if gm, ok := root.Value("GM"); ok && strings.TrimSpace(gm) != "1" {
		return nil, fmt.Errorf("sgf: GM[%s]: not a Go-family game (want GM[1])", gm)
	}
	ru, ok := root.Value("RU")
	if !ok {
		return nil, fmt.Errorf("sgf: root has no RU property naming the variant (RU[NoGo] or RU[Atari-Go])")
	}
	rules, err := ParseRules(ru)
	if err != nil {
		return nil, err
	}
	g.Rules = rules
	g.Width, g.Height = 19, 19 // FF[4] default for GM[1]
	if raw := root.Get("SZ"); raw != nil {
		if g.Width, g.Height, err = parseSize(raw[0]); err != nil {
			return nil, err
		}
	}
	g.Black, _ = root.Value("PB")
	g.White, _ = root.Value("PW")
	g.Result, _ = root.Value("RE")
	if g.AddBlack, err = g.points("AB", root.Get("AB")); err != nil {
		return nil, err
	}
	if g.AddWhite, err = g.points("AW", root.Get("AW")); err != nil {
		return nil, err
	}
	if pl, ok := root.Value("PL"); ok {
		if g.ToPlay, err = parseColor(pl); err != nil {
			return nil, fmt.Errorf("sgf: PL[%s]: %w", pl, err)
		}
	}
	for _, p := range root.Props {
		if !rootKnown[p.ID] {
			g.Extra = append(g.Extra, p)
		}
	}
	// A move in the root node is unusual but legal SGF.
	nodes := []*Node{root}
	for n := root; len(n.Children) > 0; n = n.Children[0] {
		nodes = append(nodes, n.Children[0])
	}
	for i, n := range nodes {
		m, err := g.move(n, i == 0)
		if err != nil {
			return nil, fmt.Errorf("sgf: node %d of the main line: %w", i, err)
		}
		if i == 0 && m.Color == None {
			continue
		}
		g.Moves = append(g.Moves, m)
	}
	return g, nil
}

func parseColor(s string) (Color, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "B":
		return Black, nil
	case "W":
		return White, nil
	}
	return None, fmt.Errorf("not a colour (want B or W)")
}

func parseSize(raw string) (w, h int, err error) {
	a, b, composed := SplitCompose(raw)
	w, err = strconv.Atoi(strings.TrimSpace(Unescape(a)))
	if err == nil {
		h = w
		if composed {
			h, err = strconv.Atoi(strings.TrimSpace(Unescape(b)))
		}
	}
	if err != nil || w < 1 || h < 1 || w > MaxBoardSide || h > MaxBoardSide {
		return 0, 0, fmt.Errorf("sgf: SZ[%s]: want N or W:H with sides from 1 to %d", raw, MaxBoardSide)
	}
	return w, h, nil
}

// move reads the B or W property of a node; other properties go to Extra
// (for the root, only the move is read: its other properties are the game's).
func (g *Game) move(n *Node, isRoot bool) (Move, error) {
	var m Move
	for _, p := range n.Props {
		switch {
		case p.ID == "B" || p.ID == "W":
			if m.Color != None {
				return m, fmt.Errorf("node has more than one move")
			}
			if len(p.Raw) != 1 {
				return m, fmt.Errorf("%s has %d values, want 1", p.ID, len(p.Raw))
			}
			m.Color = Black
			if p.ID == "W" {
				m.Color = White
			}
			v := strings.TrimSpace(p.Raw[0])
			// FF[4] passes are empty; FF[3] wrote "tt" on boards up to 19.
			if v == "" || (v == "tt" && g.Width <= 19 && g.Height <= 19) {
				m.Pass = true
				continue
			}
			pt, err := g.point(v)
			if err != nil {
				return m, fmt.Errorf("%s[%s]: %w", p.ID, v, err)
			}
			m.At = pt
		case isRoot:
		case p.ID == "AB" || p.ID == "AW" || p.ID == "AE":
			return m, fmt.Errorf("setup property %s after the root is not supported", p.ID)
		default:
			m.Extra = append(m.Extra, p)
		}
	}
	return m, nil
}

// point reads a two-letter SGF point, a..z then A..Z.
func (g *Game) point(s string) (Point, error) {
	if len(s) != 2 {
		return Point{}, fmt.Errorf("not a two-letter point")
	}
	x, y := letterIndex(s[0]), letterIndex(s[1])
	if x < 0 || y < 0 || x >= g.Width || y >= g.Height {
		return Point{}, fmt.Errorf("point off the %dx%d board", g.Width, g.Height)
	}
	return Point{x, y}, nil
}

func letterIndex(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 26
	}
	return -1
}

func pointString(p Point) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	return string([]byte{letters[p.X], letters[p.Y]})
}

// points reads a list of points, expanding FF[4] rectangles "aa:cc".
func (g *Game) points(id string, raw []string) ([]Point, error) {
	var pts []Point
	for _, v := range raw {
		a, b, composed := SplitCompose(strings.TrimSpace(v))
		p, err := g.point(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("sgf: %s[%s]: %w", id, v, err)
		}
		if !composed {
			pts = append(pts, p)
			continue
		}
		q, err := g.point(strings.TrimSpace(b))
		if err != nil {
			return nil, fmt.Errorf("sgf: %s[%s]: %w", id, v, err)
		}
		for y := min(p.Y, q.Y); y <= max(p.Y, q.Y); y++ {
			for x := min(p.X, q.X); x <= max(p.X, q.X); x++ {
				pts = append(pts, Point{x, y})
			}
		}
	}
	return pts, nil
}

// Tree builds the SGF game tree of the record. The root gets GM[1] and
// FF[4] (unless Extra already sets them), SZ, RU, and the other fields that
// are set.
func (g *Game) Tree() (*Node, error) {
	if g.Width < 1 || g.Height < 1 || g.Width > MaxBoardSide || g.Height > MaxBoardSide {
		return nil, fmt.Errorf("sgf: board %dx%d: sides must be 1 to %d", g.Width, g.Height, MaxBoardSide)
	}
	if g.Rules.Variant != NoGo && g.Rules.Variant != AtariGo {
		return nil, fmt.Errorf("sgf: game has no variant")
	}
	root := &Node{}
	root.Set("GM", "1")
	root.Set("FF", "4")
	root.Set("CA", "UTF-8")
	for _, p := range g.Extra {
		if !rootKnown[p.ID] {
			root.SetRaw(p.ID, p.Raw...)
		}
	}
	if g.Width == g.Height {
		root.Set("SZ", strconv.Itoa(g.Width))
	} else {
		// The colon is the compose separator, so it is written raw.
		root.SetRaw("SZ", strconv.Itoa(g.Width)+":"+strconv.Itoa(g.Height))
	}
	root.Set("RU", g.Rules.String())
	if g.Black != "" {
		root.Set("PB", g.Black)
	}
	if g.White != "" {
		root.Set("PW", g.White)
	}
	if g.Result != "" {
		root.Set("RE", g.Result)
	}
	for _, set := range []struct {
		id  string
		pts []Point
	}{{"AB", g.AddBlack}, {"AW", g.AddWhite}} {
		if len(set.pts) == 0 {
			continue
		}
		raw := make([]string, len(set.pts))
		for i, p := range set.pts {
			if !g.onBoard(p) {
				return nil, fmt.Errorf("sgf: %s stone %v off the %dx%d board", set.id, p, g.Width, g.Height)
			}
			raw[i] = pointString(p)
		}
		root.SetRaw(set.id, raw...)
	}
	if g.ToPlay != None {
		root.Set("PL", g.ToPlay.String())
	}
	n := root
	for i, m := range g.Moves {
		c := &Node{}
		switch m.Color {
		case Black, White:
			v := ""
			if !m.Pass {
				if !g.onBoard(m.At) {
					return nil, fmt.Errorf("sgf: move %d at %v is off the %dx%d board", i+1, m.At, g.Width, g.Height)
				}
				v = pointString(m.At)
			}
			c.SetRaw(m.Color.String(), v)
		case None:
		default:
			return nil, fmt.Errorf("sgf: move %d has colour %d", i+1, m.Color)
		}
		for _, p := range m.Extra {
			c.SetRaw(p.ID, p.Raw...)
		}
		n.Children = []*Node{c}
		n = c
	}
	return root, nil
}

func (g *Game) onBoard(p Point) bool {
	return p.X >= 0 && p.Y >= 0 && p.X < g.Width && p.Y < g.Height
}

// WriteGame writes the record as a one-game SGF collection.
func WriteGame(w io.Writer, g *Game) error {
	root, err := g.Tree()
	if err != nil {
		return err
	}
	return Write(w, []*Node{root})
}

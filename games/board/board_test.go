package board

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refHash computes from scratch the key board b should have for r under
// symmetry s.
func refHash(b *Board, r *refBoard, s int) uint64 {
	g := b.g
	var h uint64
	for p, c := range r.grid {
		if c != Empty {
			h ^= g.stoneKeys[c][g.syms[s][p]]
		}
	}
	if r.ko >= 0 {
		h ^= g.koKeys[g.syms[s][r.ko]]
	}
	h ^= g.capKeys[Black][min(r.captures[Black], g.n)] ^ g.capKeys[White][min(r.captures[White], g.n)]
	if r.toMove == White {
		h ^= g.whiteKey
	}
	if r.passes > 0 {
		h ^= g.passKeys[min(r.passes, 2)]
	}
	return h
}

func checkSame(t *testing.T, b *Board, r *refBoard, where string) {
	t.Helper()
	for p, c := range r.grid {
		if got := b.At(Point(p)); got != c {
			t.Fatalf("%s: point %s is %v, reference %v\n%s", where, b.PointName(Point(p)), got, c, b)
		}
		want := 0
		if c != Empty {
			_, libs := r.group(p)
			want = len(libs)
		}
		if got := b.Liberties(Point(p)); got != want {
			t.Fatalf("%s: liberties at %s = %d, reference %d\n%s", where, b.PointName(Point(p)), got, want, b)
		}
		st := b.Stones(c)
		if !st.Has(Point(p)) {
			t.Fatalf("%s: bitboard of %v lacks %s", where, c, b.PointName(Point(p)))
		}
	}
	if b.ToMove() != r.toMove || b.Captures(Black) != r.captures[Black] || b.Captures(White) != r.captures[White] {
		t.Fatalf("%s: to move %v captures %d/%d, reference %v %d/%d", where, b.ToMove(),
			b.Captures(Black), b.Captures(White), r.toMove, r.captures[Black], r.captures[White])
	}
	if ko, ok := b.Ko(); ok != (r.ko >= 0) || (ok && int(ko) != r.ko) {
		t.Fatalf("%s: ko %d %v, reference %d", where, ko, ok, r.ko)
	}
	want := r.legalMoves()
	if got := b.LegalMoves(nil); !slices.Equal(got, want) {
		t.Fatalf("%s: legal moves %v, reference %v\n%s", where, got, want, b)
	}
	for _, c := range []Color{Black, White} {
		got, want := b.AtariLiberties(c), r.atariLiberties(c)
		for p := range r.grid {
			if got.Has(Point(p)) != want[p] {
				t.Fatalf("%s: atari liberty %s of %v differs from reference", where, b.PointName(Point(p)), c)
			}
		}
	}
	opp := r.toMove.Opponent()
	set := b.LegalSet(opp)
	for p := range r.grid {
		if l := r.legal(opp, p); set.Has(Point(p)) != l || b.IsLegalFor(opp, Point(p)) != l {
			t.Fatalf("%s: legality of %s for %v differs from reference", where, b.PointName(Point(p)), opp)
		}
	}
	if over, winner := r.result(want); b.Over() != over || b.Winner() != winner {
		t.Fatalf("%s: over=%v winner=%v, reference over=%v winner=%v", where, b.Over(), b.Winner(), over, winner)
	}
	for s := 0; s < b.Symmetries(); s++ {
		if got, want := b.SymmetricHash(s), refHash(b, r, s); got != want {
			t.Fatalf("%s: symmetric hash %d = %x, recomputed %x", where, s, got, want)
		}
	}
}

var testSizes = [][2]int{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 3}, {2, 3}, {4, 3}, {4, 4}, {5, 5}, {6, 4}, {7, 5}, {9, 9}, {19, 19}}

var testRules = []Rules{
	{Game: NoGo},
	{Game: AtariGo},
	{Game: AtariGo, CaptureTarget: 4},
	// A target nobody reaches keeps random games capturing for long.
	{Game: AtariGo, CaptureTarget: 1000, AllowPass: true},
}

// TestRandomGamesAgainstReference plays random games with random undos and
// compares every position with the reference implementation.
func TestRandomGamesAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range testSizes {
		for _, rules := range testRules {
			games, steps := 12, 3*sz[0]*sz[1]+10
			switch n := sz[0] * sz[1]; {
			case n > 100:
				// Edges and corners of the largest board; the middle is
				// covered by the smaller ones.
				games, steps = 1, 60
			case n > 30:
				games = 3
			}
			name := fmt.Sprintf("%dx%d/%v/%d/%v", sz[0], sz[1], rules.Game, rules.CaptureTarget, rules.AllowPass)
			for game := 0; game < games; game++ {
				b, err := New(sz[0], sz[1], rules)
				if err != nil {
					t.Fatal(err)
				}
				refs := []*refBoard{newRef(sz[0], sz[1], rules)}
				checkSame(t, b, refs[0], name)
				for step := 0; step < steps; step++ {
					r := refs[len(refs)-1]
					if len(refs) > 1 && rng.IntN(6) == 0 {
						if err := b.Undo(); err != nil {
							t.Fatal(err)
						}
						refs = refs[:len(refs)-1]
						checkSame(t, b, refs[len(refs)-1], name+" after undo")
						continue
					}
					moves := r.legalMoves()
					if len(moves) == 0 {
						break
					}
					m := moves[rng.IntN(len(moves))]
					if err := b.Play(m); err != nil {
						t.Fatalf("%s: play %s: %v", name, b.PointName(m), err)
					}
					refs = append(refs, r.play(m))
					checkSame(t, b, refs[len(refs)-1], fmt.Sprintf("%s move %d %s", name, step, b.PointName(m)))
				}
				for len(refs) > 1 {
					if err := b.Undo(); err != nil {
						t.Fatal(err)
					}
					refs = refs[:len(refs)-1]
				}
				checkSame(t, b, refs[0], name+" undone to start")
			}
		}
	}
}

// TestSymmetricGames plays a game and its image under every symmetry and
// checks the keys agree.
func TestSymmetricGames(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{5, 5}, {4, 6}, {9, 9}} {
		for _, rules := range testRules[:2] {
			base, _ := New(sz[0], sz[1], rules)
			images := make([]*Board, base.Symmetries())
			for s := range images {
				images[s], _ = New(sz[0], sz[1], rules)
			}
			for !base.Over() {
				moves := base.LegalMoves(nil)
				m := moves[rng.IntN(len(moves))]
				if err := base.Play(m); err != nil {
					t.Fatal(err)
				}
				canon, _ := base.CanonicalHash()
				for s, img := range images {
					if err := img.Play(base.Transform(s, m)); err != nil {
						t.Fatalf("symmetry %d: %v", s, err)
					}
					if img.Hash() != base.SymmetricHash(s) {
						t.Fatalf("%dx%d symmetry %d: image hash %x, symmetric hash %x", sz[0], sz[1], s, img.Hash(), base.SymmetricHash(s))
					}
					if c, _ := img.CanonicalHash(); c != canon {
						t.Fatalf("symmetry %d: canonical hashes differ", s)
					}
				}
			}
		}
	}
}

func mustPlay(t *testing.T, b *Board, moves ...string) {
	t.Helper()
	for _, m := range moves {
		p, err := b.ParsePoint(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Play(p); err != nil {
			t.Fatalf("%s: %v\n%s", m, err, b)
		}
	}
}

func TestRulePositions(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		rules   Rules
		moves   []string // alternate from Black
		try     string
		legal   bool
		reason  string
		winner  Color
		capture int
	}{
		{name: "nogo corner capture illegal", size: 3, rules: Rules{Game: NoGo},
			moves: []string{"B1", "A1"}, try: "A2", reason: "captures"},
		{name: "nogo suicide illegal", size: 3, rules: Rules{Game: NoGo},
			moves: []string{"B1", "C3", "A2"}, try: "A1", reason: "suicide"},
		{name: "nogo connecting to a group with liberties", size: 3, rules: Rules{Game: NoGo},
			moves: []string{"A2", "C3", "B1"}, try: "C1", legal: true},
		{name: "atari-go capture wins", size: 3, rules: Rules{Game: AtariGo},
			moves: []string{"B1", "A1", "A2"}, winner: Black, capture: 1},
		{name: "atari-go capture beats suicide", size: 2, rules: Rules{Game: AtariGo},
			moves: []string{"A1", "B2", "B1", "A2"}, winner: White, capture: 2},
		{name: "atari-go suicide of three stones", size: 3, rules: Rules{Game: AtariGo, CaptureTarget: 2},
			moves: []string{"A2", "A1", "C2", "C1", "B2"}, try: "B1", reason: "suicide"},
		{name: "occupied", size: 3, rules: Rules{Game: NoGo},
			moves: []string{"B2"}, try: "B2", reason: "occupied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := New(tc.size, tc.size, tc.rules)
			if err != nil {
				t.Fatal(err)
			}
			mustPlay(t, b, tc.moves...)
			if tc.try == "" {
				if got := b.Winner(); got != tc.winner || !b.Over() {
					t.Fatalf("winner %v over %v, want %v\n%s", got, b.Over(), tc.winner, b)
				}
				if b.Captures(tc.winner) != tc.capture {
					t.Fatalf("captures %d, want %d", b.Captures(tc.winner), tc.capture)
				}
				return
			}
			p, _ := b.ParsePoint(tc.try)
			if got := b.IsLegal(p); got != tc.legal {
				t.Fatalf("IsLegal(%s) = %v, want %v\n%s", tc.try, got, tc.legal, b)
			}
			err = b.Play(p)
			if tc.legal {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Play(%s) error %v, want one mentioning %q", tc.try, err, tc.reason)
			}
		})
	}
}

func TestAtariGoMultiCapture(t *testing.T) {
	// White A1 and C1 are both in atari at B1; Black takes two at once.
	b, _ := New(3, 3, Rules{Game: AtariGo, CaptureTarget: 3})
	mustPlay(t, b, "A2", "A1", "C2", "C1", "B2", "C3", "B1")
	if got := b.Captures(Black); got != 2 || b.Over() {
		t.Fatalf("black captured %d stones (over %v), want 2 and play on\n%s", got, b.Over(), b)
	}
	if b.Liberties(1) != 4 {
		t.Fatalf("B1 group liberties %d, want 4 (A1, C1, A3, B3)\n%s", b.Liberties(1), b)
	}
}

func TestKo(t *testing.T) {
	b, _ := New(4, 3, Rules{Game: AtariGo, CaptureTarget: 5, AllowPass: true})
	// . X O .
	// X O . O
	// . X O .
	mustPlay(t, b, "B3", "C3", "A2", "B2", "B1", "C1", "pass", "D2")
	mustPlay(t, b, "C2") // Black captures B2.
	if b.Captures(Black) != 1 {
		t.Fatalf("black should have captured B2\n%s", b)
	}
	p, _ := b.ParsePoint("B2")
	if err := b.Play(p); err == nil || !strings.Contains(err.Error(), "ko") {
		t.Fatalf("retaking the ko: err %v", err)
	}
	mustPlay(t, b, "pass", "pass")
	if !b.Over() || b.Winner() != Black {
		t.Fatalf("two passes: over %v winner %v", b.Over(), b.Winner())
	}
}

func TestNew(t *testing.T) {
	bad := []struct {
		w, h  int
		rules Rules
	}{
		{0, 5, Rules{Game: NoGo}}, {20, 20, Rules{Game: NoGo}}, {19, 20, Rules{Game: AtariGo}},
		{5, 5, Rules{}}, {5, 5, Rules{Game: NoGo, AllowPass: true}},
		{5, 5, Rules{Game: AtariGo, CaptureTarget: -1}}, {5, 5, Rules{Game: NoGo, CaptureTarget: 2}},
	}
	for _, tc := range bad {
		if _, err := New(tc.w, tc.h, tc.rules); err == nil {
			t.Errorf("New(%d, %d, %+v) accepted", tc.w, tc.h, tc.rules)
		}
	}
	if _, err := New(19, 19, Rules{Game: NoGo}); err != nil {
		t.Error(err)
	}
}

func TestNoGoSmallBoards(t *testing.T) {
	// 1×1: Black's only move is suicide, so Black has no move and loses.
	b, _ := New(1, 1, Rules{Game: NoGo})
	if !b.Over() || b.Winner() != White {
		t.Fatalf("1x1 NoGo: over %v winner %v", b.Over(), b.Winner())
	}
	if err := b.Undo(); err == nil {
		t.Fatal("undo on an empty history succeeded")
	}
	if err := b.Play(Pass); err == nil {
		t.Fatal("NoGo pass accepted")
	}
	if err := b.Play(5); err == nil {
		t.Fatal("off-board point accepted")
	}
}

func TestCloneIsIndependent(t *testing.T) {
	b, _ := New(5, 5, Rules{Game: NoGo})
	mustPlay(t, b, "C3", "B2")
	c := b.Clone()
	h := b.Hash()
	mustPlay(t, c, "D4")
	if b.Hash() != h || b.At(18) != Empty {
		t.Fatal("playing on a clone changed the original")
	}
	if err := c.Undo(); err != nil {
		t.Fatal(err)
	}
	if c.Hash() != h {
		t.Fatal("clone undo did not restore the copied position")
	}
	if err := c.Undo(); err == nil {
		t.Fatal("clone undid past the copy")
	}
	var d Board
	d.CopyFrom(b)
	if d.Hash() != h || d.String() != b.String() {
		t.Fatal("CopyFrom into a zero board differs")
	}
}

func TestPointNames(t *testing.T) {
	b, _ := New(19, 19, Rules{Game: NoGo})
	for p := Point(0); int(p) < b.NumPoints(); p++ {
		q, err := b.ParsePoint(b.PointName(p))
		if err != nil || q != p {
			t.Fatalf("round trip of %d via %q: %d %v", p, b.PointName(p), q, err)
		}
	}
	good := map[string]string{"a1": "A1", "J9": "J9", "t19": "T19", "H8": "H8", "pass": "pass", "PASS": "pass"}
	for in, want := range good {
		p, err := b.ParsePoint(in)
		if err != nil || b.PointName(p) != want {
			t.Errorf("ParsePoint(%q) = %v %v, want %s", in, b.PointName(p), err, want)
		}
	}
	small, _ := New(5, 4, Rules{Game: NoGo})
	for _, in := range []string{"", "A", "I3", "A0", "A-1", "A01", "A+1", "F1", "A5", "Z9", "A1x", "A100", "é1"} {
		if _, err := small.ParsePoint(in); err == nil {
			t.Errorf("ParsePoint(%q) on 5x4 accepted", in)
		}
	}
	for name, want := range map[string][]string{"A1": {"B1", "A2"}, "C1": {"B1", "D1", "C2"}, "C2": {"B2", "D2", "C1", "C3"}, "E4": {"D4", "E3"}} {
		p, _ := small.ParsePoint(name)
		var got []string
		for _, q := range small.Neighbors(p) {
			got = append(got, small.PointName(q))
		}
		if !slices.Equal(got, want) {
			t.Errorf("Neighbors(%s) = %v, want %v", name, got, want)
		}
	}
	if x, y := small.XY(7); x != 2 || y != 1 {
		t.Errorf("XY(7) = %d,%d", x, y)
	}
	if p, err := small.Point(2, 1); err != nil || p != 7 {
		t.Errorf("Point(2,1) = %d %v", p, err)
	}
	if _, err := small.Point(5, 0); err == nil {
		t.Error("Point(5,0) on 5x4 accepted")
	}
}

func TestParseSize(t *testing.T) {
	good := map[string][2]int{"9": {9, 9}, "4x4": {4, 4}, "5X3": {5, 3}, " 19 ": {19, 19}, "1x1": {1, 1}}
	for in, want := range good {
		w, h, err := ParseSize(in)
		if err != nil || w != want[0] || h != want[1] {
			t.Errorf("ParseSize(%q) = %d %d %v", in, w, h, err)
		}
	}
	for _, in := range []string{"", "0", "20", "19x20", "x4", "4x", "4x4x4", "-3", "a"} {
		if _, _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestParseGame(t *testing.T) {
	for in, want := range map[string]Game{"nogo": NoGo, "NoGo": NoGo, "atarigo": AtariGo, "atari-go": AtariGo} {
		if g, err := ParseGame(in); err != nil || g != want {
			t.Errorf("ParseGame(%q) = %v %v", in, g, err)
		}
	}
	if _, err := ParseGame("chess"); err == nil {
		t.Error("ParseGame(chess) accepted")
	}
}

func TestString(t *testing.T) {
	b, _ := New(3, 3, Rules{Game: NoGo})
	mustPlay(t, b, "B2", "A1")
	want := "    A B C\n 3  . . . 3\n 2  . X . 2\n 1 (O). . 1\n    A B C\n"
	if got := b.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func FuzzParsePoint(f *testing.F) {
	for _, s := range []string{"A1", "t19", "pass", "I5", "A0", "", "Z99", "\x00"} {
		f.Add(s)
	}
	b, _ := New(19, 19, Rules{Game: NoGo})
	f.Fuzz(func(t *testing.T, s string) {
		p, err := b.ParsePoint(s)
		if err != nil {
			return
		}
		if p != Pass && (p < 0 || int(p) >= b.NumPoints()) {
			t.Fatalf("ParsePoint(%q) = %d, off the board", s, p)
		}
		if q, err := b.ParsePoint(b.PointName(p)); err != nil || q != p {
			t.Fatalf("round trip of %q: %d %v", s, q, err)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"9", "4x4", "19x19", "20", "0x3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := ParseSize(s)
		if err == nil && (w < 1 || h < 1 || w > MaxSide || h > MaxSide) {
			t.Fatalf("ParseSize(%q) = %dx%d", s, w, h)
		}
	})
}

package sgf

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadGame(t *testing.T) {
	in := `(;GM[1]FF[4]CA[UTF-8]AP[Sabaki:0.52]SZ[9:7]RU[Atari-Go, capture 2, pass]
PB[Alice]PW[Bob \] jr]RE[W+R]AB[aa:bb]AW[cc]PL[W]XX[keep me]
;W[dd]C[hello];B[];W[tt]BL[30.5];C[no move here];B[ia])`
	g, err := ReadGame([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &Game{
		Rules: Rules{Variant: AtariGo, CaptureTarget: 2, PassAllowed: true},
		Width: 9, Height: 7,
		Black: "Alice", White: "Bob ] jr", Result: "W+R",
		AddBlack: []Point{{0, 0}, {1, 0}, {0, 1}, {1, 1}},
		AddWhite: []Point{{2, 2}},
		ToPlay:   White,
		Moves: []Move{
			{Color: White, At: Point{3, 3}, Extra: []Property{{"C", []string{"hello"}}}},
			{Color: Black, Pass: true},
			{Color: White, Pass: true, Extra: []Property{{"BL", []string{"30.5"}}}},
			{Color: None, Extra: []Property{{"C", []string{"no move here"}}}},
			{Color: Black, At: Point{8, 0}},
		},
		Extra: []Property{{"GM", []string{"1"}}, {"FF", []string{"4"}}, {"CA", []string{"UTF-8"}},
			{"AP", []string{"Sabaki:0.52"}}, {"XX", []string{"keep me"}}},
	}
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("got  %+v\nwant %+v", g, want)
	}
	var b bytes.Buffer
	if err := WriteGame(&b, g); err != nil {
		t.Fatal(err)
	}
	g2, err := ReadGame(b.Bytes())
	if err != nil {
		t.Fatalf("re-read %s: %v", b.String(), err)
	}
	// Setup rectangles are written out point by point; otherwise the record
	// is unchanged.
	if !reflect.DeepEqual(g, g2) {
		t.Errorf("round trip changed the game:\n%+v\n%+v\n%s", g, g2, b.String())
	}
	for _, s := range []string{"SZ[9:7]", "RU[Atari-Go, capture 2, pass]", "XX[keep me]", "AP[Sabaki:0.52]", ";B[]"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("written game lacks %s:\n%s", s, b.String())
		}
	}
}

func TestReadGameErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"(;GM[1]SZ[9])", "no RU property"},
		{"(;GM[2]RU[NoGo])", "not a Go-family game"},
		{"(;RU[Go])", "unknown rules"},
		{"(;RU[NoGo, capture 2])", "unknown option"},
		{"(;RU[Atari-Go, capture x])", "bad capture target"},
		{"(;RU[NoGo]SZ[20])", "SZ[20]"},
		{"(;RU[NoGo]SZ[0])", "SZ[0]"},
		{"(;RU[NoGo]SZ[9:x])", "SZ[9:x]"},
		{"(;RU[NoGo]SZ[9];B[jj])", "node 1 of the main line: B[jj]: point off the 9x9 board"},
		{"(;RU[NoGo]SZ[9];B[a])", "not a two-letter point"},
		{"(;RU[NoGo]SZ[9];B[aa]W[bb])", "more than one move"},
		{"(;RU[NoGo]SZ[9];B[aa][bb])", "has 2 values"},
		{"(;RU[NoGo]SZ[9];AB[aa])", "setup property AB after the root"},
		{"(;RU[NoGo]SZ[9]AB[aa:zz])", "AB[aa:zz]"},
		{"(;RU[NoGo]PL[X])", "PL[X]"},
		{"(;RU[NoGo])(;RU[NoGo])", "want one game, file holds 2"},
	}
	for _, tc := range tests {
		_, err := ReadGame([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.in, err, tc.msg)
		}
	}
}

func TestRulesText(t *testing.T) {
	tests := []struct {
		in   string
		want Rules
		out  string
	}{
		{"NoGo", Rules{Variant: NoGo}, "NoGo"},
		{"nogo", Rules{Variant: NoGo}, "NoGo"},
		{"No Go", Rules{Variant: NoGo}, "NoGo"},
		{"Atari-Go", Rules{Variant: AtariGo}, "Atari-Go"},
		{"capture go", Rules{Variant: AtariGo}, "Atari-Go"},
		{"AtariGo, capture 5", Rules{Variant: AtariGo, CaptureTarget: 5}, "Atari-Go, capture 5"},
		{"Atari-Go, pass", Rules{Variant: AtariGo, PassAllowed: true}, "Atari-Go, pass"},
	}
	for _, tc := range tests {
		got, err := ParseRules(tc.in)
		if err != nil || got != tc.want || got.String() != tc.out {
			t.Errorf("ParseRules(%q) = %+v %v (%q), want %+v %q", tc.in, got, err, got.String(), tc.want, tc.out)
		}
	}
}

func TestTreeErrors(t *testing.T) {
	for _, g := range []*Game{
		{Rules: Rules{Variant: NoGo}, Width: 20, Height: 9},
		{Width: 9, Height: 9},
		{Rules: Rules{Variant: NoGo}, Width: 9, Height: 9, Moves: []Move{{Color: Black, At: Point{9, 0}}}},
		{Rules: Rules{Variant: NoGo}, Width: 9, Height: 9, AddBlack: []Point{{-1, 0}}},
	} {
		if _, err := g.Tree(); err == nil {
			t.Errorf("%+v: no error", g)
		}
	}
}

func FuzzReadGame(f *testing.F) {
	f.Add([]byte("(;GM[1]FF[4]SZ[9]RU[NoGo];B[ee];W[dd])"))
	f.Add([]byte("(;GM[1]SZ[9:7]RU[Atari-Go, capture 3, pass]AB[aa:cc];W[];B[tt])"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadGame(data)
		if err != nil {
			return
		}
		// A record that reads must write, and read back to the same record.
		var b bytes.Buffer
		if err := WriteGame(&b, g); err != nil {
			t.Fatalf("write: %v", err)
		}
		g2, err := ReadGame(b.Bytes())
		if err != nil {
			t.Fatalf("re-read: %v\n%s", err, b.String())
		}
		if len(g2.Moves) != len(g.Moves) || g2.Rules != g.Rules || g2.Width != g.Width || g2.Height != g.Height {
			t.Fatalf("round trip changed the game:\n%+v\n%+v", g, g2)
		}
	})
}

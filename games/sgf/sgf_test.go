package sgf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseStructure(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		trees int
		main  int // nodes on the first tree's main line
		vars  int // children of the last main-line node of tree 0 that has more than one
	}{
		{"single node", "(;GM[1])", 1, 1, 0},
		{"sequence", "(;GM[1];B[aa];W[bb])", 1, 3, 0},
		{"variations", "(;GM[1];B[aa](;W[bb];B[cc])(;W[cc]))", 1, 4, 2},
		{"nested", "(;GM[1](;B[aa](;W[bb])(;W[cc]))(;B[dd]))", 1, 3, 2},
		{"collection", "(;GM[1])(;GM[1];B[aa])", 2, 1, 0},
		{"whitespace", " \n( ; GM [1] \n ; B\n[aa] ) trailing", 1, 2, 0},
		{"bom", "\xef\xbb\xbf(;GM[1])", 1, 1, 0},
		{"ff3 long ids", "(;GaMe[1];AddBlack[aa])", 1, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			roots, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(roots) != tc.trees {
				t.Fatalf("trees = %d, want %d", len(roots), tc.trees)
			}
			n, main, vars := roots[0], 1, 0
			for len(n.Children) > 0 {
				if len(n.Children) > 1 && vars == 0 {
					vars = len(n.Children)
				}
				n = n.Children[0]
				main++
			}
			if main != tc.main || vars != tc.vars {
				t.Errorf("main line %d, variations %d; want %d, %d", main, vars, tc.main, tc.vars)
			}
		})
	}
	roots, _ := Parse([]byte("(;GaMe[1];AddBlack[aa])"))
	if !roots[0].Has("GM") || !roots[0].Children[0].Has("AB") {
		t.Error("lower-case letters in identifiers were not dropped")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in        string
		line, col int
		msg       string
	}{
		{"", 1, 1, "no game tree"},
		{"x(;)", 1, 1, "expected '('"},
		{"(;GM[1]", 1, 8, "not closed"},
		{"(;GM[1", 1, 5, "not closed with ']'"},
		{"(;\n GM 1]", 2, 5, "has no value"},
		{"(;GM[1])\n)", 0, 0, ""}, // trailing garbage after a tree is ignored
		{"(GM[1])", 1, 2, "expected ';'"},
		{"(;GM[1](;B[aa]);W[bb])", 1, 16, "node after a variation"},
		{"(;GM[1]x)", 1, 8, "no upper-case letter"},
		{"(;GM[1]#)", 1, 8, "unexpected '#'"},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.in))
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.in, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want a SyntaxError", tc.in, err)
			continue
		}
		if se.Line != tc.line || se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("%q: got %v, want line %d col %d %q", tc.in, err, tc.line, tc.col, tc.msg)
		}
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("(;", MaxDepth+1) + strings.Repeat(")", MaxDepth+1)
	if _, err := Parse([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("deep nesting: %v", err)
	}
	ok := strings.Repeat("(;", MaxDepth) + strings.Repeat(")", MaxDepth)
	if _, err := Parse([]byte(ok)); err != nil {
		t.Errorf("nesting at the limit: %v", err)
	}
	big := make([]byte, MaxInputBytes+1)
	if _, err := Parse(big); err == nil {
		t.Error("over-size input accepted")
	}
	if _, err := ReadAll(bytes.NewReader(big)); err == nil {
		t.Error("over-size reader accepted")
	}
	long := "(;C[" + strings.Repeat("x", MaxValueBytes+1) + "])"
	if _, err := Parse([]byte(long)); err == nil || !strings.Contains(err.Error(), "value of C") {
		t.Errorf("long value: %v", err)
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct{ raw, text string }{
		{`plain`, "plain"},
		{`a\]b`, "a]b"},
		{`back\\slash`, `back\slash`},
		{`co\:lon`, "co:lon"},
		{"soft\\\nbreak", "softbreak"},
		{"soft\\\r\nbreak", "softbreak"},
		{"hard\nbreak", "hard\nbreak"},
		{`\x`, "x"},
	}
	for _, tc := range tests {
		if got := Unescape(tc.raw); got != tc.text {
			t.Errorf("Unescape(%q) = %q, want %q", tc.raw, got, tc.text)
		}
	}
	// Escape and Unescape invert each other on any text, and what Escape
	// produces survives a parse.
	for _, s := range []string{"", "a]b", `\`, `x\`, "a:b]]\\:", "line\nnext", "多"} {
		if got := Unescape(Escape(s)); got != s {
			t.Errorf("Unescape(Escape(%q)) = %q", s, got)
		}
		n := &Node{}
		n.Set("C", s)
		var b bytes.Buffer
		if err := Write(&b, []*Node{n}); err != nil {
			t.Fatal(err)
		}
		roots, err := Parse(b.Bytes())
		if err != nil {
			t.Fatalf("%q: %v", b.String(), err)
		}
		if v, _ := roots[0].Value("C"); v != s {
			t.Errorf("comment %q came back as %q", s, v)
		}
	}
	if a, b, ok := SplitCompose(`x\:y:z`); !ok || a != `x\:y` || b != "z" {
		t.Errorf("SplitCompose = %q %q %v", a, b, ok)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	in := "(;GM[1]FF[4]SZ[9]RU[NoGo]XY[unknown][two]C[a \\] b]\n;B[ee]TR[aa][bb](;W[dd]MN[3];B[cc])(;W[ff]C[other]))\n(;GM[1]SZ[5:3]RU[Atari-Go])"
	roots, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, roots); err != nil {
		t.Fatal(err)
	}
	again, err := Parse(b.Bytes())
	if err != nil {
		t.Fatalf("re-parse %q: %v", b.String(), err)
	}
	var b2 bytes.Buffer
	if err := Write(&b2, again); err != nil {
		t.Fatal(err)
	}
	if b.String() != b2.String() {
		t.Errorf("write is not stable:\n%s\n%s", b.String(), b2.String())
	}
	if got := again[0].Get("XY"); len(got) != 2 || got[1] != "two" {
		t.Errorf("unknown property XY = %q", got)
	}
	if len(again[0].Children[0].Children) != 2 {
		t.Error("variations lost")
	}
	if v, _ := again[0].Value("C"); v != "a ] b" {
		t.Errorf("comment = %q", v)
	}
}

func TestHandBuiltRawValuesStayParsable(t *testing.T) {
	n := &Node{}
	n.SetRaw("C", `bad]value\`)
	var b bytes.Buffer
	if err := Write(&b, []*Node{n}); err != nil {
		t.Fatal(err)
	}
	roots, err := Parse(b.Bytes())
	if err != nil {
		t.Fatalf("%q: %v", b.String(), err)
	}
	if v, _ := roots[0].Value("C"); v != `bad]value\` {
		t.Errorf("got %q", v)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(;GM[1]FF[4]SZ[9]RU[NoGo];B[ee];W[dd])",
		"(;GM[1]SZ[9:7]RU[Atari-Go, capture 3](;B[aa])(;B[bb]C[x\\]y]))",
		"(;AB[aa:cc]AW[dd];W[])",
		"(;C[\\\n]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roots, err := Parse(data)
		if err != nil {
			return
		}
		// Whatever parses must write and parse back to the same text.
		var b bytes.Buffer
		if err := Write(&b, roots); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(b.Bytes())
		if err != nil {
			t.Fatalf("written form does not parse: %v\n%s", err, b.String())
		}
		var b2 bytes.Buffer
		if err := Write(&b2, again); err != nil {
			t.Fatal(err)
		}
		if b.String() != b2.String() {
			t.Fatalf("not stable:\n%s\n%s", b.String(), b2.String())
		}
		for _, r := range roots {
			_, _ = FromTree(r)
		}
	})
}

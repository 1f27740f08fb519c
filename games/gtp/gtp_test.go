package gtp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// occupyEngine is a minimal rules engine for protocol tests: a move on an
// occupied point is illegal, genmove takes the first free point, the game
// is over when the board is full.
type occupyEngine struct {
	w, h     int
	moves    []Move
	settings TimeSettings
	left     time.Duration
}

func (e *occupyEngine) Name() string    { return "occupy" }
func (e *occupyEngine) Version() string { return "1.0" }
func (e *occupyEngine) SetBoardSize(w, h int) error {
	if w > 19 || h > 19 {
		return errors.New("board over 19x19")
	}
	e.w, e.h, e.moves = w, h, nil
	return nil
}
func (e *occupyEngine) ClearBoard() { e.moves = nil }
func (e *occupyEngine) Play(c Color, m Move) error {
	if m.Pass || m.X >= e.w || m.Y >= e.h {
		return fmt.Errorf("%v: %w", m, ErrIllegalMove)
	}
	for _, o := range e.moves {
		if o == m {
			return ErrIllegalMove
		}
	}
	e.moves = append(e.moves, m)
	return nil
}
func (e *occupyEngine) GenMove(ctx context.Context, c Color) (Move, error) {
	for y := 0; y < e.h; y++ {
		for x := 0; x < e.w; x++ {
			if e.Play(c, Move{X: x, Y: y}) == nil {
				return Move{X: x, Y: y}, nil
			}
		}
	}
	return Move{Resign: true}, nil
}
func (e *occupyEngine) Undo() error {
	if len(e.moves) == 0 {
		return errors.New("no move to undo")
	}
	e.moves = e.moves[:len(e.moves)-1]
	return nil
}
func (e *occupyEngine) ShowBoard() string { return fmt.Sprintf("%d moves\n\nplayed\n", len(e.moves)) }
func (e *occupyEngine) FinalScore() (string, error) {
	if len(e.moves) < e.w*e.h {
		return "", errors.New("game not over")
	}
	return "B+R", nil
}
func (e *occupyEngine) TimeSettings(t TimeSettings)                      { e.settings = t }
func (e *occupyEngine) TimeLeft(c Color, left time.Duration, stones int) { e.left = left }

func TestExecute(t *testing.T) {
	e := &occupyEngine{w: 9, h: 9}
	s := NewServer(e)
	tests := []struct{ in, want string }{
		{"protocol_version", "= 2\n\n"},
		{"1 name", "=1 occupy\n\n"},
		{"22 version", "=22 1.0\n\n"},
		{"3 known_command genmove", "=3 true\n\n"},
		{"known_command frobnicate", "= false\n\n"},
		{"4 frobnicate", "?4 unknown command\n\n"},
		{"5", "?5 missing command\n\n"},
		{"6 boardsize 3", "=6 \n\n"},
		{"boardsize 0", "? unacceptable size\n\n"},
		{"boardsize 26", "? unacceptable size\n\n"},
		{"boardsize 20", "? unacceptable size: board over 19x19\n\n"},
		{"boardsize x", "? syntax error: \"x\" is not an integer\n\n"},
		{"rectangular_boardsize 3 2", "= \n\n"},
		{"komi 6.5", "= \n\n"},
		{"komi abc", "? syntax error: komi \"abc\" is not a number\n\n"},
		{"7 play b A1", "=7 \n\n"},
		{"8 play w a1", "?8 illegal move\n\n"},
		{"play w C2", "= \n\n"},
		{"play w D1", "? illegal move\n\n"},
		{"play w pass", "? illegal move\n\n"},
		{"play x A1", "? invalid color or coordinate: invalid color \"x\"\n\n"},
		{"play b I1", "? invalid color or coordinate: \"I1\"\n\n"},
		{"play b A0", "? invalid color or coordinate: \"A0\"\n\n"},
		{"play b resign", "? invalid color or coordinate: \"resign\"\n\n"},
		{"play b", "? syntax error: want play COLOR VERTEX\n\n"},
		{"9 genmove b", "=9 B1\n\n"},
		{"genmove w", "= C1\n\n"},
		{"final_score", "? game not over\n\n"},
		{"showboard", "= \n4 moves\nplayed\n\n"},
		{"undo", "= \n\n"},
		{"time_settings 300 30 5", "= \n\n"},
		{"time_settings 300 -1 5", "? syntax error: negative time\n\n"},
		{"time_left b 120 0", "= \n\n"},
		{"time_left q 120 0", "? syntax error: invalid color \"q\"\n\n"},
		{"  10\tname  # a comment", "=10 occupy\n\n"},
		{"\x01na\x02me\x7f", "= occupy\n\n"},
		{"11 quit", "=11 \n\n"},
	}
	for _, tc := range tests {
		got, handled, _ := s.Execute(context.Background(), tc.in)
		if !handled || got != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
		}
	}
	if e.settings.Byoyomi != 30*time.Second || e.settings.ByoyomiStones != 5 || e.left != 120*time.Second {
		t.Errorf("time settings not passed on: %+v %v", e.settings, e.left)
	}
	for _, in := range []string{"", "   ", "# only a comment", "\t\r"} {
		if _, handled, _ := s.Execute(context.Background(), in); handled {
			t.Errorf("%q was answered; GTP says to ignore it", in)
		}
	}
}

func TestListCommandsCoversRequiredSet(t *testing.T) {
	s := NewServer(&occupyEngine{w: 9, h: 9})
	got, _, _ := s.Execute(context.Background(), "list_commands")
	for _, c := range []string{"protocol_version", "name", "version", "known_command", "list_commands",
		"boardsize", "rectangular_boardsize", "clear_board", "komi", "play", "genmove", "undo",
		"showboard", "final_score", "time_settings", "time_left", "quit"} {
		if !strings.Contains(got, "\n"+c+"\n") && !strings.HasPrefix(got, "= "+c+"\n") {
			t.Errorf("list_commands lacks %s", c)
		}
	}
}

func TestRunLoop(t *testing.T) {
	in := "1 boardsize 2\n" + strings.Repeat("x", MaxLineBytes+10) + "\n2 play b A1\r\n3 genmove w\n4 quit\n5 name\n"
	var out strings.Builder
	if err := NewServer(&occupyEngine{}).Run(context.Background(), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := "=1 \n\n? command line over 4096 bytes\n\n=2 \n\n=3 B1\n\n=4 \n\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
	// A last command without a newline is still answered.
	out.Reset()
	if err := NewServer(&occupyEngine{}).Run(context.Background(), strings.NewReader("name"), &out); err != nil || out.String() != "= occupy\n\n" {
		t.Errorf("unterminated last line: %q %v", out.String(), err)
	}
}

func TestClientAgainstServer(t *testing.T) {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- NewServer(&occupyEngine{}).Run(context.Background(), sr, sw)
		sw.Close()
	}()
	c := NewClient(cr, cw)
	ctx := context.Background()
	steps := []struct{ cmd, want, err string }{
		{"boardsize 3", "", ""},
		{"play b B2", "", ""},
		{"play w B2", "", "illegal move"},
		{"genmove w", "A1", ""},
		{"showboard", "\n2 moves\nplayed", ""},
		{"quit", "", ""},
	}
	for _, s := range steps {
		got, err := c.Command(ctx, s.cmd)
		if s.err != "" {
			var ee *EngineError
			if !errors.As(err, &ee) || ee.Msg != s.err {
				t.Errorf("%s: err %v, want engine error %q", s.cmd, err, s.err)
			}
			continue
		}
		if err != nil || got != s.want {
			t.Errorf("%s: %q, %v; want %q", s.cmd, got, err, s.want)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sr.Close() // as a dead process's pipe would be
	if _, err := c.Command(ctx, "name"); err == nil {
		t.Error("command after the engine quit succeeded")
	}
}

func TestClientReplyParsing(t *testing.T) {
	tests := []struct {
		name, engine, want, err string
	}{
		{"plain", "=1 D4\n\n", "D4", ""},
		{"no space", "=1D4\n\n", "D4", ""},
		{"no id", "= D4\n\n", "D4", ""},
		{"bare equals", "=\n\n", "", ""},
		{"crlf", "=1 D4\r\n\r\n", "D4", ""},
		{"blank lines first", "\n\n=1 ok\n\n", "ok", ""},
		{"multiline", "=1 \nline one\nline two\n\n", "\nline one\nline two", ""},
		{"error", "?1 illegal move\n\n", "", "engine refused \"genmove b\": illegal move"},
		{"eof after reply", "=1 D4\n", "D4", ""},
		{"wrong id", "=7 D4\n\n", "", "has id 7, want 1"},
		{"answer without id or space", "=2\n\n", "2", ""},
		{"garbage", "hello\n\n", "", "does not start with"},
		{"closed", "", "", "closed the connection"},
	}
	for _, tc := range tests {
		c := NewClient(strings.NewReader(tc.engine), io.Discard)
		got, err := c.Command(context.Background(), "genmove b")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestClientCancel(t *testing.T) {
	r, _ := io.Pipe() // never answers
	c := NewClient(r, io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Command(ctx, "genmove b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline", err)
	}
	if _, err := c.Command(context.Background(), "name"); err == nil {
		t.Error("client still usable after a cancelled command")
	}
}

func TestParseMove(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Move
		ok   bool
	}{
		{"A1", Move{0, 0, false, false}, true},
		{"j10", Move{8, 9, false, false}, true},
		{"Z25", Move{24, 24, false, false}, true},
		{"PASS", Move{Pass: true}, true},
		{"Resign", Move{Resign: true}, true},
		{"I5", Move{}, false},
		{"A26", Move{}, false},
		{"A+1", Move{}, false},
		{"A01", Move{}, false},
		{"A", Move{}, false},
		{"AA1", Move{}, false},
	} {
		got, err := ParseMove(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseMove(%q) = %+v, %v", tc.in, got, err)
		}
		if tc.ok && !strings.EqualFold(got.String(), tc.in) {
			t.Errorf("%+v prints as %q, read from %q", got, got.String(), tc.in)
		}
	}
}

func FuzzServer(f *testing.F) {
	for _, s := range []string{"1 boardsize 9\nplay b D4\ngenmove w\nundo\nshowboard\n",
		"rectangular_boardsize 4 3\ntime_left w 10 1\n#x\n\x00\n", "known_command\n= \n?"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out strings.Builder
		err := NewServer(&occupyEngine{w: 5, h: 5}).Run(context.Background(), strings.NewReader(string(data)), &out)
		if err != nil {
			t.Fatal(err)
		}
		// Every reply is well formed: starts with = or ?, ends with an
		// empty line, and has no empty line inside.
		for _, r := range strings.SplitAfter(out.String(), "\n\n") {
			if r == "" {
				continue
			}
			if (r[0] != '=' && r[0] != '?') || !strings.HasSuffix(r, "\n\n") || strings.Contains(r[:len(r)-2], "\n\n") {
				t.Fatalf("malformed reply %q", r)
			}
		}
	})
}

func FuzzClientReply(f *testing.F) {
	for _, s := range []string{"=1 D4\n\n", "?1 no\n\n", "=1\nA\nB\n\n", "\r\n=1 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, engine string) {
		c := NewClient(strings.NewReader(engine), io.Discard)
		_, _ = c.Command(context.Background(), "genmove b")
	})
}

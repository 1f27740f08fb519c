package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/mcts"
	"github.com/trident-lab/trident/games/sgf"
)

func newEngine(t *testing.T, w, h int, rules board.Rules) *Engine {
	t.Helper()
	e, err := New("trident", "test", w, h, rules, mcts.Config{Threads: 1, Seed: 1}, mcts.Budget{Playouts: 200})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A whole game over GTP: the engine plays both sides until one loses, and
// every reply is an accepted move until final_score names the winner.
func TestGTPSelfPlay(t *testing.T) {
	for _, rules := range []board.Rules{{Game: board.NoGo}, {Game: board.AtariGo}} {
		e := newEngine(t, 5, 5, rules)
		s := gtp.NewServer(e)
		ctx := context.Background()
		run := func(cmd string) string {
			r, _, _ := s.Execute(ctx, cmd)
			return r
		}
		if r := run("boardsize 5"); r != "= \n\n" {
			t.Fatal(r)
		}
		c := "b"
		for i := 0; i < 60; i++ {
			r := run("genmove " + c)
			if r == "= resign\n\n" {
				break
			}
			if !strings.HasPrefix(r, "= ") {
				t.Fatalf("%v: genmove: %q", rules, r)
			}
			if c == "b" {
				c = "w"
			} else {
				c = "b"
			}
		}
		score := run("final_score")
		if score != "= B+R\n\n" && score != "= W+R\n\n" {
			t.Fatalf("%v: final_score %q\n%s", rules, score, e.ShowBoard())
		}
		rec := e.Record("a", "b")
		var buf bytes.Buffer
		if err := sgf.WriteGame(&buf, rec); err != nil {
			t.Fatal(err)
		}
		back, err := sgf.ReadGame(buf.Bytes())
		if err != nil || len(back.Moves) != len(e.moves) || back.Result != strings.TrimSpace(score[2:]) {
			t.Fatalf("record: %v %+v\n%s", err, back, buf.String())
		}
		// Replaying the record gives the same final position.
		b, _ := board.New(5, 5, rules)
		for _, m := range back.Moves {
			p, _ := b.Point(m.At.X, 4-m.At.Y)
			if err := b.Play(p); err != nil {
				t.Fatal(err)
			}
		}
		if b.Hash() != e.b.Hash() {
			t.Error("record does not replay to the game's position")
		}
	}
}

func TestGTPIllegalAndUndo(t *testing.T) {
	e := newEngine(t, 9, 9, board.Rules{Game: board.NoGo})
	s := gtp.NewServer(e)
	ctx := context.Background()
	for _, tc := range []struct{ cmd, want string }{
		{"play b E5", "= \n\n"},
		{"play w E5", "? illegal move\n\n"},
		{"play w pass", "? illegal move\n\n"},
		{"play w K10", "? illegal move\n\n"},
		{"genmove b", "? it is white's turn, not black's\n\n"},
		{"undo", "= \n\n"},
		{"undo", "? cannot undo: undo: no move to take back\n\n"},
		{"final_score", "? game not over\n\n"},
		{"rectangular_boardsize 7 3", "= \n\n"},
		{"boardsize 25", "? unacceptable size: board size 25x25: sides must be between 1 and 19\n\n"},
	} {
		got, _, _ := s.Execute(ctx, tc.cmd)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.cmd, got, tc.want)
		}
	}
	if e.b.Width() != 7 || e.b.Height() != 3 {
		t.Errorf("board %dx%d after rectangular_boardsize 7 3", e.b.Width(), e.b.Height())
	}
}

// FuzzGTP feeds arbitrary command streams to the real engine behind the
// GTP server: it must answer every command without panicking.
func FuzzGTP(f *testing.F) {
	for _, s := range []string{
		"boardsize 3\nplay b B2\ngenmove w\nundo\nundo\nundo\nshowboard\nfinal_score\n",
		"rectangular_boardsize 1 2\ngenmove b\ngenmove w\nfinal_score\nclear_board\n",
		"time_settings 1 0 0\ntime_left b 0 0\ngenmove b\nplay w A1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := New("trident", "fuzz", 3, 3, board.Rules{Game: board.AtariGo, AllowPass: true},
			mcts.Config{Threads: 1, Seed: 1}, mcts.Budget{Playouts: 20})
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := gtp.NewServer(e).Run(context.Background(), strings.NewReader(in), &out); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMoveBudget(t *testing.T) {
	e, err := New("t", "v", 9, 9, board.Rules{Game: board.NoGo}, mcts.Config{Threads: 1}, mcts.Budget{Time: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		clock  gtp.TimeSettings
		left   time.Duration
		stones int
		lo, hi time.Duration
	}{
		{gtp.TimeSettings{}, 0, 0, 5 * time.Second, 5 * time.Second},                                                               // no clock: own budget
		{gtp.TimeSettings{Byoyomi: time.Second, ByoyomiStones: 1}, time.Second, 1, 700 * time.Millisecond, 900 * time.Millisecond}, // arena's per-move limit
		{gtp.TimeSettings{Byoyomi: time.Second, ByoyomiStones: 1}, 0, 0, 700 * time.Millisecond, 900 * time.Millisecond},
		{gtp.TimeSettings{Byoyomi: time.Second, ByoyomiStones: 1}, time.Second, 0, 700 * time.Millisecond, 900 * time.Millisecond}, // no main time: byo-yomi even if time_left says 0 stones
		{gtp.TimeSettings{Main: 60 * time.Second}, 60 * time.Second, 0, 1 * time.Second, 3 * time.Second},
		{gtp.TimeSettings{Byoyomi: 10 * time.Second, ByoyomiStones: 5}, 10 * time.Second, 5, 1500 * time.Millisecond, 1700 * time.Millisecond},
	}
	for _, tc := range tests {
		e.ClearBoard()
		e.TimeSettings(tc.clock)
		if tc.left > 0 {
			e.TimeLeft(gtp.Black, tc.left, tc.stones)
		}
		got := e.moveBudget(board.Black).Time
		if got < tc.lo || got > tc.hi {
			t.Errorf("clock %+v, left %v/%d: budget %v, want %v..%v", tc.clock, tc.left, tc.stones, got, tc.lo, tc.hi)
		}
	}
}

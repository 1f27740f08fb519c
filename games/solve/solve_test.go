package solve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/trident-lab/trident/games/board"
)

// minimax is the reference: plain negamax over every legal move by the
// rules alone, memoised on the full position. It reports whether the
// player to move wins.
func minimax(b *board.Board, memo map[string]bool) bool {
	key := positionKey(b)
	if v, ok := memo[key]; ok {
		return v
	}
	win := false
	if b.Over() {
		win = b.Winner() == b.ToMove()
	} else {
		for _, m := range b.LegalMoves(nil) {
			if err := b.Play(m); err != nil {
				panic(err)
			}
			opp := minimax(b, memo)
			if err := b.Undo(); err != nil {
				panic(err)
			}
			if !opp {
				win = true
				break
			}
		}
	}
	memo[key] = win
	return win
}

func positionKey(b *board.Board) string {
	buf := make([]byte, 0, b.NumPoints()+4)
	for p := 0; p < b.NumPoints(); p++ {
		buf = append(buf, byte('0'+b.At(board.Point(p))))
	}
	ko, _ := b.Ko()
	return fmt.Sprintf("%s/%v/%d/%d/%d", buf, b.ToMove(), b.Captures(board.Black), b.Captures(board.White), ko)
}

// checkSolve solves b and compares with the reference, including that the
// reported winning move wins.
//
// NoGo positions are solved twice: as the solver runs, where the endgame
// search takes most of a small board, and with an endgame limit of 4 live
// points, so that the proof-number search and its knowledge see them too.
func checkSolve(t *testing.T, name string, b *board.Board, memo map[string]bool) {
	t.Helper()
	want := minimax(b, memo)
	limits := []int{0}
	if b.Rules().Game == board.NoGo {
		limits = append(limits, 4)
	}
	for _, live := range limits {
		res, err := Solve(context.Background(), b, Options{TTBits: 16, endgameLive: live})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		name := fmt.Sprintf("%s (endgame limit %d)", name, live)
		if res.Win != want {
			t.Fatalf("%s: solver says win=%v, minimax %v\n%s", name, res.Win, want, b)
		}
		if (res.Winner == b.ToMove()) != want {
			t.Fatalf("%s: winner %v inconsistent with win=%v", name, res.Winner, want)
		}
		if want {
			if err := b.Play(res.Move); err != nil {
				t.Fatalf("%s: winning move %s: %v", name, b.PointName(res.Move), err)
			}
			if minimax(b, memo) {
				t.Fatalf("%s: move %s does not win\n%s", name, b.PointName(res.Move), b)
			}
			_ = b.Undo()
		} else if res.Move != board.Pass {
			t.Fatalf("%s: losing position reports move %s", name, b.PointName(res.Move))
		}
	}
}

func TestEmptyBoardsAgainstMinimax(t *testing.T) {
	cases := []struct {
		w, h  int
		rules board.Rules
	}{
		{1, 1, board.Rules{Game: board.NoGo}},
		{1, 2, board.Rules{Game: board.NoGo}},
		{1, 5, board.Rules{Game: board.NoGo}},
		{2, 2, board.Rules{Game: board.NoGo}},
		{2, 3, board.Rules{Game: board.NoGo}},
		{3, 2, board.Rules{Game: board.NoGo}},
		{2, 4, board.Rules{Game: board.NoGo}},
		{3, 3, board.Rules{Game: board.NoGo}},
		{3, 4, board.Rules{Game: board.NoGo}},
		{2, 5, board.Rules{Game: board.NoGo}},
		{1, 1, board.Rules{Game: board.AtariGo}},
		{2, 2, board.Rules{Game: board.AtariGo}},
		{2, 3, board.Rules{Game: board.AtariGo}},
		{3, 3, board.Rules{Game: board.AtariGo}},
		{3, 4, board.Rules{Game: board.AtariGo}},
		{2, 3, board.Rules{Game: board.AtariGo, CaptureTarget: 2}},
		{3, 3, board.Rules{Game: board.AtariGo, CaptureTarget: 2}},
	}
	for _, tc := range cases {
		b, err := board.New(tc.w, tc.h, tc.rules)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%v %dx%d target %d", tc.rules.Game, tc.w, tc.h, tc.rules.CaptureTarget)
		checkSolve(t, name, b, map[string]bool{})
	}
}

// TestKnownValues checks the published NoGo results the solver must reproduce.
func TestKnownValues(t *testing.T) {
	for _, tc := range []struct {
		w, h   int
		winner board.Color
	}{
		{3, 3, board.Black},
		{4, 4, board.White},
	} {
		b, _ := board.New(tc.w, tc.h, board.Rules{Game: board.NoGo})
		res, err := Solve(context.Background(), b, Options{TTBits: 20})
		if err != nil {
			t.Fatal(err)
		}
		if res.Winner != tc.winner {
			t.Errorf("NoGo %dx%d: winner %v, want %v", tc.w, tc.h, res.Winner, tc.winner)
		}
	}
}

// TestMidGamePositions solves random positions of 4×4 boards of both
// games, where the reference is still quick.
func TestMidGamePositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, rules := range []board.Rules{{Game: board.NoGo}, {Game: board.AtariGo}, {Game: board.AtariGo, CaptureTarget: 2}} {
		memo := map[string]bool{}
		for i := 0; i < 12; i++ {
			b, _ := board.New(4, 4, rules)
			for j := 0; j < 5+rng.IntN(4) && !b.Over(); j++ {
				moves := b.LegalMoves(nil)
				_ = b.Play(moves[rng.IntN(len(moves))])
			}
			checkSolve(t, fmt.Sprintf("%v 4x4 game %d", rules.Game, i), b, memo)
		}
	}
}

func TestCancelAndProgress(t *testing.T) {
	b, _ := board.New(5, 5, board.Rules{Game: board.NoGo})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := 0
	start := time.Now()
	// The first progress report cancels the search, as Ctrl-C would.
	res, err := Solve(ctx, b, Options{TTBits: 16, ProgressEvery: time.Nanosecond, Progress: func(st Stats) {
		reports++
		if st.Nodes <= 0 {
			t.Errorf("progress with %d nodes", st.Nodes)
		}
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context canceled", err)
	}
	if reports != 1 || res.Nodes <= 0 {
		t.Fatalf("%d progress reports, %d nodes; want 1 report and the nodes so far", reports, res.Nodes)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancellation took %v", d)
	}
}

// TestCancelInEndgame cancels a search that the endgame search takes
// whole: it must notice within its polling interval.
func TestCancelInEndgame(t *testing.T) {
	b, _ := board.New(4, 4, board.Rules{Game: board.NoGo})
	for _, m := range []string{"A1", "D4"} {
		p, _ := b.ParsePoint(m)
		_ = b.Play(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := 0
	res, err := Solve(ctx, b, Options{TTBits: 16, endgameLive: 16, ProgressEvery: time.Nanosecond, Progress: func(Stats) {
		reports++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context canceled", err)
	}
	if reports != 1 || res.Nodes != 0 || res.EndgameNodes < pollEvery || res.EndgameNodes > 2*pollEvery {
		t.Fatalf("%d reports, %d nodes, %d endgame positions; want 1 report from the endgame search, after %d positions",
			reports, res.Nodes, res.EndgameNodes, pollEvery)
	}
}

func TestRejects(t *testing.T) {
	pass, _ := board.New(3, 3, board.Rules{Game: board.AtariGo, AllowPass: true})
	big, _ := board.New(9, 9, board.Rules{Game: board.NoGo})
	small, _ := board.New(3, 3, board.Rules{Game: board.NoGo})
	for name, tc := range map[string]struct {
		b   *board.Board
		opt Options
	}{
		"passing":  {pass, Options{}},
		"too big":  {big, Options{}},
		"tt bits":  {small, Options{TTBits: 40}},
		"tt small": {small, Options{TTBits: 2}},
	} {
		if _, err := Solve(context.Background(), tc.b, tc.opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSolveLeavesBoardAlone(t *testing.T) {
	b, _ := board.New(3, 3, board.Rules{Game: board.NoGo})
	p, _ := b.ParsePoint("B2")
	_ = b.Play(p)
	h := b.Hash()
	if _, err := Solve(context.Background(), b, Options{TTBits: 12}); err != nil {
		t.Fatal(err)
	}
	if b.Hash() != h || b.MoveCount() != 1 {
		t.Fatal("Solve changed its argument")
	}
}

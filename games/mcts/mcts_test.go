package mcts

import (
	"context"
	"testing"
	"time"

	"github.com/trident-lab/trident/games/board"
)

func position(t testing.TB, w, h int, rules board.Rules, moves ...string) *board.Board {
	t.Helper()
	b, err := board.New(w, h, rules)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range moves {
		p, err := b.ParsePoint(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Play(p); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestFindsImmediateWin(t *testing.T) {
	tests := []struct {
		name   string
		b      *board.Board
		wins   string
		noRAVE bool
	}{
		// White's C3 stone is in atari; capturing it wins Atari-Go.
		{"atari-go capture", position(t, 5, 5, board.Rules{Game: board.AtariGo},
			"C2", "C3", "B3", "E5", "D3", "E4"), "C4", false},
		{"atari-go capture, plain uct", position(t, 5, 5, board.Rules{Game: board.AtariGo},
			"C2", "C3", "B3", "E5", "D3", "E4"), "C4", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, _ := tc.b.ParsePoint(tc.wins)
			tree := New(tc.b, Config{Threads: 2, NoRAVE: tc.noRAVE, Seed: 1,
				Evaluator: Rollout{Knowledge: !tc.noRAVE}})
			res, err := tree.Search(context.Background(), Budget{Playouts: 3000})
			if err != nil {
				t.Fatal(err)
			}
			if res.Move != want || res.WinRate < 0.9 {
				t.Errorf("move %s win %.2f, want %s with a sure win", tc.b.PointName(res.Move), res.WinRate, tc.wins)
			}
		})
	}
}

// On a 1×3 NoGo board Black wins only by playing the middle point: then
// White has no legal move (either end would be suicide).
func TestNoGoOnlyWinningMove(t *testing.T) {
	b := position(t, 3, 1, board.Rules{Game: board.NoGo})
	for _, noRAVE := range []bool{false, true} {
		tree := New(b, Config{Threads: 1, NoRAVE: noRAVE, Seed: 3})
		res, err := tree.Search(context.Background(), Budget{Playouts: 500})
		if err != nil {
			t.Fatal(err)
		}
		if name := b.PointName(res.Move); name != "B1" || res.WinRate < 0.9 {
			t.Errorf("noRAVE=%v: move %s win %.2f, want B1 winning", noRAVE, name, res.WinRate)
		}
	}
}

func TestTreeReuseAndBudgets(t *testing.T) {
	b := position(t, 9, 9, board.Rules{Game: board.NoGo})
	tree := New(b, Config{Threads: 2, Seed: 5})
	res, err := tree.Search(context.Background(), Budget{Playouts: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Playouts != 2000 || !b.IsLegal(res.Move) || len(res.PV) == 0 {
		t.Fatalf("result %+v", res)
	}
	kept := 0
	for _, s := range tree.RootStats() {
		if s.Move == res.Move {
			kept = s.Visits
		}
	}
	if err := tree.Advance(res.Move); err != nil {
		t.Fatal(err)
	}
	res2, err := tree.Search(context.Background(), Budget{Playouts: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tree.nodes.Load(), countNodes(tree.root); got != want {
		t.Errorf("node count %d after the search, tree holds %d", got, want)
	}
	if res2.Reused != kept || kept == 0 {
		t.Errorf("reused %d visits, the child had %d", res2.Reused, kept)
	}
	if err := tree.Advance(board.Point(-5)); err == nil {
		t.Error("advance by an illegal move accepted")
	}
	// Time budgets and cancellation both stop the search.
	start := time.Now()
	if _, err := tree.Search(context.Background(), Budget{Time: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tree.Search(ctx, Budget{Time: time.Hour}); err == nil {
		t.Error("cancelled search returned no error")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("time-limited searches took %v", d)
	}
	if _, err := tree.Search(context.Background(), Budget{}); err == nil {
		t.Error("empty budget accepted")
	}
}

func TestFinishedGame(t *testing.T) {
	// On 1×2 NoGo after Black A1, White's only point B1 is suicide: White
	// to move has lost.
	b := position(t, 2, 1, board.Rules{Game: board.NoGo}, "A1")
	if !b.Over() {
		t.Fatal("position is not over")
	}
	tree := New(b, Config{Threads: 1, ResignBelow: 0.1})
	res, err := tree.Search(context.Background(), Budget{Playouts: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Move != board.Pass || res.WinRate != 0 {
		t.Errorf("finished game: %+v", res)
	}
}

func TestRolloutEndsWithLegalGame(t *testing.T) {
	for _, rules := range []board.Rules{{Game: board.NoGo}, {Game: board.AtariGo}, {Game: board.AtariGo, CaptureTarget: 3, AllowPass: true}} {
		for _, know := range []bool{false, true} {
			s := NewScratch(9)
			root := position(t, 7, 5, rules)
			for i := 0; i < 50; i++ {
				b := root.Clone()
				s.Moves = s.Moves[:0]
				v := Rollout{Knowledge: know}.Evaluate(b, s)
				// Replaying the recorded moves on a fresh board must
				// reach the same end.
				r := root.Clone()
				for _, p := range s.Moves {
					if err := r.Play(p); err != nil {
						t.Fatalf("%+v: recorded move %s illegal: %v", rules, r.PointName(p), err)
					}
				}
				if v != 0.5 && !r.Over() {
					t.Fatalf("%+v: rollout ended with value %v but the game is not over", rules, v)
				}
				if v != 0.5 && outcome(root.ToMove(), r.Winner()) != v {
					t.Fatalf("%+v: value %v, winner %v", rules, v, r.Winner())
				}
			}
		}
	}
}

func TestPlayGame(t *testing.T) {
	start := position(t, 5, 5, board.Rules{Game: board.NoGo})
	w, n, err := PlayGame(context.Background(), start, Config{Threads: 1, Seed: 1},
		Config{Threads: 1, NoRAVE: true, Evaluator: Rollout{}, Seed: 2}, Budget{Playouts: 200})
	if err != nil {
		t.Fatal(err)
	}
	if w == board.Empty || n < 3 || n > 25 {
		t.Errorf("winner %v after %d moves", w, n)
	}
}

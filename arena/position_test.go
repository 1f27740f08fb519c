package arena

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/sgf"
)

func TestBoardPosition(t *testing.T) {
	tests := []struct {
		game   string
		w, h   int
		moves  []string
		winner gtp.Color
		how    string
		bad    string // a move that must be refused after moves
	}{
		// NoGo 2×1: after A1, White's only point would capture: no legal move.
		{"nogo", 2, 1, []string{"A1"}, gtp.Black, "white has no legal move", ""},
		// Atari-Go 2×2: White's A2 takes the last liberty of A1-B1.
		{"atarigo", 2, 2, []string{"A1", "B2", "B1", "A2"}, gtp.White, "white captured 2 stone(s)", ""},
		{"nogo", 3, 3, []string{"A1"}, 0, "", "A1"},
		{"nogo", 3, 3, []string{"A1"}, 0, "", "D1"},
		{"nogo", 3, 3, nil, 0, "", "pass"},
		// Atari-Go with passing: two passes in a row and equal captures draw.
		{"atarigo+pass", 3, 3, []string{"A1", "C3", "pass", "pass"}, 0, "drawn: two passes with equal captures", ""},
		// First to capture 2: Black's A2 captures A1 and the game goes on.
		{"atarigo+2", 3, 3, []string{"B1", "A1", "A2"}, 0, "", "B1"},
	}
	for _, tc := range tests {
		cond := Conditions{Game: tc.game, Width: tc.w, Height: tc.h}
		switch tc.game {
		case "atarigo+pass":
			cond.Game, cond.AllowPass = "atarigo", true
		case "atarigo+2":
			cond.Game, cond.CaptureTarget = "atarigo", 2
		}
		pos, err := newPosition(cond)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tc.moves {
			m, err := gtp.ParseMove(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := pos.Play(pos.ToMove(), m); err != nil {
				t.Fatalf("%s %v: %s refused: %v", tc.game, tc.moves, s, err)
			}
		}
		if tc.bad != "" {
			if over, _, _ := pos.Outcome(); over {
				t.Errorf("%s after %v: game over", tc.game, tc.moves)
			}
			m, _ := gtp.ParseMove(tc.bad)
			if err := pos.Play(pos.ToMove(), m); err == nil {
				t.Errorf("%s after %v: %s accepted", tc.game, tc.moves, tc.bad)
			}
			if err := pos.Play(pos.ToMove().Opponent(), gtp.Move{X: 1, Y: 1}); err == nil {
				t.Errorf("%s: a move out of turn accepted", tc.game)
			}
			continue
		}
		over, winner, how := pos.Outcome()
		if !over || winner != tc.winner || how != tc.how {
			t.Errorf("%s %v: over %v winner %v %q; want %v %q", tc.game, tc.moves, over, winner, how, tc.winner, tc.how)
		}
	}
}

// TestRefereedRandomGames plays random engines against each other under
// Trident's rules and replays every saved game to check it.
func TestRefereedRandomGames(t *testing.T) {
	for _, game := range []string{"nogo", "atarigo"} {
		mode := map[string]string{"nogo": "random", "atarigo": "random-atarigo"}[game]
		cfg := runConfig(t, fakeSpec(t, "r1", mode), fakeSpec(t, "r2", mode), 4)
		cfg.rules = nil
		cfg.Conditions = Conditions{Game: game, Width: 5, Height: 5, HangTimeout: 10 * time.Second}
		rep, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Games != 4 || rep.Forfeits != 0 {
			t.Fatalf("%s: %d games, %d forfeits", game, rep.Games, rep.Forfeits)
		}
		for _, r := range rep.Records {
			data, err := os.ReadFile(filepath.Join(cfg.OutDir, r.SGF))
			if err != nil {
				t.Fatal(err)
			}
			g, err := sgf.ReadGame(data)
			if err != nil {
				t.Fatal(err)
			}
			rules := board.Rules{Game: board.NoGo}
			if game == "atarigo" {
				rules.Game = board.AtariGo
			}
			b, _ := board.New(5, 5, rules)
			for _, m := range g.Moves {
				p, err := b.Point(m.At.X, 4-m.At.Y)
				if err == nil {
					err = b.Play(p)
				}
				if err != nil {
					t.Fatalf("%s: replaying %s: %v", r.ID, r.SGF, err)
				}
			}
			want := map[board.Color]string{board.Black: "B+", board.White: "W+"}[b.Winner()]
			if !b.Over() || g.Result != want || r.Moves != len(g.Moves) {
				t.Errorf("%s: replay over %v winner %v, record %q (%s)", r.ID, b.Over(), b.Winner(), g.Result, r.Reason)
			}
			if game == "atarigo" && !strings.Contains(r.Reason, "captured") && !strings.Contains(r.Reason, "no legal move") {
				t.Errorf("%s: reason %q", r.ID, r.Reason)
			}
		}
	}
}

// TestTridentMatch plays Trident's engine with 400 playouts a move against
// itself with 4, on 7×7 NoGo under the real referee: the stronger must
// come out ahead.
func TestTridentMatch(t *testing.T) {
	cfg := runConfig(t, fakeSpec(t, "p400", "trident-400"), fakeSpec(t, "p4", "trident-4"), 8)
	cfg.rules = nil
	cfg.Conditions = Conditions{Game: "nogo", Width: 7, Height: 7, HangTimeout: 30 * time.Second}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Games != 8 || rep.Forfeits != 0 {
		t.Fatalf("%d games, %d forfeits: %+v", rep.Games, rep.Forfeits, rep.Records)
	}
	h := rep.HeadToHead[0]
	if h.A != "p400" || h.WDL.Wins <= h.WDL.Losses || rep.Standings[0].Name != "p400" {
		t.Errorf("p400 against p4: %s, standings %+v", h.WDL, rep.Standings)
	}
	t.Logf("p400 vs p4: %s, Elo %+.0f ± %.0f", h.WDL, h.Elo, h.EloError)
}

func TestOpenings(t *testing.T) {
	cond := Conditions{Game: "nogo", Width: 7, Height: 7, OpeningMoves: 4}
	first := map[string][]gtp.Move{}
	distinct := map[string]bool{}
	for _, g := range roundGames(1, []pairing{{0, 1}}, 20) {
		o, err := openingFor(cond, newPosition, g)
		if err != nil {
			t.Fatal(err)
		}
		if len(o) != 4 {
			t.Fatalf("game %s: opening %v, want 4 moves", g.ID, o)
		}
		pos, _ := newPosition(cond)
		for _, m := range o {
			if err := pos.Play(pos.ToMove(), m); err != nil {
				t.Fatalf("game %s: opening %v: %v", g.ID, o, err)
			}
		}
		key := fmt.Sprint(g.Index / 2)
		if prev, ok := first[key]; ok && fmt.Sprint(prev) != fmt.Sprint(o) {
			t.Errorf("pair %s: openings %v and %v differ", key, prev, o)
		}
		first[key] = o
		distinct[fmt.Sprint(o)] = true
	}
	if len(distinct) < 8 {
		t.Errorf("only %d different openings for 10 pairs", len(distinct))
	}
	// An opening never ends the game: on 2×1 NoGo the first move already
	// leaves White without a move, so the opening is empty.
	o, err := openingFor(Conditions{Game: "nogo", Width: 2, Height: 1, OpeningMoves: 1}, newPosition, scheduled{})
	if err != nil || len(o) != 0 {
		t.Errorf("2x1 opening %v, %v", o, err)
	}
}

// TestOpeningsInGames checks that a run with openings starts both games of
// each pair from the same moves and records them in the SGF.
func TestOpeningsInGames(t *testing.T) {
	cfg := runConfig(t, fakeSpec(t, "a", "random"), fakeSpec(t, "b", "random"), 4)
	cfg.rules = nil
	cfg.Conditions = Conditions{Game: "nogo", Width: 5, Height: 5, HangTimeout: 10 * time.Second, OpeningMoves: 3}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	starts := map[int]string{}
	for _, r := range rep.Records {
		data, err := os.ReadFile(filepath.Join(cfg.OutDir, r.SGF))
		if err != nil {
			t.Fatal(err)
		}
		g, err := sgf.ReadGame(data)
		if err != nil || len(g.Moves) < 3 {
			t.Fatalf("%s: %v, %d moves", r.ID, err, len(g.Moves))
		}
		s := fmt.Sprint(g.Moves[:3])
		if prev, ok := starts[r.Index/2]; ok && prev != s {
			t.Errorf("pair %d starts %s and %s", r.Index/2, prev, s)
		}
		starts[r.Index/2] = s
	}
}

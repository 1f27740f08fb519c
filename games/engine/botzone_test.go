package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/botzone"
)

func TestBotzoneTurns(t *testing.T) {
	tests := []struct {
		name, in string
		keep     bool
		answers  int
	}{
		{"json first", `{"requests":[{"x":-1,"y":-1}],"responses":[]}` + "\n", false, 1},
		{"json later", `{"requests":[{"x":-1,"y":-1},{"x":0,"y":0}],"responses":[{"x":4,"y":4}]}` + "\n", false, 1},
		{"simple", "2\n0 0\n4 4\n8 8\n", false, 1},
		{"json keep running", `{"requests":[{"x":4,"y":4}],"responses":[]}` + "\n" + `{"x":0,"y":0}` + "\n" + `{"x":8,"y":0}` + "\n", true, 3},
		{"simple keep running", "1\n4 4\n0 0\n", true, 2},
	}
	for _, tc := range tests {
		e := newEngine(t, 9, 9, board.Rules{Game: board.NoGo})
		var out strings.Builder
		err := botzone.Run(context.Background(), strings.NewReader(tc.in), &out, NewBotzonePlayer(e), tc.keep)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		answers := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "{") {
				var r struct {
					Response botzone.Move `json:"response"`
				}
				if err := json.Unmarshal([]byte(l), &r); err != nil {
					t.Fatalf("%s: %q: %v", tc.name, l, err)
				}
				answers++
			} else if _, err := botzone.ParseMoveSimple(l); err == nil {
				answers++
			}
		}
		if answers != tc.answers {
			t.Errorf("%s: %d answers, want %d:\n%s", tc.name, answers, tc.answers, out.String())
		}
		if tc.keep && strings.Count(out.String(), botzone.KeepRunning) != tc.answers {
			t.Errorf("%s: keep-running marker missing:\n%s", tc.name, out.String())
		}
		// Every move in the game was legal: the engine's board holds
		// one stone per request and response played.
		empty := e.b.Stones(board.Empty)
		if n := 81 - empty.Count(); n < tc.answers {
			t.Errorf("%s: %d stones on the board", tc.name, n)
		}
	}
}

func TestBotzoneBadInput(t *testing.T) {
	for _, in := range []string{
		`{"requests":[{"x":9,"y":0}],"responses":[]}`,                              // off board
		`{"requests":[{"x":-1,"y":-1},{"x":4,"y":4}],"responses":[{"x":4,"y":4}]}`, // occupied
		"garbage",
		"",
	} {
		e := newEngine(t, 9, 9, board.Rules{Game: board.NoGo})
		var out strings.Builder
		if err := botzone.Run(context.Background(), strings.NewReader(in), &out, NewBotzonePlayer(e), false); err == nil {
			t.Errorf("%q: no error; wrote %q", in, out.String())
		}
	}
}

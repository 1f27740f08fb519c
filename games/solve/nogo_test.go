package solve

import (
	"testing"

	"github.com/trident-lab/trident/games/board"
)

func TestReservesCount(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		black, white []string
		// reserve and ceiling of Black, then of White
		want [4]int
	}{
		// A cross: four black eyes in one closed component.
		{"cross", 3, 3, []string{"B1", "A2", "B2", "C2", "B3"}, nil, [4]int{3, 3, 0, 0}},
		// Black wall on column B with eyes A1 and A3, open to the right.
		{"wall", 4, 3, []string{"B1", "B2", "B3", "A2"}, []string{"D2"}, [4]int{1, 7, 0, 5}},
		{"empty", 3, 3, nil, nil, [4]int{0, 9, 0, 9}},
	}
	for _, tc := range tests {
		b, _ := board.New(tc.w, tc.h, board.Rules{Game: board.NoGo})
		for c, list := range map[board.Color][]string{board.Black: tc.black, board.White: tc.white} {
			for _, m := range list {
				p, _ := b.ParsePoint(m)
				if err := b.PlayAs(c, p); err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
			}
		}
		r := newReserves(b)
		gb, ub := r.count(b, board.Black)
		gw, uw := r.count(b, board.White)
		if got := [4]int{gb, ub, gw, uw}; got != tc.want {
			t.Errorf("%s: reserves/ceilings %v, want %v\n%s", tc.name, got, tc.want, b)
		}
	}
}

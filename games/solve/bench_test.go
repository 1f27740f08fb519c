package solve

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// benchSolve solves an empty board per op and reports proof-number nodes
// and NoGo endgame positions per op, and proof-number nodes per second.
func benchSolve(b *testing.B, w, h int, rules board.Rules) {
	var nodes, endgame int64
	for b.Loop() {
		bd, err := board.New(w, h, rules)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Solve(context.Background(), bd, Options{})
		if err != nil {
			b.Fatal(err)
		}
		nodes += res.Nodes
		endgame += res.EndgameNodes
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
	b.ReportMetric(float64(endgame)/float64(b.N), "endgame/op")
	b.ReportMetric(float64(nodes)/b.Elapsed().Seconds(), "nodes/s")
}

func BenchmarkSolveNoGo3x4(b *testing.B)    { benchSolve(b, 3, 4, board.Rules{Game: board.NoGo}) }
func BenchmarkSolveNoGo4x4(b *testing.B)    { benchSolve(b, 4, 4, board.Rules{Game: board.NoGo}) }
func BenchmarkSolveNoGo3x5(b *testing.B)    { benchSolve(b, 3, 5, board.Rules{Game: board.NoGo}) }
func BenchmarkSolveNoGo2x7(b *testing.B)    { benchSolve(b, 2, 7, board.Rules{Game: board.NoGo}) }
func BenchmarkSolveNoGo3x6(b *testing.B)    { benchSolve(b, 3, 6, board.Rules{Game: board.NoGo}) }
func BenchmarkSolveAtariGo4x4(b *testing.B) { benchSolve(b, 4, 4, board.Rules{Game: board.AtariGo}) }

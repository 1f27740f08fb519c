package mcts

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/internal/cputime"
)

// benchSearch reports simulations per second of a search from the empty
// 9×9 board; each op is one search of 20,000 playouts.
func benchSearch(b *testing.B, rules board.Rules, threads int, cfg Config) {
	start, err := board.New(9, 9, rules)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Threads = threads
	sims := 0
	cpu0 := cputime.Process()
	for b.Loop() {
		tree := New(start, cfg)
		res, err := tree.Search(context.Background(), Budget{Playouts: 20000})
		if err != nil {
			b.Fatal(err)
		}
		sims += res.Playouts
	}
	b.ReportMetric(float64(sims)/b.Elapsed().Seconds(), "sims/s")
	// On a shared machine wall time counts the wait for a core; CPU time
	// counts only the work, so the per-core rate is sims per CPU-second.
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(sims)/cpu.Seconds(), "sims/CPU-s")
	}
}

func BenchmarkSearchNoGo9x9OneThread(b *testing.B) {
	benchSearch(b, board.Rules{Game: board.NoGo}, 1, Config{})
}
func BenchmarkSearchNoGo9x9AllThreads(b *testing.B) {
	benchSearch(b, board.Rules{Game: board.NoGo}, 0, Config{})
}
func BenchmarkSearchAtariGo9x9OneThread(b *testing.B) {
	benchSearch(b, board.Rules{Game: board.AtariGo}, 1, Config{})
}
func BenchmarkSearchAtariGo9x9AllThreads(b *testing.B) {
	benchSearch(b, board.Rules{Game: board.AtariGo}, 0, Config{})
}
func BenchmarkSearchNoGo9x9PureUCTOneThread(b *testing.B) {
	benchSearch(b, board.Rules{Game: board.NoGo}, 1, Config{NoRAVE: true, Evaluator: Rollout{}})
}

// BenchmarkRolloutNoGo9x9 is one knowledge rollout from the empty board.
func BenchmarkRolloutNoGo9x9(b *testing.B) {
	root, _ := board.New(9, 9, board.Rules{Game: board.NoGo})
	s := NewScratch(1)
	var bd board.Board
	for b.Loop() {
		bd.CopyFrom(root)
		s.Moves = s.Moves[:0]
		Rollout{Knowledge: true}.Evaluate(&bd, s)
	}
}

func BenchmarkRolloutRandomNoGo9x9(b *testing.B) {
	root, _ := board.New(9, 9, board.Rules{Game: board.NoGo})
	s := NewScratch(1)
	var bd board.Board
	for b.Loop() {
		bd.CopyFrom(root)
		s.Moves = s.Moves[:0]
		Rollout{}.Evaluate(&bd, s)
	}
}

// BenchmarkRolloutNoGo9x9FromCopy is the search's own rollout path: the
// empty board loaded into a Playout once, copied and played out with
// knowledge on every op. CPU-ns/op is the per-core cost on a shared
// machine.
func BenchmarkRolloutNoGo9x9FromCopy(b *testing.B) {
	root, err := board.New(9, 9, board.Rules{Game: board.NoGo})
	if err != nil {
		b.Fatal(err)
	}
	var po board.Playout
	if err := po.Load(root); err != nil {
		b.Fatal(err)
	}
	s := NewScratch(1)
	cpu0 := cputime.Process()
	for b.Loop() {
		s.po.CopyFrom(&po)
		s.Moves = s.Moves[:0]
		Rollout{Knowledge: true}.evaluateNoGo(s)
	}
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "CPU-ns/op")
	}
}

package board

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// midGame returns a 9×9 position after n random moves.
func midGame(b *testing.B, rules Rules, n int) *Board {
	bd, err := New(9, 9, rules)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var buf []Point
	for i := 0; i < n && !bd.Over(); i++ {
		buf = bd.LegalMoves(buf[:0])
		if err := bd.Play(buf[rng.IntN(len(buf))]); err != nil {
			b.Fatal(err)
		}
	}
	return bd
}

func BenchmarkLegalMovesNoGo9x9(b *testing.B) {
	bd := midGame(b, Rules{Game: NoGo}, 30)
	buf := make([]Point, 0, 81)
	for b.Loop() {
		buf = bd.LegalMoves(buf[:0])
	}
}

func BenchmarkIsLegalNoGo9x9(b *testing.B) {
	bd := midGame(b, Rules{Game: NoGo}, 30)
	n := Point(bd.NumPoints())
	p := Point(0)
	for b.Loop() {
		bd.IsLegal(p)
		if p++; p == n {
			p = 0
		}
	}
}

func BenchmarkPlayUndoNoGo9x9(b *testing.B) {
	bd := midGame(b, Rules{Game: NoGo}, 30)
	moves := bd.LegalMoves(nil)
	i := 0
	for b.Loop() {
		if err := bd.Play(moves[i]); err != nil {
			b.Fatal(err)
		}
		if err := bd.Undo(); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(moves) {
			i = 0
		}
	}
}

// benchPlayouts plays uniformly random games from the empty 9×9 board; the
// per-op time is one whole game.
func benchPlayouts(b *testing.B, rules Rules) {
	root, err := New(9, 9, rules)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var bd Board
	buf := make([]Point, 0, 82)
	moves := 0
	for b.Loop() {
		bd.CopyFrom(root)
		for {
			buf = bd.LegalMoves(buf[:0])
			if len(buf) == 0 {
				break
			}
			if err := bd.Play(buf[rng.IntN(len(buf))]); err != nil {
				b.Fatal(err)
			}
			moves++
		}
	}
	b.ReportMetric(float64(moves)/float64(b.N), "moves/game")
}

func BenchmarkPlayoutNoGo9x9(b *testing.B) { benchPlayouts(b, Rules{Game: NoGo}) }

// BenchmarkPlayoutBoardNoGo9x9 is BenchmarkPlayoutNoGo9x9 on a Playout
// position: the same uniformly random games, drawn from its legal sets.
func BenchmarkPlayoutBoardNoGo9x9(b *testing.B) {
	root, err := New(9, 9, Rules{Game: NoGo})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var po Playout
	buf := make([]Point, 0, 81)
	moves := 0
	for b.Loop() {
		if err := po.Load(root); err != nil {
			b.Fatal(err)
		}
		for {
			set := po.LegalSet(po.ToMove())
			buf = set.AppendPoints(buf[:0])
			if len(buf) == 0 {
				break
			}
			if err := po.Play(buf[rng.IntN(len(buf))]); err != nil {
				b.Fatal(err)
			}
			moves++
		}
	}
	b.ReportMetric(float64(moves)/float64(b.N), "moves/game")
}
func BenchmarkPlayoutAtariGo9x9(b *testing.B) { benchPlayouts(b, Rules{Game: AtariGo}) }

func BenchmarkCopyFrom9x9(b *testing.B) {
	src := midGame(b, Rules{Game: NoGo}, 30)
	var dst Board
	for b.Loop() {
		dst.CopyFrom(src)
	}
}

// legalByPoints is the point-by-point generator legalSet replaced, kept
// to measure the bitboard version against.
func (b *Board) legalByPoints(c Color, dst []Point) []Point {
	for i, w := range b.stones[Empty] {
		for w != 0 {
			p := Point(i*64 + trailingZeros(w))
			w &= w - 1
			if b.legal(c, p) {
				dst = append(dst, p)
			}
		}
	}
	return dst
}

func BenchmarkLegalByPointsNoGo9x9(b *testing.B) {
	bd := midGame(b, Rules{Game: NoGo}, 30)
	buf := make([]Point, 0, 81)
	for b.Loop() {
		buf = bd.legalByPoints(bd.ToMove(), buf[:0])
	}
}

func TestLegalByPointsAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, rules := range testRules {
		bd, _ := New(9, 9, rules)
		for !bd.Over() && bd.MoveCount() < 150 {
			moves := bd.LegalMoves(nil)
			want := bd.legalByPoints(bd.ToMove(), nil)
			if bd.rules.AllowPass {
				want = append(want, Pass)
			}
			if !slices.Equal(moves, want) {
				t.Fatalf("%v: bitboard %v, by points %v", rules, moves, want)
			}
			_ = bd.Play(moves[rng.IntN(len(moves))])
		}
	}
}

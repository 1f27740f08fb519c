package balance

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkCombine measures one Combine call of each gradient method —
// Gram matrix, coefficient solve and weighted sum — for T tasks and
// P = 100k shared parameters: the cost a training step pays on top of the
// per-task backward passes.
func BenchmarkCombine(b *testing.B) {
	const P = 100_000
	methods := []string{"pcgrad", "mgda", "cagrad", "nash", "imtl", "aligned", "pmtl", "epo"}
	for _, T := range []int{2, 3, 8} {
		grads := randomGrads(rand.New(rand.NewPCG(1, uint64(T))), T, P)
		prefs, err := Preferences(T, 5)
		if err != nil {
			b.Fatal(err)
		}
		losses := make([]float64, T)
		for i := range losses {
			losses[i] = 1 + float64(i)
		}
		// The floor every method pays: the Gram matrix and the weighted sum.
		b.Run(fmt.Sprintf("gram+sum/T=%d", T), func(b *testing.B) {
			out := make([]float32, P)
			c := make([]float64, T)
			for i := range c {
				c[i] = 1
			}
			b.SetBytes(int64(4 * T * P))
			for b.Loop() {
				gramMatrix(grads)
				combine(out, grads, c)
			}
		})
		for _, name := range methods {
			b.Run(fmt.Sprintf("%s/T=%d", name, T), func(b *testing.B) {
				m, err := New(name, Config{Tasks: T, Seed: 1, Preferences: prefs, Preference: 2})
				if err != nil {
					b.Fatal(err)
				}
				s := &Step{Losses: losses, Grads: grads}
				b.SetBytes(int64(4 * T * P))
				for i := 0; b.Loop(); i++ {
					s.Index = i
					if err := m.Combine(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSolve measures only the method-specific part of Combine: the
// coefficient rule on a precomputed T×T Gram matrix, which does not depend
// on the number of parameters.
func BenchmarkSolve(b *testing.B) {
	methods := []string{"pcgrad", "mgda", "cagrad", "nash", "imtl", "aligned", "pmtl", "epo"}
	for _, T := range []int{2, 3, 8} {
		grads := randomGrads(rand.New(rand.NewPCG(1, uint64(T))), T, 1000)
		gram := gramMatrix(grads)
		prefs, err := Preferences(T, 5)
		if err != nil {
			b.Fatal(err)
		}
		losses := make([]float64, T)
		for i := range losses {
			losses[i] = 1 + float64(i)
		}
		for _, name := range methods {
			b.Run(fmt.Sprintf("%s/T=%d", name, T), func(b *testing.B) {
				m, err := New(name, Config{Tasks: T, Seed: 1, Preferences: prefs, Preference: 2})
				if err != nil {
					b.Fatal(err)
				}
				var rule coefficients
				switch v := m.(type) {
				case *gradMethod:
					rule = v.rule
				case *paretoMTL:
					rule = v.rule
				default:
					b.Fatalf("%s: %T is not a gradient method", name, m)
				}
				s := &Step{Losses: losses}
				for i := 0; b.Loop(); i++ {
					s.Index = i
					if _, err := rule.coef(gram, s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

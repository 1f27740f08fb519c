package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// benchSizes are the square sizes of the sgemm row of `trident bench nn`.
var benchSizes = []int{64, 256, 512, 1024}

func randomSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}

// benchSquare times f on n×n operands and reports GFLOP/s (2n³ flops per
// product).
func benchSquare(b *testing.B, n int, f func(a, bm, c []float32)) {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	a, bm, c := randomSlice(rng, n*n), randomSlice(rng, n*n), make([]float32, n*n)
	f(a, bm, c) // warm the buffer pool
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f(a, bm, c)
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm measures Sgemm (kernel chosen for this CPU) and the
// portable kernel with the same blocking, both on all GOMAXPROCS threads.
func BenchmarkSgemm(b *testing.B) {
	pure := defaultConfig
	pure.kernel = kernelGeneric
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchSquare(b, n, func(a, bm, c []float32) {
				Sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
			})
		})
		b.Run(fmt.Sprintf("purego/n=%d", n), func(b *testing.B) {
			benchSquare(b, n, func(a, bm, c []float32) {
				pure.sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
			})
		})
	}
}

// BenchmarkSgemmTransposed covers the packing paths for transposed operands,
// which nn's backward pass uses.
func BenchmarkSgemmTransposed(b *testing.B) {
	const n = 512
	for _, tr := range []struct{ a, b bool }{{true, false}, {false, true}, {true, true}} {
		b.Run(fmt.Sprintf("tA=%v/tB=%v/n=%d", tr.a, tr.b, n), func(b *testing.B) {
			benchSquare(b, n, func(a, bm, c []float32) {
				Sgemm(tr.a, tr.b, n, n, n, 1, a, n, bm, n, 0, c, n)
			})
		})
	}
}

// BenchmarkGonumSgemm is the pure-Go peer: gonum's native Sgemm, which also
// runs on GOMAXPROCS goroutines.
func BenchmarkGonumSgemm(b *testing.B) {
	impl := gonumblas.Implementation{}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchSquare(b, n, func(a, bm, c []float32) {
				impl.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bm, n, 0, c, n)
			})
		})
	}
}

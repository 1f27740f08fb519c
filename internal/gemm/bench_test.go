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

// BenchmarkSgemm measures Sgemm (the kernel chosen for this CPU) on all
// GOMAXPROCS threads.
func BenchmarkSgemm(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchSquare(b, n, func(a, bm, c []float32) {
				Sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
			})
		})
	}
}

// BenchmarkSgemmPurego measures the portable Go kernel with the same
// blocking and threads, as used on CPUs without AVX2/FMA.
func BenchmarkSgemmPurego(b *testing.B) {
	pure := defaultConfig
	pure.kernel = kernelGeneric
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
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

// BenchmarkSgemmNN times shapes that the nn workloads of `trident bench nn`
// produce, named m×n×k with T marking a transposed operand.
func BenchmarkSgemmNN(b *testing.B) {
	shapes := []struct {
		name           string
		transA, transB bool
		m, n, k        int
	}{
		// MMoE expert Dense(512→128), batch 1024: forward x·Wᵀ, then the
		// weight gradient dyᵀ·x and the input gradient dy·W.
		{"mmoe-fwd/1024x128x512/BT", false, true, 1024, 128, 512},
		{"mmoe-dW/128x512x1024/AT", true, false, 128, 512, 1024},
		{"mmoe-dX/1024x512x128", false, false, 1024, 512, 128},
		// ESPCN conv3×3(64→32) on one 64×64 patch as im2col: W·cols.
		{"espcn-conv2/32x4096x576", false, false, 32, 4096, 576},
		// Game net conv3×3(64→64) on a 9×9 board, batch 1.
		{"go-conv/64x81x576", false, false, 64, 81, 576},
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			a := randomSlice(rng, s.m*s.k)
			bm := randomSlice(rng, s.k*s.n)
			c := make([]float32, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

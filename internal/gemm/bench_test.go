package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

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
// product) over the whole run and, as best-GFLOP/s, of the fastest single
// call: on a shared machine the mean carries every wait for a core, the
// fastest call is the closest to an unloaded one. (Timing each call adds
// two clock reads, under 1% of an n = 64 product.)
func benchSquare(b *testing.B, n int, f func(a, bm, c []float32)) {
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	a, bm, c := randomSlice(rng, n*n), randomSlice(rng, n*n), make([]float32, n*n)
	f(a, bm, c) // warm the buffer pool
	flops := 2 * float64(n) * float64(n) * float64(n)
	best := time.Duration(math.MaxInt64)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		f(a, bm, c)
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flops/best.Seconds()/1e9, "best-GFLOP/s")
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

// BenchmarkSgemmKernel measures each micro-kernel this CPU runs (AVX-512,
// AVX2, portable Go) with its production blocking and the same threads.
func BenchmarkSgemmKernel(b *testing.B) {
	for _, k := range kernels() {
		cfg := newConfig(k)
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
				benchSquare(b, n, func(a, bm, c []float32) {
					cfg.sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
				})
			})
		}
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

// BenchmarkSgemmPacked compares Sgemm with SgemmPacked on the game net's
// conv3×3(64→64) at batch 1 laid out as im2col·Wᵀ: C (81 positions × 64
// channels) = cols (81×576) · Wᵀ, W stored 64×576. SgemmPacked reuses W
// packed once, as an inference loop would.
func BenchmarkSgemmPacked(b *testing.B) {
	const m, n, k = 81, 64, 576
	rng := rand.New(rand.NewPCG(1, 2))
	cols, w, c := randomSlice(rng, m*k), randomSlice(rng, n*k), make([]float32, m*n)
	flops := 2 * float64(m*n*k)
	b.Run("Sgemm", func(b *testing.B) {
		Sgemm(false, true, m, n, k, 1, cols, k, w, k, 0, c, n)
		b.ReportAllocs()
		for b.Loop() {
			Sgemm(false, true, m, n, k, 1, cols, k, w, k, 0, c, n)
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("SgemmPacked", func(b *testing.B) {
		pw := PackB(true, k, n, w, k)
		SgemmPacked(false, m, 1, cols, k, pw, 0, c, n)
		b.ReportAllocs()
		for b.Loop() {
			SgemmPacked(false, m, 1, cols, k, pw, 0, c, n)
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

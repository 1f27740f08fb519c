package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSmallGemm compares the loop product used for tiny sizes with a
// float64 definition, for every transpose combination, padded leading
// dimensions, alpha and beta.
func TestSmallGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, sz := range [][3]int{{1, 64, 8}, {1, 8, 64}, {8, 64, 1}, {3, 5, 7}, {16, 16, 16}, {2, 300, 3}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, 1}, {-2, 0.25}} {
				ar, ac := m, k
				if tr[0] {
					ar, ac = k, m
				}
				br, bc := k, n
				if tr[1] {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+1, bc+2, n+3
				a := randTensor(rng, -1, 1, ar*lda).Data
				b := randTensor(rng, -1, 1, br*ldb).Data
				c := randTensor(rng, -1, 1, m*ldc).Data
				want := make([]float64, len(c))
				for i := range c {
					want[i] = float64(c[i])
				}
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						var s float64
						for p := 0; p < k; p++ {
							ai, bi := i*lda+p, p*ldb+j
							if tr[0] {
								ai = p*lda + i
							}
							if tr[1] {
								bi = j*ldb + p
							}
							av, bv := a[ai], b[bi]
							s += float64(av) * float64(bv)
						}
						want[i*ldc+j] = float64(ab[0])*s + float64(ab[1])*want[i*ldc+j]
					}
				}
				smallGemm(tr[0], tr[1], m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
				if msg := closeTo(c, want, 1e-5); msg != "" {
					t.Errorf("%s: %s", fmt.Sprint(sz, tr, ab), msg)
				}
			}
		}
	}
}

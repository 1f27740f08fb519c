package nn

import "github.com/trident-lab/trident/internal/gemm"

// sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// with op(X) = Xᵀ when the trans flag is set; op(A) is m×k, op(B) is k×n.
// beta == 0 overwrites C. Every matrix product in nn goes through it.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

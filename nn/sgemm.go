package nn

import "github.com/trident-lab/trident/internal/gemm"

// tinyProduct is the size m·n·k up to which sgemm multiplies with plain
// loops: below it, packing panels for the assembly kernel costs more than
// the product (the per-sample gate mixing of an MMoE is 1×8·8×64).
const tinyProduct = 4096

// sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// with op(X) = Xᵀ when the trans flag is set; op(A) is m×k, op(B) is k×n.
// beta == 0 overwrites C. Every matrix product in nn goes through it.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m*n*k <= tinyProduct && m > 0 && n > 0 {
		smallGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// smallGemm is sgemm by direct loops, for tiny products. Each row of C is
// accumulated in a row-sized buffer as a sum of the rows of op(B) scaled by
// the row's entries of op(A) (with transB, op(B)'s rows are columns of B).
func smallGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if transB && !transA {
		// Rows of A against rows of B: contiguous dot products, where the
		// row-update form below would stride through B.
		for i := 0; i < m; i++ {
			ar := a[i*lda : i*lda+k]
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				v := alpha * dot32(ar, b[j*ldb:j*ldb+k])
				if beta != 0 {
					v += beta * row[j]
				}
				row[j] = v
			}
		}
		return
	}
	// With alpha 1 and either beta 0 or a single term to add, summing
	// straight into C gives the same result as summing apart and combining,
	// with two passes over the row fewer (the MMoE's per-sample products).
	direct := alpha == 1 && (beta == 0 || beta == 1 && k == 1)
	var buf [256]float32
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		acc := buf[:0]
		switch {
		case direct:
			acc = row
			if beta == 0 {
				clear(acc)
			}
		case n <= len(buf):
			acc = buf[:n]
			clear(acc)
		default:
			acc = make([]float32, n)
		}
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			if transB {
				for j := range acc {
					acc[j] += av * b[j*ldb+p]
				}
				continue
			}
			br := b[p*ldb : p*ldb+n]
			for j, bv := range br {
				acc[j] += av * bv
			}
		}
		if direct {
			continue
		}
		if beta == 0 {
			for j, v := range acc {
				row[j] = alpha * v
			}
			continue
		}
		for j, v := range acc {
			row[j] = alpha*v + beta*row[j]
		}
	}
}

package gemm

// genericKernel is the portable micro-kernel: 6×16 tiles like the AVX2
// kernel, computed with plain Go arithmetic.
var genericKernel = microKernel{name: "purego", mr: 6, nr: 16, run: kernelGeneric}

// kernelGeneric computes a 6×16 tile. It walks the tile in 2×4 sub-tiles so
// that the eight accumulators fit in registers on every architecture; the
// panels are re-read from L1 for each sub-tile.
func kernelGeneric(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32) {
	const mr, nr = 6, 16
	ap = ap[:kc*mr]
	bp = bp[:kc*nr]
	_ = c[(rows-1)*ldc+nr-1]
	for i := 0; i < rows; i += 2 {
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			ai, bj := i, j
			for range kc {
				a := ap[ai : ai+2 : ai+2]
				b := bp[bj : bj+4 : bj+4]
				a0, a1 := a[0], a[1]
				b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
				c00 += a0 * b0
				c01 += a0 * b1
				c02 += a0 * b2
				c03 += a0 * b3
				c10 += a1 * b0
				c11 += a1 * b1
				c12 += a1 * b2
				c13 += a1 * b3
				ai += mr
				bj += nr
			}
			storeQuad((*[4]float32)(c[i*ldc+j:]), c00, c01, c02, c03, alpha, beta)
			if i+1 < rows {
				storeQuad((*[4]float32)(c[(i+1)*ldc+j:]), c10, c11, c12, c13, alpha, beta)
			}
		}
	}
}

// storeQuad sets r = alpha·(x0, x1, x2, x3) + beta·r, ignoring r when beta
// is zero.
func storeQuad(r *[4]float32, x0, x1, x2, x3, alpha, beta float32) {
	if beta == 0 {
		*r = [4]float32{alpha * x0, alpha * x1, alpha * x2, alpha * x3}
		return
	}
	r[0] = alpha*x0 + beta*r[0]
	r[1] = alpha*x1 + beta*r[1]
	r[2] = alpha*x2 + beta*r[2]
	r[3] = alpha*x3 + beta*r[3]
}

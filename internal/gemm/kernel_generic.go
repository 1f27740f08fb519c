package gemm

// kernelGeneric is the portable micro-kernel. It walks the mr×nr tile in
// 2×4 sub-tiles so that the eight accumulators fit in registers on every
// architecture; the panels are re-read from L1 for each sub-tile.
func kernelGeneric(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	ap = ap[:kc*mr]
	bp = bp[:kc*nr]
	_ = c[(mr-1)*ldc+nr-1]
	for i := 0; i < mr; i += 2 {
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
			r0 := c[i*ldc+j : i*ldc+j+4 : i*ldc+j+4]
			r1 := c[(i+1)*ldc+j : (i+1)*ldc+j+4 : (i+1)*ldc+j+4]
			if beta == 0 {
				r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
				r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
				continue
			}
			r0[0] = alpha*c00 + beta*r0[0]
			r0[1] = alpha*c01 + beta*r0[1]
			r0[2] = alpha*c02 + beta*r0[2]
			r0[3] = alpha*c03 + beta*r0[3]
			r1[0] = alpha*c10 + beta*r1[0]
			r1[1] = alpha*c11 + beta*r1[1]
			r1[2] = alpha*c12 + beta*r1[2]
			r1[3] = alpha*c13 + beta*r1[3]
		}
	}
}

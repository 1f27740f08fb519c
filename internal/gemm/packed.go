package gemm

import "fmt"

// PackedB is the right-hand operand op(B) of a product, packed once into
// the panel layout of the micro-kernel. A caller that multiplies by the same
// matrix many times (the weights of a layer at inference) packs it with
// PackB and multiplies with SgemmPacked, skipping the copy that Sgemm makes
// on every call. A PackedB is read-only after PackB and may be used by
// several goroutines at once; it is tied to the micro-kernel of the process
// that made it, so it is not a storage format.
type PackedB struct {
	k, n   int
	nr, kc int // panel width and k-block the layout was made for
	np     int // n rounded up to whole panels
	data   []float32
}

// K returns the number of rows of op(B), the inner dimension of a product.
func (p *PackedB) K() int { return p.k }

// N returns the number of columns of op(B) and of the product.
func (p *PackedB) N() int { return p.n }

// PackB packs op(B), a k×n matrix (B itself, or Bᵀ when transB is set;
// ldb as in Sgemm), for SgemmPacked. It copies: later changes to b do not
// show in the result. It panics on invalid arguments, as Sgemm does.
func PackB(transB bool, k, n int, b []float32, ldb int) *PackedB {
	if k < 0 || n < 0 {
		panic(fmt.Sprintf("gemm: negative dimension (k %d, n %d)", k, n))
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("b", "ldb", br, bc, b, ldb, 0)
	return defaultConfig.packB(transB, k, n, b, ldb)
}

// SgemmPacked computes C = alpha·op(A)·B + beta·C like Sgemm, with B packed
// by PackB: op(A) is m×pb.K(), C is m×pb.N(). The result equals Sgemm's
// with the same operands. Products are split among goroutines by rows of
// C, so that no goroutine repacks B.
func SgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	if pb == nil {
		panic("gemm: nil PackedB")
	}
	if m < 0 {
		panic(fmt.Sprintf("gemm: negative dimension (m %d)", m))
	}
	ar, ac := m, pb.k
	if transA {
		ar, ac = pb.k, m
	}
	checkMatrix("a", "lda", ar, ac, a, lda, 0)
	checkMatrix("c", "ldc", m, pb.n, c, ldc, 0)
	defaultConfig.sgemmPacked(transA, m, alpha, a, lda, pb, beta, c, ldc)
}

// packB packs op(B) for multiplies under cfg: for each block of cfg.kc rows
// the whole width, in panels of cfg.kern.nr columns, exactly as serial
// packs one block.
func (cfg *config) packB(transB bool, k, n int, b []float32, ldb int) *PackedB {
	nr := cfg.kern.nr
	p := &PackedB{k: k, n: n, nr: nr, kc: cfg.kc, np: roundUp(n, nr)}
	p.data = aligned(k * p.np)
	for pc := 0; pc < k; pc += cfg.kc {
		packB(p.data[pc*p.np:], nr, transB, b, ldb, pc, 0, min(cfg.kc, k-pc), n)
	}
	return p
}

// sgemmPacked runs a checked multiply by a packed B.
func (cfg *config) sgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	if pb.nr != cfg.kern.nr || pb.kc != cfg.kc {
		panic("gemm: internal error: PackedB made for another kernel")
	}
	cfg.product(transA, false, m, pb.n, pb.k, alpha, a, lda, nil, 0, pb, beta, c, ldc)
}

// block returns the packed rows pc… (kcb of them) of B from column jc on;
// jc is a multiple of the panel width.
func (p *PackedB) block(pc, jc, kcb int) []float32 {
	return p.data[pc*p.np+jc*kcb:]
}

// Package gemm is the single-precision matrix multiply under the nn engine:
// BLAS sgemm on row-major matrices, C = alpha·op(A)·op(B) + beta·C.
//
// The implementation follows the Goto/BLIS structure. op(B) is copied in
// blocks of kcBlock×ncBlock into panels nr columns wide, op(A) in blocks of
// mcBlock×kcBlock into panels mr rows tall, both zero-padded to whole panels
// so that the micro-kernel always computes a whole tile (tiles cut by the
// bottom edge of C store only their rows; tiles cut by the right edge go
// through a small buffer). The micro-kernel keeps an mr×nr tile of C in
// registers and updates it with one rank-1 product per step of k, reading
// both panels sequentially. Packed buffers start on 64-byte boundaries, so
// that no vector load of a B panel (32 or 64 bytes) straddles two cache
// lines.
//
// Three micro-kernels exist, chosen at start-up by CPU feature detection
// (golang.org/x/sys/cpu), the first the CPU runs:
//
//   - AVX-512 (amd64 with AVX512F), 8×32 tiles in sixteen ZMM accumulators;
//   - AVX2 with FMA (amd64), 6×16 tiles in twelve YMM accumulators;
//   - portable Go, 6×16 tiles (other architectures, the purego build tag).
//
// All give the same results to within float32 rounding. Packing transposes
// use SSE assembly on every amd64 CPU. On the Zen 4 build machine both
// assembly kernels reach 116 GFLOP/s per core on L1-resident panels, the
// core's FMA peak, also on both cores at once. The AVX-512 one issues half
// the instructions; in whole single-threaded multiplies (best of repeated
// calls) it was 8–11% faster at n = 64, 3–4% at n = 256 and level at
// n = 512.
//
// Blocking parameters, tuned on the 2-core AMD EPYC (Zen 4) build machine
// with 32 KiB L1d and 1 MiB L2 per core and a shared 32 MiB L3, are the same
// for both tiles (a sweep of mcBlock 96–288 and kcBlock 128–512 moved the
// AVX-512 kernel by under 3% at n = 256–1024):
//
//   - kcBlock = 256: one B micro-panel (256×16×4 B = 16 KiB for AVX2) stays
//     in L1 while successive A micro-panels stream through it. The AVX-512
//     micro-panel is 32 KiB, all of L1, yet kcBlock = 128 was no faster.
//   - mcBlock = 144: the packed A block (144×256×4 B = 144 KiB) stays in L2
//     while the kernel walks across all B micro-panels.
//   - ncBlock = 2048: the packed B block (2 MiB) lives in L3.
//
// Products of at least parallelMinWork (2²³) multiply-adds are cut into
// about three pieces per goroutine (column blocks of C, or row blocks when
// C is taller than wide or B is pre-packed), which up to GOMAXPROCS
// goroutines take from a shared counter: a helper thread that starts late
// leaves its pieces to the others instead of holding up the product. Each
// piece packs its own panels, so there is no synchronisation inside a
// piece. Packing buffers and the per-multiply state come from sync.Pools and
// helpers are started without closures, so a warm call allocates nothing,
// split or not.
//
// PackB and SgemmPacked multiply many times by one matrix (the weights of a
// layer at inference) packing it only once.
//
// Arguments are checked and a violation panics, as in gonum's blas packages:
// callers inside Trident (the nn engine) validate shapes of outside input
// before they get here, so a bad argument is a programming error.
package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Cache blocks; see the package documentation. The register tile is the
// micro-kernel's (microKernel.mr × microKernel.nr).
const (
	mcBlock = 144
	kcBlock = 256
	ncBlock = 2048

	// parallelMinWork is the number of multiply-adds (m·n·k) below which a
	// product runs on one goroutine (about 0.1 ms of work on one core).
	// Below it, waking a second thread costs more than it gives back on the
	// shared 2-core machines Trident runs on.
	parallelMinWork = 1 << 23

	// maxTile is the largest mr·nr of any micro-kernel (the edge buffer).
	maxTile = 8 * 32
)

// kernelFunc computes the mr×nr tile C = alpha·Ap·Bp + beta·C from packed
// panels ap (kc×mr) and bp (kc×nr) and stores its first rows rows (1…mr);
// when beta is zero C is only written. c holds the tile's first row at
// c[0:nr] and further rows every ldc elements.
type kernelFunc func(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32)

// microKernel is a register-tile kernel and the shape of the tiles and
// packed panels it works on.
type microKernel struct {
	name   string
	mr, nr int
	run    kernelFunc
}

// config describes one way to run a multiply. Tests use small blocks and
// each kernel in turn to reach every code path on small matrices.
type config struct {
	kern       microKernel
	mc, kc, nc int
	// threads is the most goroutines one multiply may use; 0 means GOMAXPROCS.
	threads int
	// minWork is the size m·n·k below which a multiply runs single-threaded.
	minWork int
}

// newConfig returns the production blocking for kernel k.
func newConfig(k microKernel) config {
	return config{kern: k, mc: mcBlock, kc: kcBlock, nc: ncBlock, minWork: parallelMinWork}
}

// defaultConfig is fixed at start-up from the CPU's features: the first of
// kernels() is the fastest this CPU runs.
var defaultConfig = newConfig(kernels()[0])

// Sgemm computes C = alpha·op(A)·op(B) + beta·C on row-major matrices, where
// op(X) is X, or Xᵀ when the matching trans flag is set. op(A) is m×k, op(B)
// is k×n and C is m×n; lda, ldb and ldc are the distances between the starts
// of consecutive rows of the stored matrices. When beta is zero C is
// overwritten and its old contents (even NaN) are ignored; when alpha is zero
// A and B are not read.
//
// Sgemm panics with a message naming the argument if a dimension is
// negative, a leading dimension is too small, or a slice is too short.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, 0, 0, 0, 0)
	defaultConfig.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmStrided computes batch independent products
//
//	C_i = alpha·op(A_i)·op(B_i) + beta·C_i,  i = 0 … batch-1,
//
// where A_i starts at a[i·strideA], B_i at b[i·strideB] and C_i at
// c[i·strideC], with the meaning of the other arguments as in Sgemm. A stride
// of zero reuses one operand for every product (for example shared weights);
// strideC must not make two C_i overlap. When the single products are too
// small to split, the batch itself is divided among goroutines.
func SgemmStrided(batch int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	if batch < 0 {
		panic(fmt.Sprintf("gemm: batch = %d < 0", batch))
	}
	if strideA < 0 || strideB < 0 || strideC < 0 {
		panic(fmt.Sprintf("gemm: negative stride (strideA %d, strideB %d, strideC %d)", strideA, strideB, strideC))
	}
	if batch == 0 {
		return
	}
	// Checking the last item covers all: the items start ever later.
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, batch-1, strideA, strideB, strideC)
	if batch > 1 && m > 0 && n > 0 && strideC < (m-1)*ldc+n {
		panic(fmt.Sprintf("gemm: strideC (%d) makes the %d×%d results overlap (ldc %d)", strideC, m, n, ldc))
	}
	defaultConfig.sgemmStrided(batch, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC)
}

// checkArgs panics if the arguments of Sgemm do not describe valid matrices
// starting at a[last·strideA], b[last·strideB] and c[last·strideC].
func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, last, strideA, strideB, strideC int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension (m %d, n %d, k %d)", m, n, k))
	}
	ar, ac := m, k // stored shape of A
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("a", "lda", ar, ac, a, lda, last*strideA)
	checkMatrix("b", "ldb", br, bc, b, ldb, last*strideB)
	checkMatrix("c", "ldc", m, n, c, ldc, last*strideC)
}

// checkMatrix panics unless s[off:] holds a rows×cols matrix with rows ld
// elements apart.
func checkMatrix(name, ldName string, rows, cols int, s []float32, ld, off int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("gemm: %s (%d) < max(1, %d columns of %s)", ldName, ld, cols, name))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := off + (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("gemm: len(%s) = %d, need %d for %d×%d with %s %d", name, len(s), need, rows, cols, ldName, ld))
	}
}

// workspace holds one goroutine's packing buffers.
type workspace struct {
	a, b []float32
	tile []float32 // tiles cut by the right edge of C are computed here
}

var workspaces = sync.Pool{New: func() any { return &workspace{tile: aligned(maxTile)} }}

// grow makes the buffers hold at least na and nb elements.
func (w *workspace) grow(na, nb int) {
	if len(w.a) < na {
		w.a = aligned(na)
	}
	if len(w.b) < nb {
		w.b = aligned(nb)
	}
}

// aligned returns n zeros starting on a 64-byte boundary. The kernel's
// vector loads from packed panels then never straddle a cache line, which
// measured about 1.5× faster than arbitrary alignment.
func aligned(n int) []float32 {
	const floats = 64 / 4
	s := make([]float32, n+floats-1)
	off := int(uintptr(unsafe.Pointer(&s[0])) % 64 / 4)
	return s[(floats-off)%floats:][:n:n]
}

// sgemm runs a checked multiply, splitting it among goroutines when large.
func (cfg *config) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	cfg.product(transA, transB, m, n, k, alpha, a, lda, b, ldb, nil, beta, c, ldc)
}

// product runs a checked multiply by op(B), or by pb when pb is not nil.
func (cfg *config) product(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, pb *PackedB, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	if cfg.threadsFor(m, n, k) <= 1 {
		ws := workspaces.Get().(*workspace)
		cfg.serial(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, pb, 0, beta, c, ldc)
		workspaces.Put(ws)
		return
	}
	j := newJob(cfg, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	j.pb = pb
	j.batch = 1
	j.plan()
	j.run()
}

// sgemmStrided runs a checked strided batch.
func (cfg *config) sgemmStrided(batch int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	if m == 0 || n == 0 {
		return
	}
	if cfg.threadsFor(m, n, k) > 1 || batch == 1 {
		// Each product is large enough to split on its own.
		for i := range batch {
			cfg.sgemm(transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c[i*strideC:], ldc)
		}
		return
	}
	j := newJob(cfg, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	j.batch = batch
	j.strideA, j.strideB, j.strideC = strideA, strideB, strideC
	j.plan()
	j.run()
}

// threadsFor returns how many goroutines an m×n×k product should use.
func (cfg *config) threadsFor(m, n, k int) int {
	t := cfg.threads
	if t == 0 {
		t = runtime.GOMAXPROCS(0)
	}
	if t <= 1 || float64(m)*float64(n)*float64(k) < float64(cfg.minWork) {
		return 1
	}
	return t
}

// serial multiplies on the calling goroutine using the buffers in ws. When
// pb is not nil, op(B) is its columns jb…jb+n-1 and b is not read.
func (cfg *config) serial(ws *workspace, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, pb *PackedB, jb int, beta float32, c []float32, ldc int) {
	mr, nr := cfg.kern.mr, cfg.kern.nr
	kcMax := min(cfg.kc, k)
	nb := 0
	if pb == nil {
		nb = roundUp(min(cfg.nc, n), nr) * kcMax
	}
	ws.grow(roundUp(min(cfg.mc, m), mr)*kcMax, nb)
	for jc := 0; jc < n; jc += cfg.nc {
		ncb := min(cfg.nc, n-jc)
		for pc := 0; pc < k; pc += cfg.kc {
			kcb := min(cfg.kc, k-pc)
			var bp []float32
			if pb != nil {
				bp = pb.block(pc, jb+jc, kcb)
			} else {
				packB(ws.b, nr, transB, b, ldb, pc, jc, kcb, ncb)
				bp = ws.b
			}
			// Later blocks of k accumulate onto the first one's result.
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			for ic := 0; ic < m; ic += cfg.mc {
				mcb := min(cfg.mc, m-ic)
				packA(ws.a, mr, transA, a, lda, ic, pc, mcb, kcb)
				cfg.macro(ws, bp, mcb, ncb, kcb, alpha, betaBlock, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro multiplies the packed mcb×kcb block of A in ws by the packed kcb×ncb
// block of B at bp into C, one register tile at a time. The B micro-panel is
// the outer loop so that it stays in L1 while the A micro-panels stream from
// L2.
func (cfg *config) macro(ws *workspace, bp []float32, mcb, ncb, kcb int, alpha, beta float32, c []float32, ldc int) {
	mr, nr, kernel := cfg.kern.mr, cfg.kern.nr, cfg.kern.run
	for jr := 0; jr < ncb; jr += nr {
		nrb := min(nr, ncb-jr)
		bq := bp[jr*kcb : (jr+nr)*kcb]
		for ir := 0; ir < mcb; ir += mr {
			mrb := min(mr, mcb-ir)
			ap := ws.a[ir*kcb : (ir+mr)*kcb]
			ct := c[ir*ldc+jr:]
			if nrb == nr {
				kernel(kcb, ap, bq, ct, ldc, mrb, alpha, beta)
				continue
			}
			// A tile cut by the right edge of C goes through a buffer:
			// the kernel always writes nr columns.
			kernel(kcb, ap, bq, ws.tile, nr, mr, 1, 0)
			mergeTile(mrb, nrb, nr, ws.tile, ct, ldc, alpha, beta)
		}
	}
}

// mergeTile stores the top-left mrb×nrb corner of the product tile t (rows
// nr apart) into C.
func mergeTile(mrb, nrb, nr int, t, c []float32, ldc int, alpha, beta float32) {
	for i := range mrb {
		row := c[i*ldc : i*ldc+nrb]
		src := t[i*nr : i*nr+nrb]
		if beta == 0 {
			for j, v := range src {
				row[j] = alpha * v
			}
			continue
		}
		for j, v := range src {
			row[j] = alpha*v + beta*row[j]
		}
	}
}

// scale sets C = beta·C, writing zeros when beta is zero.
func scale(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

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
// that no 32-byte load of a B panel straddles two cache lines.
//
// Blocking parameters, tuned on the 2-core AMD EPYC (Zen 4) build machine
// with 32 KiB L1d and 1 MiB L2 per core and a shared 32 MiB L3:
//
//   - mr×nr = 6×16: twelve YMM accumulators plus two B vectors and one A
//     broadcast use 15 of the 16 YMM registers, and twelve independent FMA
//     chains cover the FMA latency on two pipes.
//   - kcBlock = 256: one B micro-panel (256×16×4 B = 16 KiB) stays in L1
//     while successive A micro-panels (6 KiB each) stream through it.
//   - mcBlock = 144: the packed A block (144×256×4 B = 144 KiB) stays in L2
//     while the kernel walks across all B micro-panels.
//   - ncBlock = 2048: the packed B block (2 MiB) lives in L3.
//
// Work is split among up to GOMAXPROCS goroutines along the larger of the M
// and N dimensions; each goroutine packs its own panels, so there is no
// synchronisation inside a multiply. Products smaller than parallelMinWork
// (2²³) multiply-adds run on the calling goroutine. Packing buffers come from a
// sync.Pool, so a warm call allocates nothing when it runs single-threaded.
//
// On amd64 CPUs with AVX2 and FMA the micro-kernel is written in assembly
// (the packing transposes use SSE assembly on every amd64 CPU); elsewhere,
// and with the purego build tag, a portable Go kernel with the same packed
// layout is used. The two
// agree to within float32 rounding (the Go kernel does not fuse multiply-add
// on amd64).
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

// Register tile and cache blocks; see the package documentation.
const (
	mr = 6
	nr = 16

	mcBlock = 144
	kcBlock = 256
	ncBlock = 2048

	// parallelMinWork is the number of multiply-adds (m·n·k) below which a
	// product runs on one goroutine (about 0.2 ms of work on one core).
	// Below it, waking a second thread costs more than it gives back on the
	// shared 2-core machines Trident runs on: measured side by side, n = 192
	// squares ran faster single-threaded and n = 256 faster on two.
	parallelMinWork = 1 << 23
)

// kernelFunc computes the mr×nr tile C = alpha·Ap·Bp + beta·C from packed
// panels ap (kc×mr) and bp (kc×nr) and stores its first rows rows (1…mr);
// when beta is zero C is only written. c holds the tile's first row at
// c[0:nr] and further rows every ldc elements.
type kernelFunc func(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32)

// config describes one way to run a multiply. Tests use small blocks and the
// portable kernel to reach every code path on small matrices.
type config struct {
	kernel     kernelFunc
	mc, kc, nc int
	// threads is the most goroutines one multiply may use; 0 means GOMAXPROCS.
	threads int
	// minWork is the size m·n·k below which a multiply runs single-threaded.
	minWork int
}

// defaultConfig is fixed at start-up from the CPU's features.
var defaultConfig = config{
	kernel:  bestKernel(),
	mc:      mcBlock,
	kc:      kcBlock,
	nc:      ncBlock,
	minWork: parallelMinWork,
}

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

var workspaces = sync.Pool{New: func() any { return &workspace{tile: aligned(mr * nr)} }}

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
// 32-byte loads from packed panels then never straddle a cache line, which
// measured about 1.5× faster than arbitrary alignment.
func aligned(n int) []float32 {
	const floats = 64 / 4
	s := make([]float32, n+floats-1)
	off := int(uintptr(unsafe.Pointer(&s[0])) % 64 / 4)
	return s[(floats-off)%floats:][:n:n]
}

// sgemm runs a checked multiply, splitting it among goroutines when large.
func (cfg *config) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	t := cfg.threadsFor(m, n, k)
	if t <= 1 {
		ws := workspaces.Get().(*workspace)
		cfg.serial(ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		workspaces.Put(ws)
		return
	}
	var wg sync.WaitGroup
	// Split the larger dimension in whole register tiles, so that only the
	// last part has an edge.
	if n >= m {
		step := roundUp((n+t-1)/t, nr)
		for j0 := 0; j0 < n; j0 += step {
			j1 := min(n, j0+step)
			bj := j0
			if transB {
				bj = j0 * ldb
			}
			part := func() {
				ws := workspaces.Get().(*workspace)
				cfg.serial(ws, transA, transB, m, j1-j0, k, alpha, a, lda, b[bj:], ldb, beta, c[j0:], ldc)
				workspaces.Put(ws)
			}
			if j1 == n {
				part() // the caller's goroutine takes the last part
			} else {
				wg.Go(part)
			}
		}
	} else {
		step := roundUp((m+t-1)/t, mr)
		for i0 := 0; i0 < m; i0 += step {
			i1 := min(m, i0+step)
			ai := i0 * lda
			if transA {
				ai = i0
			}
			part := func() {
				ws := workspaces.Get().(*workspace)
				cfg.serial(ws, transA, transB, i1-i0, n, k, alpha, a[ai:], lda, b, ldb, beta, c[i0*ldc:], ldc)
				workspaces.Put(ws)
			}
			if i1 == m {
				part()
			} else {
				wg.Go(part)
			}
		}
	}
	wg.Wait()
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
	// Each goroutine should get at least two register tiles' worth of
	// columns (or rows), otherwise edges dominate.
	if n >= m {
		t = min(t, n/(2*nr))
	} else {
		t = min(t, m/(2*mr))
	}
	return max(t, 1)
}

// sgemmStrided runs a checked strided batch.
func (cfg *config) sgemmStrided(batch int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	t := cfg.threads
	if t == 0 {
		t = runtime.GOMAXPROCS(0)
	}
	t = min(t, batch)
	if t <= 1 || cfg.threadsFor(m, n, k) > 1 || float64(batch)*float64(m)*float64(n)*float64(k) < float64(cfg.minWork) || m == 0 || n == 0 {
		for i := range batch {
			cfg.sgemm(transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, c[i*strideC:], ldc)
		}
		return
	}
	// Small products: give each goroutine a contiguous share of the batch.
	var wg sync.WaitGroup
	per := (batch + t - 1) / t
	for i0 := 0; i0 < batch; i0 += per {
		i1 := min(batch, i0+per)
		part := func() {
			ws := workspaces.Get().(*workspace)
			for i := i0; i < i1; i++ {
				ci := c[i*strideC:]
				if alpha == 0 || k == 0 {
					scale(m, n, beta, ci, ldc)
					continue
				}
				cfg.serial(ws, transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, ci, ldc)
			}
			workspaces.Put(ws)
		}
		if i1 == batch {
			part()
		} else {
			wg.Go(part)
		}
	}
	wg.Wait()
}

// serial multiplies on the calling goroutine using the buffers in ws.
func (cfg *config) serial(ws *workspace, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	kcMax := min(cfg.kc, k)
	ws.grow(roundUp(min(cfg.mc, m), mr)*kcMax, roundUp(min(cfg.nc, n), nr)*kcMax)
	for jc := 0; jc < n; jc += cfg.nc {
		ncb := min(cfg.nc, n-jc)
		for pc := 0; pc < k; pc += cfg.kc {
			kcb := min(cfg.kc, k-pc)
			packB(ws.b, transB, b, ldb, pc, jc, kcb, ncb)
			// Later blocks of k accumulate onto the first one's result.
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			for ic := 0; ic < m; ic += cfg.mc {
				mcb := min(cfg.mc, m-ic)
				packA(ws.a, transA, a, lda, ic, pc, mcb, kcb)
				cfg.macro(ws, mcb, ncb, kcb, alpha, betaBlock, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro multiplies the packed mcb×kcb block of A by the packed kcb×ncb block
// of B into C, one register tile at a time. The B micro-panel is the outer
// loop so that it stays in L1 while the A micro-panels stream from L2.
func (cfg *config) macro(ws *workspace, mcb, ncb, kcb int, alpha, beta float32, c []float32, ldc int) {
	for jr := 0; jr < ncb; jr += nr {
		nrb := min(nr, ncb-jr)
		bp := ws.b[jr*kcb : (jr+nr)*kcb]
		for ir := 0; ir < mcb; ir += mr {
			mrb := min(mr, mcb-ir)
			ap := ws.a[ir*kcb : (ir+mr)*kcb]
			ct := c[ir*ldc+jr:]
			if nrb == nr {
				cfg.kernel(kcb, ap, bp, ct, ldc, mrb, alpha, beta)
				continue
			}
			// A tile cut by the right edge of C goes through a buffer:
			// the kernel always writes nr columns.
			cfg.kernel(kcb, ap, bp, ws.tile, nr, mr, 1, 0)
			mergeTile(mrb, nrb, ws.tile, ct, ldc, alpha, beta)
		}
	}
}

// mergeTile stores the top-left mrb×nrb corner of the product tile t into C.
func mergeTile(mrb, nrb int, t, c []float32, ldc int, alpha, beta float32) {
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

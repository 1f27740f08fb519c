//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// kernel6x16 is the AVX2/FMA micro-kernel in kernel_amd64.s. It reads
// kc·6 floats at a and kc·16 floats at b, and writes the first rows
// (1…6) rows of the 6×16 tile at c, rows ldc floats apart; kc ≥ 1.
//
//go:noescape
func kernel6x16(kc int, a, b, c *float32, ldc, rows int, alpha, beta float32)

// kernel8x32 is the AVX-512 micro-kernel in kernel_avx512_amd64.s, with
// the contract of kernel6x16 on 8×32 tiles.
//
//go:noescape
func kernel8x32(kc int, a, b, c *float32, ldc, rows int, alpha, beta float32)

// The assembly kernels and their tiles.
var (
	avx512Kernel = microKernel{name: "avx512", mr: 8, nr: 32, run: kernelAVX512}
	avx2Kernel   = microKernel{name: "avx2", mr: 6, nr: 16, run: kernelAVX2}
)

// kernelAVX2 checks the panel and tile bounds that the assembly relies on.
func kernelAVX2(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32) {
	const mr, nr = 6, 16
	if rows < 1 || rows > mr {
		panic("gemm: internal error: tile rows out of range")
	}
	_ = ap[kc*mr-1]
	_ = bp[kc*nr-1]
	_ = c[(rows-1)*ldc+nr-1]
	kernel6x16(kc, &ap[0], &bp[0], &c[0], ldc, rows, alpha, beta)
}

// kernelAVX512 checks the panel and tile bounds that the assembly relies on.
func kernelAVX512(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32) {
	const mr, nr = 8, 32
	if rows < 1 || rows > mr {
		panic("gemm: internal error: tile rows out of range")
	}
	_ = ap[kc*mr-1]
	_ = bp[kc*nr-1]
	_ = c[(rows-1)*ldc+nr-1]
	kernel8x32(kc, &ap[0], &bp[0], &c[0], ldc, rows, alpha, beta)
}

// kernels returns the micro-kernels this CPU (and OS) can run, fastest
// first: AVX-512 (needs only AVX512F), AVX2 with FMA, portable Go.
func kernels() []microKernel {
	var ks []microKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, genericKernel)
}

//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// kernel6x16 is the AVX2/FMA micro-kernel in kernel_amd64.s. It reads
// kc·mr floats at a and kc·nr floats at b, and writes the first rows
// (1…6) rows of the 6×16 tile at c, rows ldc floats apart; kc ≥ 1.
//
//go:noescape
func kernel6x16(kc int, a, b, c *float32, ldc, rows int, alpha, beta float32)

// kernelAVX2 checks the panel and tile bounds that the assembly relies on.
func kernelAVX2(kc int, ap, bp, c []float32, ldc, rows int, alpha, beta float32) {
	if rows < 1 || rows > mr {
		panic("gemm: internal error: tile rows out of range")
	}
	_ = ap[kc*mr-1]
	_ = bp[kc*nr-1]
	_ = c[(rows-1)*ldc+nr-1]
	kernel6x16(kc, &ap[0], &bp[0], &c[0], ldc, rows, alpha, beta)
}

// bestKernel picks the assembly kernel when the CPU (and OS) support AVX2
// and FMA.
func bestKernel() kernelFunc {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return kernelAVX2
	}
	return kernelGeneric
}

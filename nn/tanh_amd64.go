package nn

import "golang.org/x/sys/cpu"

// haveAVX2FMA selects the vector tanh; it is fixed at start-up from the CPU.
var haveAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// tanhAVX2 stores tanh of src[0:n] in dst[0:n], four at a time with the
// arithmetic of tanh32; n must be a multiple of 4.
//
//go:noescape
func tanhAVX2(dst, src *float32, n int)

// tanhSlice stores tanh32 of every element of src in dst (len(dst) ≥
// len(src)), four lanes at a time where the CPU allows.
func tanhSlice(dst, src []float32) {
	n := 0
	if haveAVX2FMA && len(src) >= 4 {
		n = len(src) &^ 3
		_ = dst[n-1]
		tanhAVX2(&dst[0], &src[0], n)
	}
	for i := n; i < len(src); i++ {
		dst[i] = tanh32(src[i])
	}
}

//go:build !amd64 || purego

package gemm

// kernels returns the portable kernel: there is no assembly kernel for this
// architecture (or the purego build tag asked for none).
func kernels() []microKernel { return []microKernel{genericKernel} }

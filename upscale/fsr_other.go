//go:build !amd64 || purego

package upscale

// fsrKernels returns nil: there are no vector kernels for this architecture
// (or the purego build tag asked for none), so FSR runs the scalar code.
func fsrKernels() *fsrSIMD { return nil }

//go:build !amd64

package nn

// tanhSlice stores tanh32 of every element of src in dst (len(dst) ≥
// len(src)).
func tanhSlice(dst, src []float32) {
	for i, v := range src {
		dst[i] = tanh32(v)
	}
}

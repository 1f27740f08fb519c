//go:build !amd64

package nn

// winoInput computes the input transform of one tile (see winoInputGo).
func winoInput(taps *[16][]float32, v []float32, stride, c int) { winoInputGo(taps, v, stride, c) }

// winoOutput computes the output transform of one tile (see winoOutputGo).
func winoOutput(m []float32, stride int, dst, skip *[4][]float32, bias []float32, relu bool) {
	winoOutputGo(m, stride, dst, skip, bias, relu)
}

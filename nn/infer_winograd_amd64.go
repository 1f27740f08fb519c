package nn

// winoInputAVX2 is winoInputGo for c a positive multiple of 8, in
// infer_winograd_amd64.s.
//
//go:noescape
func winoInputAVX2(taps *[16][]float32, v *float32, stride, c int)

// winoOutputAVX2 is winoOutputGo for n = len(bias) a positive multiple of
// 8, in infer_winograd_amd64.s.
//
//go:noescape
func winoOutputAVX2(m *float32, stride int, dst, skip *[4][]float32, bias *float32, n int, relu bool)

// winoInput computes the input transform of one tile (see winoInputGo).
func winoInput(taps *[16][]float32, v []float32, stride, c int) {
	if !haveAVX2FMA || c%8 != 0 || c == 0 {
		winoInputGo(taps, v, stride, c)
		return
	}
	// The bounds the assembly relies on.
	for _, t := range taps {
		_ = t[c-1]
	}
	_ = v[15*stride+c-1]
	winoInputAVX2(taps, &v[0], stride, c)
}

// winoOutput computes the output transform of one tile (see winoOutputGo).
func winoOutput(m []float32, stride int, dst, skip *[4][]float32, bias []float32, relu bool) {
	n := len(bias)
	if !haveAVX2FMA || n%8 != 0 || n == 0 {
		winoOutputGo(m, stride, dst, skip, bias, relu)
		return
	}
	for k := range dst {
		_ = dst[k][n-1]
		_ = skip[k][n-1]
	}
	_ = m[15*stride+n-1]
	winoOutputAVX2(&m[0], stride, dst, skip, &bias[0], n, relu)
}

//go:build !amd64 || purego

package gemm

// packAPanel interleaves mr rows of a (lda apart, kcb long) into d.
func packAPanel(d, a []float32, lda, mr, kcb int) {
	d = d[:kcb*mr]
	for r := range mr {
		row := a[r*lda:][:kcb]
		for p, v := range row {
			d[p*mr+r] = v
		}
	}
}

// copyRowToPanels copies src, a row of panels·w floats, into panels of
// width w in dst, one every stride floats.
func copyRowToPanels(dst, src []float32, w, panels, stride int) {
	for i := range panels {
		copy(dst[i*stride:i*stride+w], src[i*w:i*w+w])
	}
}

// copyRowsToPanels copies rows rows of panels·w floats each (src rows ld
// apart) into panels of width w in dst, one every stride floats; row p of
// a panel starts at p·w.
func copyRowsToPanels(dst, src []float32, ld, rows, w, panels, stride int) {
	for p := range rows {
		copyRowToPanels(dst[p*w:], src[p*ld:], w, panels, stride)
	}
}

// packBTPanel packs one full panel of op(B) = bᵀ, nr columns wide: column
// j of the panel is row j of b (ldb apart, kcb long). Four rows of b are
// read at a time (nr is a multiple of 4).
func packBTPanel(d, b []float32, ldb, nr, kcb int) {
	d = d[:kcb*nr]
	for j := 0; j < nr; j += 4 {
		s0 := b[j*ldb:][:kcb]
		s1 := b[(j+1)*ldb:][:kcb]
		s2 := b[(j+2)*ldb:][:kcb]
		s3 := b[(j+3)*ldb:][:kcb]
		for p := range kcb {
			*(*[4]float32)(d[p*nr+j:]) = [4]float32{s0[p], s1[p], s2[p], s3[p]}
		}
	}
}

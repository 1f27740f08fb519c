//go:build !amd64 || purego

package gemm

// packAPanel interleaves mr rows of a (lda apart, kcb long) into d. It is a
// function of its own so that its loop gets the registers.
func packAPanel(d, a []float32, lda, kcb int) {
	r0 := a[:kcb]
	r1 := a[lda:][:kcb]
	r2 := a[2*lda:][:kcb]
	r3 := a[3*lda:][:kcb]
	r4 := a[4*lda:][:kcb]
	r5 := a[5*lda:][:kcb]
	d = d[:kcb*mr]
	for p := range kcb {
		dp := (*[mr]float32)(d[p*mr:])
		dp[0], dp[1], dp[2] = r0[p], r1[p], r2[p]
		dp[3], dp[4], dp[5] = r3[p], r4[p], r5[p]
	}
}

// copyRowToPanels copies src, a row of panels·w floats, into panels of
// width w in dst, one every stride floats.
func copyRowToPanels(dst, src []float32, w, panels, stride int) {
	for i := range panels {
		copy(dst[i*stride:i*stride+w], src[i*w:i*w+w])
	}
}

// packBTPanel packs one full panel of op(B) = bᵀ: column j of the panel is
// row j of b (ldb apart, kcb long). Four rows of b are read at a time.
func packBTPanel(d, b []float32, ldb, kcb int) {
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

//go:build amd64 && !purego

package gemm

// packA6x4 is the SSE loop of packAPanel in pack_amd64.s: it interleaves
// 4·k4 columns of the six rows at a (lda floats apart) into dst.
//
//go:noescape
func packA6x4(k4 int, a *float32, lda int, dst *float32)

// packAPanel interleaves mr rows of a (lda apart, kcb long) into d. The
// bulk is transposed four columns at a time in assembly: in Go, this
// gather cost a third as much time as the multiply itself at n = 64.
func packAPanel(d, a []float32, lda, kcb int) {
	_ = a[(mr-1)*lda+kcb-1]
	d = d[:kcb*mr]
	k4 := kcb / 4
	if k4 > 0 {
		packA6x4(k4, &a[0], lda, &d[0])
	}
	for p := 4 * k4; p < kcb; p++ {
		*(*[mr]float32)(d[p*mr:]) = [mr]float32{a[p], a[lda+p], a[2*lda+p], a[3*lda+p], a[4*lda+p], a[5*lda+p]}
	}
}

// rowToPanels16 copies 16 floats from src+16·i to dst+stride·i for each
// i < panels (pack_amd64.s).
//
//go:noescape
func rowToPanels16(src, dst *float32, panels, stride int)

// rowToPanels6 copies 6 floats from src+6·i to dst+stride·i for each
// i < panels (pack_amd64.s).
//
//go:noescape
func rowToPanels6(src, dst *float32, panels, stride int)

// packB16x4 transposes 4·k4 columns of 16 rows of b (ldb apart) into one
// packed panel (pack_amd64.s).
//
//go:noescape
func packB16x4(k4 int, b *float32, ldb int, dst *float32)

// copyRowToPanels copies src, a row of panels·w floats, into panels of
// width w in dst, one every stride floats.
func copyRowToPanels(dst, src []float32, w, panels, stride int) {
	if panels == 0 {
		return
	}
	_ = src[panels*w-1]
	_ = dst[(panels-1)*stride+w-1]
	if w == nr {
		rowToPanels16(&src[0], &dst[0], panels, stride)
	} else {
		rowToPanels6(&src[0], &dst[0], panels, stride)
	}
}

// packBTPanel packs one full panel of op(B) = bᵀ: column j of the panel is
// row j of b (ldb apart, kcb long).
func packBTPanel(d, b []float32, ldb, kcb int) {
	_ = b[(nr-1)*ldb+kcb-1]
	d = d[:kcb*nr]
	k4 := kcb / 4
	if k4 > 0 {
		packB16x4(k4, &b[0], ldb, &d[0])
	}
	for p := 4 * k4; p < kcb; p++ {
		dp := (*[nr]float32)(d[p*nr:])
		for j := range nr {
			dp[j] = b[j*ldb+p]
		}
	}
}

//go:build amd64 && !purego

package gemm

// packA6x4 is the SSE loop of packAPanel for mr = 6 in pack_amd64.s: it
// interleaves 4·k4 columns of the six rows at a (lda floats apart) into dst.
//
//go:noescape
func packA6x4(k4 int, a *float32, lda int, dst *float32)

// transposePanel transposes 4·k4 columns of 4·rows4 rows of src (ld apart)
// into dst, element (row j, column p) at dst[p·stride+j] (pack_amd64.s).
//
//go:noescape
func transposePanel(k4 int, src *float32, ld int, dst *float32, rows4, stride int)

// rowToPanels16 copies 16 floats from src+16·i to dst+stride·i for each
// i < panels (pack_amd64.s).
//
//go:noescape
func rowToPanels16(src, dst *float32, panels, stride int)

// rowToPanels32 copies 32 floats from src+32·i to dst+stride·i for each
// i < panels (pack_amd64.s; AVX).
//
//go:noescape
func rowToPanels32(src, dst *float32, panels, stride int)

// rowToPanels6 copies 6 floats from src+6·i to dst+stride·i for each
// i < panels (pack_amd64.s).
//
//go:noescape
func rowToPanels6(src, dst *float32, panels, stride int)

// rowToPanels4 copies 4·w4 floats from src+4·w4·i to dst+stride·i for each
// i < panels (pack_amd64.s).
//
//go:noescape
func rowToPanels4(src, dst *float32, panels, w4, stride int)

// packBRows packs rows×(panels·16·w16) floats of src (ld apart) into
// panels 16·w16 wide, one every stride floats (pack_amd64.s).
//
//go:noescape
func packBRows(src *float32, ld int, dst *float32, rows, panels, stride, w16 int)

// copyRowsToPanels copies rows rows of panels·w floats each (src rows ld
// apart) into panels of width w in dst, one every stride floats; row p of
// a panel starts at p·w.
func copyRowsToPanels(dst, src []float32, ld, rows, w, panels, stride int) {
	if rows == 0 || panels == 0 {
		return
	}
	_ = src[(rows-1)*ld+panels*w-1]
	_ = dst[(panels-1)*stride+rows*w-1]
	if w%16 == 0 {
		packBRows(&src[0], ld, &dst[0], rows, panels, stride, w/16)
		return
	}
	for p := range rows {
		copyRowToPanels(dst[p*w:], src[p*ld:], w, panels, stride)
	}
}

// packAPanel interleaves mr rows of a (lda apart, kcb long) into d. The
// bulk is transposed four columns at a time in assembly: in Go, this
// gather cost a third as much time as the multiply itself at n = 64.
func packAPanel(d, a []float32, lda, mr, kcb int) {
	_ = a[(mr-1)*lda+kcb-1]
	d = d[:kcb*mr]
	k4 := kcb / 4
	if k4 > 0 {
		switch {
		case mr == 6:
			packA6x4(k4, &a[0], lda, &d[0])
		case mr%4 == 0:
			transposePanel(k4, &a[0], lda, &d[0], mr/4, mr)
		default:
			k4 = 0
		}
	}
	for p := 4 * k4; p < kcb; p++ {
		dp := d[p*mr : (p+1)*mr]
		for r := range dp {
			dp[r] = a[r*lda+p]
		}
	}
}

// copyRowToPanels copies src, a row of panels·w floats, into panels of
// width w in dst, one every stride floats.
func copyRowToPanels(dst, src []float32, w, panels, stride int) {
	if panels == 0 {
		return
	}
	_ = src[panels*w-1]
	_ = dst[(panels-1)*stride+w-1]
	switch {
	case w == 16:
		rowToPanels16(&src[0], &dst[0], panels, stride)
	case w == 32:
		rowToPanels32(&src[0], &dst[0], panels, stride)
	case w == 6:
		rowToPanels6(&src[0], &dst[0], panels, stride)
	case w%4 == 0:
		rowToPanels4(&src[0], &dst[0], panels, w/4, stride)
	default:
		for i := range panels {
			copy(dst[i*stride:i*stride+w], src[i*w:i*w+w])
		}
	}
}

// packBTPanel packs one full panel of op(B) = bᵀ, nr columns wide: column
// j of the panel is row j of b (ldb apart, kcb long).
func packBTPanel(d, b []float32, ldb, nr, kcb int) {
	_ = b[(nr-1)*ldb+kcb-1]
	d = d[:kcb*nr]
	k4 := kcb / 4
	if k4 > 0 {
		transposePanel(k4, &b[0], ldb, &d[0], nr/4, nr)
	}
	for p := 4 * k4; p < kcb; p++ {
		dp := d[p*nr : (p+1)*nr]
		for j := range dp {
			dp[j] = b[j*ldb+p]
		}
	}
}

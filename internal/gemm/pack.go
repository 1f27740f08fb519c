package gemm

// packA copies rows ic…ic+mcb-1, columns pc…pc+kcb-1 of op(A) into dst as
// panels of mr rows: panel q starts at dst[q·mr·kcb] and holds element (p, r)
// at p·mr + r. Rows past mcb in the last panel are zero.
func packA(dst []float32, mr int, transA bool, a []float32, lda, ic, pc, mcb, kcb int) {
	if transA {
		// op(A)[i][p] = a[p·lda+i]: read a row by row, as in packB.
		full := mcb / mr * mr
		copyRowsToPanels(dst, a[pc*lda+ic:], lda, kcb, mr, full/mr, kcb*mr)
		if full < mcb {
			for p := range kcb {
				dp := dst[full*kcb+p*mr:][:mr]
				copy(dp, a[(pc+p)*lda+ic+full:][:mcb-full])
				clear(dp[mcb-full:])
			}
		}
		return
	}
	for ir := 0; ir < mcb; ir += mr {
		d := dst[ir*kcb : (ir+mr)*kcb]
		base := (ic+ir)*lda + pc
		if rows := mcb - ir; rows < mr {
			packARows(d, a[base:], lda, mr, rows, kcb)
		} else {
			packAPanel(d, a[base:], lda, mr, kcb)
		}
	}
}

// packARows packs the last, partial panel of rows < mr rows, zero-padded.
func packARows(d, a []float32, lda, mr, rows, kcb int) {
	clear(d)
	for r := range rows {
		for p, v := range a[r*lda:][:kcb] {
			d[p*mr+r] = v
		}
	}
}

// packB copies rows pc…pc+kcb-1, columns jc…jc+ncb-1 of op(B) into dst as
// panels of nr columns: panel q starts at dst[q·nr·kcb] and holds element
// (p, j) at p·nr + j. Columns past ncb in the last panel are zero.
func packB(dst []float32, nr int, transB bool, b []float32, ldb, pc, jc, kcb, ncb int) {
	if !transB {
		// op(B)[p][j] = b[p·ldb+j]. Reading b row by row keeps the reads
		// sequential; walking one panel at a time would fetch a new cache
		// line from L3 for every 64 bytes.
		full := ncb / nr * nr
		copyRowsToPanels(dst, b[pc*ldb+jc:], ldb, kcb, nr, full/nr, kcb*nr)
		if full < ncb {
			for p := range kcb {
				dp := dst[full*kcb+p*nr:][:nr]
				copy(dp, b[(pc+p)*ldb+jc+full:][:ncb-full])
				clear(dp[ncb-full:])
			}
		}
		return
	}
	// op(B)[p][j] = b[j·ldb+p]: each column of a panel is a row of b.
	for jr := 0; jr < ncb; jr += nr {
		d := dst[jr*kcb : (jr+nr)*kcb]
		cols := min(nr, ncb-jr)
		base := (jc+jr)*ldb + pc
		if cols < nr {
			clear(d)
			for j := range cols {
				for p, v := range b[base+j*ldb:][:kcb] {
					d[p*nr+j] = v
				}
			}
			continue
		}
		packBTPanel(d, b[base:], ldb, nr, kcb)
	}
}

//go:build amd64 && !purego

package upscale

import "golang.org/x/sys/cpu"

// The AVX2 kernels in fsr_amd64.s process eight output pixels at once. They
// use separate multiplies and adds, not FMA, in the scalar code's order, and
// reproduce AMD's approximate reciprocals with the same integer operations
// on the float bits, so their results equal the scalar code's bit for bit
// (Go does not fuse multiply-adds on amd64 below GOAMD64=v3).

// easuWeightsAVX2 computes, for n column groups of one output row described
// by tab (easuGroupLen values each), the 12 tap weights and the reciprocal
// of their sum: 13 vectors of 8 floats per group at w. ppx holds the row's
// column fractions, ana points at the analysis texel (−1, fy) of the first
// of four analysis planes plane floats apart, rows aw floats apart.
//
//go:noescape
func easuWeightsAVX2(w *float32, tab *int32, ppx *float32, ana *float32, ppy float32, plane, aw, n int)

// easuAnalysisAVX2 is easuPlus for n groups of 8 texels: up, mid and down
// point at the widened luma rows (see easuWork) at the first texel's left
// neighbour's column, out at the first texel's dirX; the other three
// results follow plane floats apart.
//
//go:noescape
func easuAnalysisAVX2(out *float32, plane int, up, mid, down *float32, n int)

// easuApplyAVX2 filters one plane for n column groups with the weights from
// easuWeightsAVX2: r0 … r3 are the source rows fy−1 … fy+2 (clamped), dst
// the output row.
//
//go:noescape
func easuApplyAVX2(dst, r0, r1, r2, r3 *float32, tab *int32, w *float32, n int)

// rcasRGBAVX2 sharpens n groups of 8 pixels of an RGB row: m0 … m2 point at
// the first pixel in each colour plane's row, o0 … o2 at the output; up and
// down are the element offsets of the rows above and below.
//
//go:noescape
func rcasRGBAVX2(o0, o1, o2, m0, m1, m2 *float32, up, down, n int, sharp float32, denoise bool)

// rcasGreyAVX2 is rcasRGBAVX2 for one grey plane.
//
//go:noescape
func rcasGreyAVX2(o, m *float32, up, down, n int, sharp float32, denoise bool)

// fsrKernels returns the AVX2 kernels when the CPU and OS support AVX2, or
// nil for the scalar code.
func fsrKernels() *fsrSIMD {
	if !cpu.X86.HasAVX2 {
		return nil
	}
	return &fsrSIMD{easuGroups: easuGroupsAVX2, easuAnaRow: easuAnaRowAVX2, easuRow: easuRowAVX2, rcasRow: rcasRowAVX2}
}

// Layout of one column group in the EASU table (int32 values): for each tap
// column k = 0 … 3 (f−1 … f+2) the lane permutation that picks each output
// pixel's source column from 8 floats loaded at that column's load start;
// the same for analysis texels f and g; the six load starts; the group's
// first output column.
const (
	egTapPerm    = 0  // [4][8]
	egAnaPerm    = 32 // [2][8]
	egTapStart   = 48 // [4]
	egAnaStart   = 52 // [2]
	egX0         = 54
	easuGroupLen = 56
)

// easuChunk is how many column groups share one weight buffer (13 vectors
// per group: 6.5 KiB, well inside L1).
const easuChunk = 16

// easuGroupsAVX2 builds the column table: groups of 8 consecutive output
// columns, the last one moved left to end at the row's end. Each group
// loads 8 consecutive source floats per tap column, starting at the first
// pixel's column (clamped at the borders, where the edge repeats), and
// permutes them into place; that needs every group's columns to lie within
// 8 of each other, which holds when enlarging. It returns nil when the
// image is narrower than 8 or a group does not fit.
func easuGroupsAVX2(p *easuPlan) []int32 {
	if p.sw < 8 || p.dw < 8 {
		return nil
	}
	ng := (p.dw + 7) / 8
	tab := make([]int32, ng*easuGroupLen)
	for g := range ng {
		x0 := min(8*g, p.dw-8)
		t := tab[g*easuGroupLen : (g+1)*easuGroupLen]
		f0 := int(p.f[x0])
		for k := range 4 {
			start := clampInt(f0-1+k, 0, p.sw-8)
			t[egTapStart+k] = int32(start)
			for i := range 8 {
				idx := int(p.cols[x0+i][k]) - start
				if idx < 0 || idx > 7 {
					return nil
				}
				t[egTapPerm+8*k+i] = int32(idx)
			}
		}
		for j := range 2 {
			// Texel f+j is analysis column f+j+1.
			start := min(f0+1+j, p.aw-8)
			if start < 0 {
				return nil
			}
			t[egAnaStart+j] = int32(start)
			for i := range 8 {
				col := int(p.f[x0+i]) + 1 + j
				if idx := col - start; idx < 0 || idx > 7 || col >= p.aw {
					return nil
				}
				t[egAnaPerm+8*j+i] = int32(col - start)
			}
		}
		t[egX0] = int32(x0)
	}
	return tab
}

// easuRowAVX2 computes output row y of w's band with the AVX2 kernels.
func easuRowAVX2(w *easuWork, y int, out [][]float32, weights []float32) []float32 {
	p := w.p
	weights = grow(weights, easuChunk*13*8)
	fy, ppy := p.texelRow(y)
	var rows [4]int
	for k := range rows {
		rows[k] = clampInt(fy-1+k, 0, p.sh-1) * p.sw
	}
	// The kernel reads texel rows fy and fy+1 of all four planes.
	arow := (fy - w.ty0) * p.aw
	_ = w.ana[3*w.anaPlane+arow+2*p.aw-1]
	ng := len(p.groups) / easuGroupLen
	for g0 := 0; g0 < ng; g0 += easuChunk {
		n := min(easuChunk, ng-g0)
		tab := &p.groups[g0*easuGroupLen]
		easuWeightsAVX2(&weights[0], tab, &p.pp[0], &w.ana[arow], ppy, w.anaPlane, p.aw, n)
		for c, pl := range p.src.Planes {
			pl = pl[:p.sw*p.sh]
			o := out[c][:p.dw]
			easuApplyAVX2(&o[0], &pl[rows[0]], &pl[rows[1]], &pl[rows[2]], &pl[rows[3]], tab, &weights[0], n)
		}
	}
	return weights
}

// easuAnaRowAVX2 computes one analysis row in groups of 8 texels, the last
// group moved left to end at the row's end.
func easuAnaRowAVX2(out []float32, plane int, up, mid, down []float32, aw int) {
	_ = out[3*plane+aw-1]
	_ = mid[aw+1]
	_ = up[aw]
	_ = down[aw]
	easuAnalysisAVX2(&out[0], plane, &up[0], &mid[0], &down[0], aw/8)
	if aw%8 != 0 {
		x := aw - 8
		easuAnalysisAVX2(&out[x], plane, &up[x], &mid[x], &down[x], 1)
	}
}

// rcasRowAVX2 computes pixels 1 … w−2 of r: groups of 8 from pixel 1, the
// last one moved left to end at pixel w−2.
func rcasRowAVX2(r *rcasRow) {
	w := len(r.mid[0])
	n := (w - 2) / 8
	run := func(x, n int) {
		if len(r.mid) == 1 {
			rcasGreyAVX2(&r.out[0][x], &r.mid[0][x], r.upOff, r.downOff, n, r.sharp, r.denoise)
			return
		}
		rcasRGBAVX2(&r.out[0][x], &r.out[1][x], &r.out[2][x], &r.mid[0][x], &r.mid[1][x], &r.mid[2][x],
			r.upOff, r.downOff, n, r.sharp, r.denoise)
	}
	run(1, n)
	if (w-2)%8 != 0 {
		run(w-9, 1)
	}
}

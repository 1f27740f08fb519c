package nn

import "github.com/trident-lab/trident/internal/gemm"

// Winograd F(2×2, 3×3) for the stride-1 3×3 layers of EvalConv (Lavin &
// Gray 2016). Each 2×2 block of output pixels (a tile) is computed from the
// 4×4 input patch d under it as
//
//	Y = Aᵀ [ Σ_c (G g Gᵀ) ⊙ (Bᵀ d B) ] A
//
// so that a tile costs 16 multiplies per input and output channel instead
// of 36. Gathered over tiles, the 16 elementwise products become 16 matrix
// products [tiles × C]·[C × O], one per position ξ of the 4×4 transformed
// patch; the kernel transforms U[ξ] = (G g Gᵀ)[ξ] are made and packed once
// at snapshot. On a 9×9 board the 5×5 tiles cover 10×10 pixels, so the
// saving is 729/400 ≈ 1.8× in multiplies. The transforms only add and
// subtract (and G halves, exactly), so the result differs from the direct
// sum by float32 rounding of sums of a few terms.

// winoMinChannels is the number of input channels below which a 3×3 layer
// keeps the direct product: with few channels the transforms cost more
// than the multiplies they save (the 4→64 stem of a game net).
const winoMinChannels = 16

// winoTiles is the most tiles transformed and multiplied as one block:
// the transformed inputs and products of a block, 16·tiles·channels each,
// then stay within a core's L2 cache (512 KiB for 64 channels).
const winoTiles = 128

// winograd holds the packed kernel transforms U[ξ], [C × O], of one layer.
type winograd struct {
	u [16]*gemm.PackedB
}

// winoFits reports whether l's geometry is computed with Winograd F(2,3)
// (for the activations the output stage applies: none and ReLU). The
// channel counts are whole vectors of the transforms.
func winoFits(l *EvalConv) bool {
	return l.kh == 3 && l.kw == 3 && l.sh == 1 && l.sw == 1 && l.dh == 1 && l.dw == 1 &&
		l.groups == 1 && l.c >= winoMinChannels && l.c%8 == 0 && l.o%8 == 0
}

// newWinograd transforms and packs the kernels of w, [kh·kw·c, o] rows in
// (ky, kx, channel) order.
func newWinograd(w []float32, c, o int) *winograd {
	u := make([]float32, 16*c*o) // [ξ][c][o]
	for ch := 0; ch < c; ch++ {
		for oc := 0; oc < o; oc++ {
			var g [3][3]float32
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					g[ky][kx] = w[((ky*3+kx)*c+ch)*o+oc]
				}
			}
			// t = G g: rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2.
			var t [4][3]float32
			for j := 0; j < 3; j++ {
				t[0][j] = g[0][j]
				t[1][j] = (g[0][j] + g[1][j] + g[2][j]) * 0.5
				t[2][j] = (g[0][j] - g[1][j] + g[2][j]) * 0.5
				t[3][j] = g[2][j]
			}
			for i := 0; i < 4; i++ { // (G g) Gᵀ, the same on columns
				r := [4]float32{t[i][0], (t[i][0] + t[i][1] + t[i][2]) * 0.5, (t[i][0] - t[i][1] + t[i][2]) * 0.5, t[i][2]}
				for j, v := range r {
					u[((i*4+j)*c+ch)*o+oc] = v
				}
			}
		}
	}
	wg := &winograd{}
	for xi := 0; xi < 16; xi++ {
		wg.u[xi] = gemm.PackB(false, c, o, u[xi*c*o:(xi+1)*c*o], o)
	}
	return wg
}

// winoJob is one Winograd EvalConv.Forward call, cut into blocks of
// tiles. A single board of 5×5 tiles on two threads is four blocks of 8,
// 8, 8 and 1 tiles: the 8-row micro-kernel computes 32 rows either way.
type winoJob struct {
	l            *EvalConv
	g            convGeom
	x, out, skip []float32
	relu         bool
	th, tw       int // tiles per column and row of an image
	tiles, block int // tiles in all, per block
}

// forwardWinograd computes l's output into out (see EvalConv.Forward).
func (l *EvalConv) forwardWinograd(g convGeom, x, skip, out *Tensor, act Act) {
	th, tw := ceilDiv(g.oh, 2), ceilDiv(g.ow, 2)
	tiles := g.n * th * tw
	cost := float64(tiles) * 16 * float64(g.c) * float64(g.o)
	w := workersFor(tiles, cost)
	// At least two blocks per worker (see EvalConv.Forward).
	block := min(winoTiles, roundUpTo(ceilDiv(tiles, 2*w), evalPad))
	blocks := ceilDiv(tiles, block)
	j := winoJob{l: l, g: g, x: x.Data, out: out.Data, relu: act == ActReLU,
		th: th, tw: tw, tiles: tiles, block: block}
	if skip != nil {
		j.skip = skip.Data
	}
	if w = min(w, blocks); w <= 1 {
		j.run(0, blocks)
		return
	}
	shared := j // only this copy escapes to the goroutines
	parallel(w, blocks, func(_, lo, hi int) { shared.run(lo, hi) })
}

// run computes blocks [lo, hi).
func (j *winoJob) run(lo, hi int) {
	g := &j.g
	rows := roundUpTo(j.block, evalPad)
	// The 16 matrices of transformed inputs and of products lie vs and ms
	// elements apart, a cache line more than they need: rows·c is often a
	// multiple of 1024 (4 KiB), and then the 16 vectors that a transform
	// reads or writes would all fall into one set of the L1 cache (that
	// cost the input transform 3× its time).
	vs, ms := rows*g.c+16, rows*g.o+16
	vBuf := getScratch(16 * vs)
	mBuf := getScratch(16 * ms)
	zero := getScratch(max(g.c, g.o))
	clear(*zero)
	spill := getScratch(4 * g.o)
	v, m := *vBuf, *mBuf
	for blk := lo; blk < hi; blk++ {
		t0, t1 := blk*j.block, min((blk+1)*j.block, j.tiles)
		j.inputs(v, *zero, t0, t1, vs)
		// Rows past t1−t0 hold stale data; their products are not read.
		for xi := 0; xi < 16; xi++ {
			gemm.SgemmPacked(false, rows, 1, v[xi*vs:], g.c, j.l.wino.u[xi], 0, m[xi*ms:], g.o)
		}
		j.outputs(m, *zero, *spill, t0, t1, ms)
	}
	putScratch(vBuf)
	putScratch(mBuf)
	putScratch(zero)
	putScratch(spill)
}

// tile returns the image and top-left output pixel of tile t.
func (j *winoJob) tile(t int) (n, oy, ox int) {
	per := j.th * j.tw
	n, t = t/per, t%per
	return n, t / j.tw * 2, t % j.tw * 2
}

// inputs writes Bᵀ d B of tiles [t0, t1) into v: 16 matrices [tiles, c]
// stride elements apart.
func (j *winoJob) inputs(v, zero []float32, t0, t1, stride int) {
	g := &j.g
	var taps [16][]float32
	for t := t0; t < t1; t++ {
		n, oy, ox := j.tile(t)
		for i := 0; i < 4; i++ {
			iy := oy - g.ph + i
			for k := 0; k < 4; k++ {
				ix := ox - g.pw + k
				if iy < 0 || iy >= g.h || ix < 0 || ix >= g.w {
					taps[i*4+k] = zero[:g.c]
					continue
				}
				off := ((n*g.h+iy)*g.w + ix) * g.c
				taps[i*4+k] = j.x[off : off+g.c]
			}
		}
		winoInput(&taps, v[(t-t0)*g.c:], stride, g.c)
	}
}

// outputs computes Aᵀ M A of tiles [t0, t1) from m (16 matrices
// [tiles, o] stride elements apart), adds the bias and residual, applies
// the activation and stores the pixels that lie inside the output; those
// past its edge go to spill (4·o elements).
func (j *winoJob) outputs(m, zero, spill []float32, t0, t1, stride int) {
	g := &j.g
	var dst, skip [4][]float32
	for t := t0; t < t1; t++ {
		n, oy, ox := j.tile(t)
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				k := a*2 + b
				if oy+a >= g.oh || ox+b >= g.ow {
					dst[k], skip[k] = spill[k*g.o:(k+1)*g.o], zero[:g.o]
					continue
				}
				off := ((n*g.oh+oy+a)*g.ow + ox + b) * g.o
				dst[k] = j.out[off : off+g.o]
				skip[k] = zero[:g.o]
				if j.skip != nil {
					skip[k] = j.skip[off : off+g.o]
				}
			}
		}
		winoOutput(m[(t-t0)*g.o:], stride, &dst, &skip, j.l.b, j.relu)
	}
}

// winoInputGo is winoInput in Go: v[ξ·stride + c] = (Bᵀ d B)[ξ] for the
// 4×4 patch d whose rows of channel vectors are taps.
func winoInputGo(taps *[16][]float32, v []float32, stride, c int) {
	for ch := 0; ch < c; ch++ {
		var r [16]float32
		for k := 0; k < 4; k++ { // Bᵀ d, column k
			d0, d1, d2, d3 := taps[k][ch], taps[4+k][ch], taps[8+k][ch], taps[12+k][ch]
			r[k], r[4+k], r[8+k], r[12+k] = d0-d2, d1+d2, d2-d1, d1-d3
		}
		for i := 0; i < 4; i++ { // (Bᵀ d) B, row i
			r0, r1, r2, r3 := r[i*4], r[i*4+1], r[i*4+2], r[i*4+3]
			v[(i*4)*stride+ch] = r0 - r2
			v[(i*4+1)*stride+ch] = r1 + r2
			v[(i*4+2)*stride+ch] = r2 - r1
			v[(i*4+3)*stride+ch] = r1 - r3
		}
	}
}

// winoOutputGo is winoOutput in Go: for each channel, the 2×2 pixels
// Aᵀ M A (+ bias + skip, then ReLU when relu is set) of the products
// m[ξ·stride + channel], stored in dst[0..3] (row-major 2×2).
func winoOutputGo(m []float32, stride int, dst, skip *[4][]float32, bias []float32, relu bool) {
	for ch, b := range bias {
		var s [8]float32
		for k := 0; k < 4; k++ { // Aᵀ M, column k
			m0, m1, m2, m3 := m[k*stride+ch], m[(4+k)*stride+ch], m[(8+k)*stride+ch], m[(12+k)*stride+ch]
			s[k], s[4+k] = m0+m1+m2, m1-m2-m3
		}
		for a := 0; a < 2; a++ { // (Aᵀ M) A, row a
			s0, s1, s2, s3 := s[a*4], s[a*4+1], s[a*4+2], s[a*4+3]
			y0 := s0 + s1 + s2 + b + skip[a*2][ch]
			y1 := s1 - s2 - s3 + b + skip[a*2+1][ch]
			if relu {
				y0, y1 = relu32(y0), relu32(y1)
			}
			dst[a*2][ch], dst[a*2+1][ch] = y0, y1
		}
	}
}

package nn

// Conv2DOptions configures Conv2D. Each [2]int holds the {height, width}
// values. Zero values of Stride, Dilation and Groups mean 1, so the zero
// Conv2DOptions is a plain stride-1, unpadded convolution.
type Conv2DOptions struct {
	Stride   [2]int // step between output pixels, in input pixels
	Padding  [2]int // zeros added on each side
	Dilation [2]int // spacing between kernel taps
	Groups   int    // independent channel blocks; the input's channel count for depthwise
}

// convGeom is the resolved geometry of one Conv2D call.
type convGeom struct {
	n, c, h, w     int // input
	o, kh, kw      int // weight
	oh, ow         int // output
	sh, sw         int
	ph, pw         int
	dh, dw         int
	groups, cg, og int // groups, input and output channels per group
}

// colRows is the number of rows of one group's im2col matrix.
func (g *convGeom) colRows() int { return g.cg * g.kh * g.kw }

// direct reports whether the im2col matrix of a group equals the input
// slice itself (1×1 kernel, stride 1, no padding), so no copy is needed.
func (g *convGeom) direct() bool {
	return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0
}

func orOne(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// convOutSize is PyTorch's output size: ⌊(in + 2·pad − dil·(k−1) − 1) / stride⌋ + 1.
// It returns a value below 1 when the kernel does not fit.
func convOutSize(in, k, stride, pad, dil int) int {
	num := in + 2*pad - dil*(k-1) - 1
	if num < 0 {
		return 0
	}
	return num/stride + 1
}

func conv2DGeom(x, w, bias *Tensor, opt Conv2DOptions) convGeom {
	const op = "Conv2D"
	if x.Dims() != 4 {
		panic(shapeErr(op, "input %v is not 4-D [N C H W]", x.Shape))
	}
	if w.Dims() != 4 {
		panic(shapeErr(op, "weight %v is not 4-D [O C/groups KH KW]", w.Shape))
	}
	g := convGeom{
		n: x.Shape[0], c: x.Shape[1], h: x.Shape[2], w: x.Shape[3],
		o: w.Shape[0], kh: w.Shape[2], kw: w.Shape[3],
		sh: orOne(opt.Stride[0]), sw: orOne(opt.Stride[1]),
		ph: opt.Padding[0], pw: opt.Padding[1],
		dh: orOne(opt.Dilation[0]), dw: orOne(opt.Dilation[1]),
		groups: orOne(opt.Groups),
	}
	if g.sh < 0 || g.sw < 0 || g.dh < 0 || g.dw < 0 || g.ph < 0 || g.pw < 0 || g.groups < 0 {
		panic(shapeErr(op, "negative stride, padding, dilation or groups in %+v", opt))
	}
	if g.c%g.groups != 0 {
		panic(shapeErr(op, "input %v has %d channels, not divisible by %d groups", x.Shape, g.c, g.groups))
	}
	if g.o%g.groups != 0 {
		panic(shapeErr(op, "weight %v has %d output channels, not divisible by %d groups", w.Shape, g.o, g.groups))
	}
	if w.Shape[1]*g.groups != g.c {
		panic(shapeErr(op, "input %v has %d channels, weight %v expects %d·groups=%d", x.Shape, g.c, w.Shape, w.Shape[1], w.Shape[1]*g.groups))
	}
	if g.kh == 0 || g.kw == 0 {
		panic(shapeErr(op, "weight %v has an empty kernel", w.Shape))
	}
	if bias != nil && (bias.Dims() != 1 || bias.Shape[0] != g.o) {
		panic(shapeErr(op, "bias %v does not match weight %v (want [%d])", bias.Shape, w.Shape, g.o))
	}
	g.oh = convOutSize(g.h, g.kh, g.sh, g.ph, g.dh)
	g.ow = convOutSize(g.w, g.kw, g.sw, g.pw, g.dw)
	if g.oh < 1 || g.ow < 1 {
		panic(shapeErr(op, "kernel %dx%d (dilation %dx%d) does not fit input %v padded by %dx%d",
			g.kh, g.kw, g.dh, g.dw, x.Shape, g.ph, g.pw))
	}
	g.cg = g.c / g.groups
	g.og = g.o / g.groups
	return g
}

// colBudget bounds the im2col buffer, in elements: the output rows are
// processed in bands small enough that a band's matrix stays within it, so a
// large image does not need a copy of its input per kernel tap at once.
const colBudget = 1 << 20

// colCacheBudget bounds, in elements, the im2col matrix of several small
// images multiplied together: kept within a core's L2 cache (512 KiB), it
// is still there when the matrix product packs it instead of making a second
// trip through memory. colBudget let a batch of 9×9 boards build 1.3 MiB
// matrices of 7 images, which measured about 5% slower in CPU time.
const colCacheBudget = 1 << 17

// band returns how many output rows go into one im2col band.
func (g *convGeom) band() int {
	return max(1, min(g.oh, colBudget/(g.colRows()*g.ow)))
}

// validCols returns the range [lo, hi) of output columns ox whose input
// column x0 + ox·sw lies inside the image; the others read padding.
func (g *convGeom) validCols(x0 int) (lo, hi int) {
	if x0 < 0 {
		lo = (-x0 + g.sw - 1) / g.sw
	}
	if x0 > g.w-1 {
		return lo, lo
	}
	hi = min(g.ow, (g.w-1-x0)/g.sw+1)
	return lo, max(lo, hi)
}

// im2col copies the receptive fields of output rows [oy0, oy1) of cg
// channels starting at src (one image's channel block, [cg, h, w]) into col,
// a [cg·kh·kw, (oy1−oy0)·ow] matrix whose rows start ld elements apart;
// taps that fall in the padding are zero.
func (g *convGeom) im2col(src, col []float32, ld, oy0, oy1 int) {
	if g.sw == 1 && g.ow <= narrowImage {
		g.im2colNarrow(src, col, ld, oy0, oy1)
		return
	}
	nb := (oy1 - oy0) * g.ow
	row := 0
	for c := 0; c < g.cg; c++ {
		plane := src[c*g.h*g.w : (c+1)*g.h*g.w]
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				dst := col[row*ld : row*ld+nb]
				row++
				x0 := kj*g.dw - g.pw
				lo, hi := g.validCols(x0)
				for oy := oy0; oy < oy1; oy++ {
					iy := oy*g.sh - g.ph + ki*g.dh
					line := dst[(oy-oy0)*g.ow : (oy-oy0+1)*g.ow]
					if iy < 0 || iy >= g.h || lo == hi {
						clear(line)
						continue
					}
					in := plane[iy*g.w : (iy+1)*g.w]
					for ox := range line[:lo] {
						line[ox] = 0
					}
					for ox := hi; ox < len(line); ox++ {
						line[ox] = 0
					}
					if g.sw == 1 {
						copy(line[lo:hi], in[x0+lo:])
						continue
					}
					ix := x0 + lo*g.sw
					for ox := lo; ox < hi; ox++ {
						line[ox] = in[ix]
						ix += g.sw
					}
				}
			}
		}
	}
}

// narrowImage is the output width up to which im2col goes through a
// zero-bordered copy of each channel (im2colNarrow).
const narrowImage = 32

// im2colNarrow is im2col for stride-1 columns on narrow images (a 9×9
// board), where working out the padding of every short line costs more
// than copying it: each channel's rows that the band reads are first copied
// into a plane with a zero border, after which every line of col is a
// plain copy from it.
func (g *convGeom) im2colNarrow(src, col []float32, ld, oy0, oy1 int) {
	nb := (oy1 - oy0) * g.ow
	wp := g.w + 2*g.pw // = ow + (kw−1)·dw at stride 1
	y0 := oy0*g.sh - g.ph
	y1 := (oy1-1)*g.sh - g.ph + (g.kh-1)*g.dh + 1
	padBuf := getScratch((y1 - y0) * wp)
	defer putScratch(padBuf)
	pad := *padBuf
	row := 0
	for c := 0; c < g.cg; c++ {
		plane := src[c*g.h*g.w : (c+1)*g.h*g.w]
		for y := y0; y < y1; y++ {
			prow := pad[(y-y0)*wp : (y-y0+1)*wp]
			if y < 0 || y >= g.h {
				clear(prow)
				continue
			}
			for i := range prow[:g.pw] {
				prow[i] = 0
			}
			copy(prow[g.pw:g.pw+g.w], plane[y*g.w:(y+1)*g.w])
			for i := g.pw + g.w; i < wp; i++ {
				prow[i] = 0
			}
		}
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				dst := col[row*ld : row*ld+nb]
				row++
				for oy := oy0; oy < oy1; oy++ {
					off := (oy*g.sh-g.ph+ki*g.dh-y0)*wp + kj*g.dw
					copy(dst[(oy-oy0)*g.ow:(oy-oy0+1)*g.ow], pad[off:off+g.ow])
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds each entry of col (rows ld
// elements apart) back onto the input position it was copied from.
func (g *convGeom) col2im(col, dst []float32, ld, oy0, oy1 int) {
	nb := (oy1 - oy0) * g.ow
	row := 0
	for c := 0; c < g.cg; c++ {
		plane := dst[c*g.h*g.w : (c+1)*g.h*g.w]
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				src := col[row*ld : row*ld+nb]
				row++
				x0 := kj*g.dw - g.pw
				lo, hi := g.validCols(x0)
				if lo == hi {
					continue
				}
				for oy := oy0; oy < oy1; oy++ {
					iy := oy*g.sh - g.ph + ki*g.dh
					if iy < 0 || iy >= g.h {
						continue
					}
					out := plane[iy*g.w : (iy+1)*g.w]
					line := src[(oy-oy0)*g.ow+lo : (oy-oy0)*g.ow+hi]
					if g.sw == 1 {
						addTo(out[x0+lo:x0+hi], line)
						continue
					}
					ix := x0 + lo*g.sw
					for _, v := range line {
						out[ix] += v
						ix += g.sw
					}
				}
			}
		}
	}
}

// gradChunks is the number of partial weight gradients a convolution's
// backward pass sums in a fixed order. It bounds the parallelism of that
// pass and makes its result independent of the number of threads.
const gradChunks = 8

// Conv2D is the 2-D cross-correlation of PyTorch's conv2d: x [N, C, H, W]
// with weight w [O, C/groups, KH, KW] and an optional bias [O] (nil for
// none) gives [N, O, OH, OW] with OH = ⌊(H + 2·padH − dilH·(KH−1) − 1) /
// strideH⌋ + 1 (likewise OW). The input is padded with zeros. Input and
// output channels are split into Groups independent blocks; Groups == C
// gives a depthwise convolution. Each image and group is computed as im2col
// followed by a matrix product, in bands of output rows that are spread over
// GOMAXPROCS goroutines.
func Conv2D(x, w, bias *Tensor, opt Conv2DOptions) *Tensor {
	g := conv2DGeom(x, w, bias, opt)
	out := result([]int{g.n, g.o, g.oh, g.ow}, false, x, w, bias) // forward writes every element
	var bd []float32
	if bias != nil {
		bd = bias.Data
	}
	g.forward(x.Data, w.Data, bd, out.Data, false)
	ohw := g.oh * g.ow
	return record(out, "Conv2D", func(_ *Tensor, gy []float32, ig [][]float32) {
		gx, gw, gb := ig[0], ig[1], ig[2]
		if gb != nil {
			for n := 0; n < g.n; n++ {
				for o := 0; o < g.o; o++ {
					gb[o] += sum32(gy[(n*g.o+o)*ohw : (n*g.o+o+1)*ohw])
				}
			}
		}
		if gx == nil && gw == nil {
			return
		}
		g.backward(x.Data, w.Data, gy, gx, gw)
	}, x, w, bias)
}

// inputGradByConv adds to gx the gradient of a stride-1 convolution with
// respect to its input, given the output gradient gy, as the convolution
// of gy with the flipped, channel-transposed kernel.
func (g *convGeom) inputGradByConv(w, gy, gx []float32) {
	t := convGeom{
		n: g.n, c: g.o, h: g.oh, w: g.ow,
		o: g.c, kh: g.kh, kw: g.kw,
		oh: g.h, ow: g.w,
		sh: 1, sw: 1,
		ph: g.dh*(g.kh-1) - g.ph, pw: g.dw*(g.kw-1) - g.pw,
		dh: g.dh, dw: g.dw,
		groups: g.groups, cg: g.og, og: g.cg,
	}
	taps := g.kh * g.kw
	wtBuf := getScratch(len(w))
	defer putScratch(wtBuf)
	wt := *wtBuf // [c, og, kh, kw] per group
	for gr := 0; gr < g.groups; gr++ {
		for o := 0; o < g.og; o++ {
			for c := 0; c < g.cg; c++ {
				src := w[((gr*g.og+o)*g.cg+c)*taps:][:taps]
				dst := wt[((gr*g.cg+c)*g.og+o)*taps:][:taps]
				for i, v := range src {
					dst[taps-1-i] = v
				}
			}
		}
	}
	t.forward(gy, wt, nil, gx, true)
}

// depthwise reports whether every group maps one input channel to one
// output channel (a depthwise convolution with multiplier 1), which is
// computed directly: a matrix product with one row would waste the GEMM.
func (g *convGeom) depthwise() bool { return g.cg == 1 && g.og == 1 }

// depthwiseForward computes output rows [oy0, oy1) of one depthwise plane:
// out = bias + Σ_taps w[tap]·(input shifted by the tap), tap by tap over
// whole lines. With acc set it adds to out instead (bias must be 0).
func (g *convGeom) depthwiseForward(in, wk, out []float32, bias float32, oy0, oy1 int, acc bool) {
	if !acc {
		fill(out[oy0*g.ow:oy1*g.ow], bias)
	}
	for ki := 0; ki < g.kh; ki++ {
		for kj := 0; kj < g.kw; kj++ {
			wv := wk[ki*g.kw+kj]
			x0 := kj*g.dw - g.pw
			lo, hi := g.validCols(x0)
			if lo == hi {
				continue
			}
			for oy := oy0; oy < oy1; oy++ {
				iy := oy*g.sh - g.ph + ki*g.dh
				if iy < 0 || iy >= g.h {
					continue
				}
				row := in[iy*g.w : (iy+1)*g.w]
				dst := out[oy*g.ow+lo : oy*g.ow+hi]
				if g.sw == 1 {
					for i, v := range row[x0+lo : x0+hi] {
						dst[i] += wv * v
					}
					continue
				}
				ix := x0 + lo*g.sw
				for i := range dst {
					dst[i] += wv * row[ix]
					ix += g.sw
				}
			}
		}
	}
}

// depthwiseBackward adds the gradients of one depthwise plane given its
// output gradient dy: to the input plane gx and the kernel gw (either may
// be nil).
func (g *convGeom) depthwiseBackward(in, wk, dy, gx, gw []float32) {
	for ki := 0; ki < g.kh; ki++ {
		for kj := 0; kj < g.kw; kj++ {
			wv := wk[ki*g.kw+kj]
			x0 := kj*g.dw - g.pw
			lo, hi := g.validCols(x0)
			if lo == hi {
				continue
			}
			var s float32
			for oy := 0; oy < g.oh; oy++ {
				iy := oy*g.sh - g.ph + ki*g.dh
				if iy < 0 || iy >= g.h {
					continue
				}
				d := dy[oy*g.ow+lo : oy*g.ow+hi]
				ix := x0 + lo*g.sw
				if g.sw == 1 {
					row := in[iy*g.w+ix : iy*g.w+ix+len(d)]
					if gw != nil {
						for i, v := range d {
							s += v * row[i]
						}
					}
					if gx != nil {
						grow := gx[iy*g.w+ix : iy*g.w+ix+len(d)]
						for i, v := range d {
							grow[i] += wv * v
						}
					}
					continue
				}
				for _, v := range d {
					if gw != nil {
						s += v * in[iy*g.w+ix]
					}
					if gx != nil {
						gx[iy*g.w+ix] += wv * v
					}
					ix += g.sw
				}
			}
			if gw != nil {
				gw[ki*g.kw+kj] += s
			}
		}
	}
}

// minProductCols is the number of columns below which a convolution's
// matrix products are too narrow to run the micro-kernel efficiently; small
// images are then multiplied several at a time.
const minProductCols = 512

// forward computes the convolution of x into out (both NCHW) with bias b
// (nil for none). The work is cut into units of one band of output rows of
// one image and group or, for small images, of several whole images of one
// group; the units are spread over goroutines. With acc set the result is
// added to out (b must then be nil).
func (g *convGeom) forward(x, w, b, out []float32, acc bool) {
	ohw := g.oh * g.ow
	k := g.colRows()
	band := g.band()
	cost := float64(g.n*g.o*ohw) * float64(k)
	per := g.n * g.groups
	want := workersFor(per*g.oh, cost)
	images := 1 // images per unit
	if band == g.oh && ohw < minProductCols && !g.depthwise() {
		images = min(ceilDiv(minProductCols, ohw), max(1, colCacheBudget/(k*ohw)), ceilDiv(g.n, want))
	}
	if per < want {
		// Fewer images and groups than threads (one position evaluated by a
		// game search): cut the rows into more bands.
		band = min(band, ceilDiv(g.oh, ceilDiv(want, per)))
	}
	bands := ceilDiv(g.oh, band)
	batches := ceilDiv(g.n, images)
	units := batches * g.groups * bands
	parallel(workersFor(units, cost), units, func(_, lo, hi int) {
		var colBuf, tmpBuf *[]float32
		if (!g.direct() || images > 1) && !g.depthwise() {
			colBuf = getScratch(k * band * g.ow * images)
			defer putScratch(colBuf)
		}
		if images > 1 {
			tmpBuf = getScratch(g.og * ohw * images)
			defer putScratch(tmpBuf)
		}
		for u := lo; u < hi; u++ {
			n0, gr, oy0 := u/(g.groups*bands)*images, u/bands%g.groups, u%bands*band
			wg := w[gr*g.og*k:]
			if images > 1 {
				g.forwardImages(x, wg, b, out, *colBuf, *tmpBuf, n0, min(n0+images, g.n), gr, acc)
				continue
			}
			oy1 := min(oy0+band, g.oh)
			nb := (oy1 - oy0) * g.ow
			src := x[(n0*g.c+gr*g.cg)*g.h*g.w:][:g.cg*g.h*g.w]
			if g.depthwise() {
				bv := float32(0)
				if b != nil {
					bv = b[gr]
				}
				g.depthwiseForward(src, wg[:k], out[(n0*g.o+gr)*ohw:][:ohw], bv, oy0, oy1, acc)
				continue
			}
			dst := out[(n0*g.o+gr*g.og)*ohw+oy0*g.ow:]
			beta := float32(0)
			if b != nil {
				// Start from the bias so that the product adds onto it.
				for o := 0; o < g.og; o++ {
					fill(dst[o*ohw:o*ohw+nb], b[gr*g.og+o])
				}
				beta = 1
			}
			if acc {
				beta = 1
			}
			if colBuf == nil {
				// out[n, group] [og, ohw] = w[group] [og, k] · x[n, group] [k, ohw]
				sgemm(false, false, g.og, nb, k, 1, wg, k, src[oy0*g.ow:], ohw, beta, dst, ohw)
				continue
			}
			col := *colBuf
			g.im2col(src, col, nb, oy0, oy1)
			// The band's columns of out[n, group] [og, ohw] = w[group] [og, k] · col [k, nb].
			sgemm(false, false, g.og, nb, k, 1, wg, k, col, nb, beta, dst, ohw)
		}
	})
}

// forwardImages convolves whole images [n0, n1) of group gr with one
// matrix product: their im2col matrices side by side in col, the product
// in tmp [og, (n1−n0)·ohw], then copied to the output planes with the bias.
func (g *convGeom) forwardImages(x, wg, b, out, col, tmp []float32, n0, n1, gr int, acc bool) {
	ohw := g.oh * g.ow
	k := g.colRows()
	ld := (n1 - n0) * ohw
	for n := n0; n < n1; n++ {
		g.im2col(x[(n*g.c+gr*g.cg)*g.h*g.w:][:g.cg*g.h*g.w], col[(n-n0)*ohw:], ld, 0, g.oh)
	}
	sgemm(false, false, g.og, ld, k, 1, wg, k, col, ld, 0, tmp, ld)
	for n := n0; n < n1; n++ {
		for o := 0; o < g.og; o++ {
			dst := out[(n*g.o+gr*g.og+o)*ohw:][:ohw]
			src := tmp[o*ld+(n-n0)*ohw:][:ohw]
			switch {
			case acc:
				addTo(dst, src)
				continue
			case b == nil:
				copy(dst, src)
				continue
			}
			bv := b[gr*g.og+o]
			for i, v := range src {
				dst[i] = v + bv
			}
		}
	}
}

// backward adds the gradients of one Conv2D with respect to its input (gx)
// and weight (gw) given the output gradient gy; either may be nil. Images
// and groups are split into gradChunks chunks whose weight gradients are
// summed separately and then added to gw in chunk order.
func (g *convGeom) backward(x, w, gy, gx, gw []float32) {
	if gx != nil && g.sh == 1 && g.sw == 1 && !g.direct() &&
		g.ph <= g.dh*(g.kh-1) && g.pw <= g.dw*(g.kw-1) {
		// With stride 1 the input gradient is itself a convolution: of the
		// output gradient with the kernel flipped in space and transposed
		// in channels, padded so that the sizes come back. It reads
		// o·kh·kw rows of im2col instead of scattering c·kh·kw rows back
		// with col2im, which is most of the saving for layers with few
		// outputs (ESPCN's last layer has 4).
		g.inputGradByConv(w, gy, gx)
		gx = nil
		if gw == nil {
			return
		}
	}
	ohw := g.oh * g.ow
	k := g.colRows()
	band := g.band()
	units := g.n * g.groups
	chunks := min(units, gradChunks)
	var partial [gradChunks]*[]float32
	if gw != nil && chunks > 1 {
		for c := 0; c < chunks; c++ {
			partial[c] = getScratch(len(gw))
			clear(*partial[c])
		}
	}
	cost := 2 * float64(g.n*g.o*ohw) * float64(k)
	parallel(workersFor(chunks, cost), chunks, func(_, clo, chi int) {
		var col, dcol *[]float32
		if !g.direct() && !g.depthwise() {
			if gw != nil {
				col = getScratch(k * band * g.ow)
				defer putScratch(col)
			}
			if gx != nil {
				dcol = getScratch(k * band * g.ow)
				defer putScratch(dcol)
			}
		}
		for c := clo; c < chi; c++ {
			dw := gw
			if partial[c] != nil {
				dw = *partial[c]
			}
			for u := c * units / chunks; u < (c+1)*units/chunks; u++ {
				n, gr := u/g.groups, u%g.groups
				xoff := (n*g.c + gr*g.cg) * g.h * g.w
				src := x[xoff:][:g.cg*g.h*g.w]
				dy := gy[(n*g.o+gr*g.og)*ohw:]
				wg := w[gr*g.og*k:]
				if g.depthwise() {
					var gxp, dwp []float32
					if gx != nil {
						gxp = gx[xoff:][:g.h*g.w]
					}
					if gw != nil {
						dwp = dw[gr*k:][:k]
					}
					g.depthwiseBackward(src, wg[:k], dy[:ohw], gxp, dwp)
					continue
				}
				if g.direct() {
					if gw != nil { // dW[group] [og, k] += dY [og, ohw] · xᵀ [ohw, k]
						sgemm(false, true, g.og, k, ohw, 1, dy, ohw, src, ohw, 1, dw[gr*g.og*k:], k)
					}
					if gx != nil { // dx [k, ohw] += W[group]ᵀ [k, og] · dY [og, ohw]
						sgemm(true, false, k, ohw, g.og, 1, wg, k, dy, ohw, 1, gx[xoff:], ohw)
					}
					continue
				}
				for oy0 := 0; oy0 < g.oh; oy0 += band {
					oy1 := min(oy0+band, g.oh)
					nb := (oy1 - oy0) * g.ow
					if gw != nil { // dW[group] [og, k] += dY band [og, nb] · colᵀ [nb, k]
						g.im2col(src, *col, nb, oy0, oy1)
						sgemm(false, true, g.og, k, nb, 1, dy[oy0*g.ow:], ohw, *col, nb, 1, dw[gr*g.og*k:], k)
					}
					if gx != nil { // dcol [k, nb] = W[group]ᵀ [k, og] · dY band [og, nb]
						sgemm(true, false, k, nb, g.og, 1, wg, k, dy[oy0*g.ow:], ohw, 0, *dcol, nb)
						g.col2im(*dcol, gx[xoff:], nb, oy0, oy1)
					}
				}
			}
		}
	})
	for c := 0; c < chunks; c++ {
		if partial[c] != nil {
			addTo(gw, *partial[c])
			putScratch(partial[c])
		}
	}
}

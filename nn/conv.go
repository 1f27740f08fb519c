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

// band returns how many output rows go into one im2col band.
func (g *convGeom) band() int {
	return max(1, min(g.oh, colBudget/(g.colRows()*g.ow)))
}

// im2col copies the receptive fields of output rows [oy0, oy1) of cg
// channels starting at src (one image's channel block, [cg, h, w]) into col,
// a [cg·kh·kw, (oy1−oy0)·ow] matrix; taps that fall in the padding are zero.
func (g *convGeom) im2col(src, col []float32, oy0, oy1 int) {
	nb := (oy1 - oy0) * g.ow
	row := 0
	for c := 0; c < g.cg; c++ {
		plane := src[c*g.h*g.w : (c+1)*g.h*g.w]
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				dst := col[row*nb : (row+1)*nb]
				row++
				for oy := oy0; oy < oy1; oy++ {
					iy := oy*g.sh - g.ph + ki*g.dh
					line := dst[(oy-oy0)*g.ow : (oy-oy0+1)*g.ow]
					if iy < 0 || iy >= g.h {
						clear(line)
						continue
					}
					in := plane[iy*g.w : (iy+1)*g.w]
					ix := kj*g.dw - g.pw
					for ox := range line {
						if ix >= 0 && ix < g.w {
							line[ox] = in[ix]
						} else {
							line[ox] = 0
						}
						ix += g.sw
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds each entry of col back onto the
// input position it was copied from.
func (g *convGeom) col2im(col, dst []float32, oy0, oy1 int) {
	nb := (oy1 - oy0) * g.ow
	row := 0
	for c := 0; c < g.cg; c++ {
		plane := dst[c*g.h*g.w : (c+1)*g.h*g.w]
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				src := col[row*nb : (row+1)*nb]
				row++
				for oy := oy0; oy < oy1; oy++ {
					iy := oy*g.sh - g.ph + ki*g.dh
					if iy < 0 || iy >= g.h {
						continue
					}
					out := plane[iy*g.w : (iy+1)*g.w]
					ix := kj*g.dw - g.pw
					for _, v := range src[(oy-oy0)*g.ow : (oy-oy0+1)*g.ow] {
						if ix >= 0 && ix < g.w {
							out[ix] += v
						}
						ix += g.sw
					}
				}
			}
		}
	}
}

// Conv2D is the 2-D cross-correlation of PyTorch's conv2d: x [N, C, H, W]
// with weight w [O, C/groups, KH, KW] and an optional bias [O] (nil for
// none) gives [N, O, OH, OW] with OH = ⌊(H + 2·padH − dilH·(KH−1) − 1) /
// strideH⌋ + 1 (likewise OW). The input is padded with zeros. Input and
// output channels are split into Groups independent blocks; Groups == C
// gives a depthwise convolution. Each image and group is computed as im2col
// followed by a matrix product, in bands of output rows.
func Conv2D(x, w, bias *Tensor, opt Conv2DOptions) *Tensor {
	g := conv2DGeom(x, w, bias, opt)
	ohw := g.oh * g.ow
	k := g.colRows()
	band := g.band()
	out := Zeros(g.n, g.o, g.oh, g.ow)
	var col []float32
	if !g.direct() {
		col = make([]float32, k*band*g.ow)
	}
	for n := 0; n < g.n; n++ {
		for gr := 0; gr < g.groups; gr++ {
			src := x.Data[(n*g.c+gr*g.cg)*g.h*g.w:][:g.cg*g.h*g.w]
			wg := w.Data[gr*g.og*k:]
			dst := out.Data[(n*g.o+gr*g.og)*ohw:]
			if col == nil {
				// out[n, group] [og, ohw] = w[group] [og, k] · x[n, group] [k, ohw]
				sgemm(false, false, g.og, ohw, k, 1, wg, k, src, ohw, 0, dst, ohw)
				continue
			}
			for oy0 := 0; oy0 < g.oh; oy0 += band {
				oy1 := min(oy0+band, g.oh)
				nb := (oy1 - oy0) * g.ow
				g.im2col(src, col, oy0, oy1)
				// The band's columns of out[n, group] [og, ohw] = w[group] [og, k] · col [k, nb].
				sgemm(false, false, g.og, nb, k, 1, wg, k, col, nb, 0, dst[oy0*g.ow:], ohw)
			}
		}
		if bias != nil {
			for o := 0; o < g.o; o++ {
				b := bias.Data[o]
				plane := out.Data[(n*g.o+o)*ohw : (n*g.o+o+1)*ohw]
				for i := range plane {
					plane[i] += b
				}
			}
		}
	}
	return record(out, "Conv2D", func(_ *Tensor, gy []float32, ig [][]float32) {
		gx, gw, gb := ig[0], ig[1], ig[2]
		if gb != nil {
			for n := 0; n < g.n; n++ {
				for o := 0; o < g.o; o++ {
					var s float32
					for _, v := range gy[(n*g.o+o)*ohw : (n*g.o+o+1)*ohw] {
						s += v
					}
					gb[o] += s
				}
			}
		}
		if gx == nil && gw == nil {
			return
		}
		var col, dcol []float32
		if !g.direct() {
			if gw != nil {
				col = make([]float32, k*band*g.ow)
			}
			if gx != nil {
				dcol = make([]float32, k*band*g.ow)
			}
		}
		for n := 0; n < g.n; n++ {
			for gr := 0; gr < g.groups; gr++ {
				xoff := (n*g.c + gr*g.cg) * g.h * g.w
				src := x.Data[xoff:][:g.cg*g.h*g.w]
				dy := gy[(n*g.o+gr*g.og)*ohw:]
				wg := w.Data[gr*g.og*k:]
				if g.direct() {
					if gw != nil { // dW[group] [og, k] += dY [og, ohw] · xᵀ [ohw, k]
						sgemm(false, true, g.og, k, ohw, 1, dy, ohw, src, ohw, 1, gw[gr*g.og*k:], k)
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
						g.im2col(src, col, oy0, oy1)
						sgemm(false, true, g.og, k, nb, 1, dy[oy0*g.ow:], ohw, col, nb, 1, gw[gr*g.og*k:], k)
					}
					if gx != nil { // dcol [k, nb] = W[group]ᵀ [k, og] · dY band [og, nb]
						sgemm(true, false, k, nb, g.og, 1, wg, k, dy[oy0*g.ow:], ohw, 0, dcol, nb)
						g.col2im(dcol, gx[xoff:], oy0, oy1)
					}
				}
			}
		}
	}, x, w, bias)
}

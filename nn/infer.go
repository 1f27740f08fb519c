package nn

import (
	"math"
	"slices"

	"github.com/trident-lab/trident/internal/gemm"
)

// Inference without a graph.
//
// The autograd operations pay for generality on every call: a fresh output
// tensor, an im2col matrix in the NCHW order that suits the backward pass,
// the weights repacked, and separate passes for the bias, the residual
// addition and the activation. A game search evaluates one position at a
// time, where those costs are as large as the arithmetic. The types below
// are the inference-only path: layers are snapshotted once (EvalConv,
// EvalDense) into the layout the forward product wants, packed for the
// GEMM micro-kernel; activations are kept channels-last (NHWC) so that a
// pixel's receptive field is a few contiguous runs of channels; 3×3 layers
// use Winograd's F(2×2, 3×3) (infer_winograd.go); the bias, residual
// addition and activation are applied in one pass over each block of the
// product while it is still in cache; and the output buffers come from an
// Infer that hands the same memory out again on every pass. A typical
// residual tower:
//
//	in := nn.NewInfer()
//	stem, body := nn.NewEvalConv(model.Stem), nn.NewEvalConv(model.Body)
//	for each position x [N, C, H, W] {
//		in.Reset()
//		h := stem.Forward(in, in.ChannelsLast(x), nil, nn.ActReLU)
//		h = body.Forward(in, h, h, nn.ActReLU) // relu(conv(h) + b + h)
//		... read the outputs before the next Reset
//	}

// Act is the nonlinearity an inference layer applies to its output.
type Act int

// Activations of the inference layers.
const (
	ActNone Act = iota // identity
	ActReLU            // max(0, x)
	ActTanh            // tanh, as Tanh
)

// Infer is the working memory of inference passes: the tensors that the
// Eval layers and ChannelsLast return are taken from it, and Reset hands
// their memory out again. A pass that repeats the same layers on the same
// batch size allocates nothing once the first pass has sized the buffers.
//
// The results of a pass stay valid until the next Reset; copy what must
// outlive it. An Infer is not safe for concurrent use: give each goroutine
// that evaluates (each search thread, say) its own. The Eval layers
// themselves are read-only and may be shared.
type Infer struct {
	slots []*Tensor
	used  int
	// viewSlots hold the tensors of Reshape, which share another
	// tensor's storage and so must never be handed out as a buffer.
	viewSlots []*Tensor
	views     int
}

// NewInfer returns an Infer with no buffers yet.
func NewInfer() *Infer { return &Infer{} }

// Reset makes the memory of every tensor returned since the last Reset
// available to the next pass; those tensors must not be used afterwards.
func (e *Infer) Reset() { e.used, e.views = 0, 0 }

// tensor returns a tensor of the given shape whose contents are
// unspecified. Passes repeat the same sequence of shapes, so slot i is
// normally asked for the same size every time and is reused as it is.
func (e *Infer) tensor(shape ...int) *Tensor {
	n := 1 // the callers' shapes come from validated tensors
	for _, d := range shape {
		n *= d
	}
	if e.used == len(e.slots) {
		e.slots = append(e.slots, &Tensor{})
	}
	t := e.slots[e.used]
	e.used++
	if cap(t.Data) < n {
		t.Data = make([]float32, n)
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
	return t
}

// ChannelsLast returns x [N, C, H, W] rearranged to [N, H, W, C], the layout
// of the inputs and outputs of EvalConv.
func (e *Infer) ChannelsLast(x *Tensor) *Tensor {
	if x.Dims() != 4 {
		panic(shapeErr("ChannelsLast", "input %v is not 4-D [N C H W]", x.Shape))
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := e.tensor(n, h, w, c)
	transposeEach(out.Data, x.Data, n, c, h*w)
	return out
}

// transposeEach writes each of the n rows×cols matrices of src, one after
// another, transposed into dst: the channels-first and channels-last
// layouts of an image are each other's transposes.
func transposeEach(dst, src []float32, n, rows, cols int) {
	size := rows * cols
	for i := 0; i < n; i++ {
		s, d := src[i*size:(i+1)*size], dst[i*size:(i+1)*size]
		for r := 0; r < rows; r++ {
			for col, v := range s[r*cols : (r+1)*cols] {
				d[col*rows+r] = v
			}
		}
	}
}

// ChannelsFirst returns x [N, H, W, C] rearranged to [N, C, H, W], the
// layout of Conv2D.
func (e *Infer) ChannelsFirst(x *Tensor) *Tensor {
	if x.Dims() != 4 {
		panic(shapeErr("ChannelsFirst", "input %v is not 4-D [N H W C]", x.Shape))
	}
	n, h, w, c := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	out := e.tensor(n, c, h, w)
	transposeEach(out.Data, x.Data, n, h*w, c)
	return out
}

// Reshape returns a view of x with the given shape (one dimension may be
// −1, as in Reshape), valid as long as x is.
func (e *Infer) Reshape(x *Tensor, shape ...int) *Tensor {
	if e.views == len(e.viewSlots) {
		e.viewSlots = append(e.viewSlots, &Tensor{})
	}
	t := e.viewSlots[e.views]
	e.views++
	t.Data = x.Data
	t.Shape = inferShape("Infer.Reshape", x, append(t.Shape[:0], shape...))
	return t
}

// inferShape resolves a −1 in shape, in place, against x's element count.
func inferShape(op string, x *Tensor, shape []int) []int {
	free, n := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && free < 0:
			free = i
		case d < 0:
			panic(shapeErr(op, "bad dimension %d in %v", d, slices.Clone(shape)))
		default:
			n *= d
		}
	}
	if free >= 0 {
		if n == 0 || len(x.Data)%n != 0 {
			panic(shapeErr(op, "cannot reshape %v to %v", x.Shape, slices.Clone(shape)))
		}
		shape[free] = len(x.Data) / n
		n = len(x.Data)
	}
	if n != len(x.Data) {
		panic(shapeErr(op, "cannot reshape %v (%d elements) to %v", x.Shape, len(x.Data), slices.Clone(shape)))
	}
	return shape
}

// activate applies act to s in place.
func activate(s []float32, act Act) {
	switch act {
	case ActReLU:
		for i, v := range s {
			s[i] = max(v, 0)
		}
	case ActTanh:
		tanhSlice(s, s)
	}
}

// EvalDense is an inference-only snapshot of a Dense layer.
type EvalDense struct {
	in, out int
	// wt is the weight transposed, [out, in], so that each output is a
	// dot product of two contiguous rows.
	wt []float32
	b  []float32
}

// NewEvalDense copies d's parameters for inference on inputs [N, in].
// Later changes to d (training) do not reach the copy: snapshot again.
func NewEvalDense(d *Dense) *EvalDense {
	if d.W.Dims() != 2 || d.B.Dims() != 1 || d.B.Shape[0] != d.W.Shape[1] {
		panic(shapeErr("NewEvalDense", "weight %v and bias %v do not form a Dense layer", d.W.Shape, d.B.Shape))
	}
	in, out := d.W.Shape[0], d.W.Shape[1]
	l := &EvalDense{in: in, out: out, wt: make([]float32, in*out), b: append([]float32(nil), d.B.Data...)}
	for i := 0; i < in; i++ {
		for o := 0; o < out; o++ {
			l.wt[o*in+i] = d.W.Data[i*out+o]
		}
	}
	return l
}

// NewEvalDenseNHWC is NewEvalDense for a layer that the trained model
// applies to feature maps [N, C, H, W] flattened to [N, C·H·W]: the copy
// takes the same maps channels-last, [N, H, W, C] (or that flattened), so
// that no ChannelsFirst is needed before it.
func NewEvalDenseNHWC(d *Dense, c, h, w int) *EvalDense {
	l := NewEvalDense(d)
	if c*h*w != l.in {
		panic(shapeErr("NewEvalDenseNHWC", "maps of %d×%d×%d do not fit weight %v", c, h, w, d.W.Shape))
	}
	hw := h * w
	row := make([]float32, l.in)
	for o := 0; o < l.out; o++ {
		wo := l.wt[o*l.in : (o+1)*l.in]
		for ch := 0; ch < c; ch++ {
			for p := 0; p < hw; p++ {
				row[p*c+ch] = wo[ch*hw+p]
			}
		}
		copy(wo, row)
	}
	return l
}

// narrowOut is the number of outputs below which a layer computes dot
// products instead of a matrix product: the micro-kernel's 16 columns would
// be mostly padding.
const narrowOut = 8

// narrowRows is the number of output pixels from which a convolution with
// fewer than narrowOut outputs multiplies by zero-padded weights instead of
// taking dot products: below it, packing the pixels costs more than the
// padding saves.
const narrowRows = 48

// Forward returns act(x·W + b) as [N, out] for x with N rows of in
// elements (any shape whose first dimension is N).
func (l *EvalDense) Forward(e *Infer, x *Tensor, act Act) *Tensor {
	if x.Dims() < 1 || x.Shape[0] == 0 || len(x.Data) != x.Shape[0]*l.in {
		panic(shapeErr("EvalDense", "input %v does not hold rows of %d", x.Shape, l.in))
	}
	n := x.Shape[0]
	y := e.tensor(n, l.out)
	if l.out < narrowOut {
		for i := 0; i < n; i++ {
			xi := x.Data[i*l.in : (i+1)*l.in]
			for o := 0; o < l.out; o++ {
				y.Data[i*l.out+o] = dot32(xi, l.wt[o*l.in:(o+1)*l.in]) + l.b[o]
			}
		}
	} else {
		for i := 0; i < n; i++ {
			copy(y.Data[i*l.out:(i+1)*l.out], l.b)
		}
		sgemm(false, true, n, l.out, l.in, 1, x.Data, l.in, l.wt, l.in, 1, y.Data, l.out)
	}
	activate(y.Data, act)
	return y
}

// EvalConv is an inference-only snapshot of a Conv layer working on
// channels-last maps: input [N, H, W, C], output [N, OH, OW, O], with the
// geometry (stride, padding, dilation, groups) of the layer's options.
//
// Stride-1 3×3 layers of at least 16 input channels (whole multiples of 8
// in and out) with no activation or ReLU are computed by Winograd
// F(2×2, 3×3): 16 products [tiles × C]·[C × O], 1.8× fewer multiplies than
// the direct sum on a 9×9 board. Other layers multiply each block of output
// pixels directly: the pixels' receptive fields copied side by side (a row
// of kh·kw·C/groups values per pixel, whole runs of channels at a time)
// times the weights, [kh·kw·C/groups, O/groups] per group; depthwise
// layers (one input and one output channel per group) by a direct loop over
// channels. Either way the work is cut into blocks spread over GOMAXPROCS
// goroutines, at least two per goroutine and whole micro-kernel tiles each,
// so that both cores work on a single position. The cut does not change
// the result.
type EvalConv struct {
	c, o, kh, kw int
	opt          Conv2DOptions
	sh, sw       int
	dh, dw       int
	groups       int
	// w holds, per group, the [kh·kw·cg, og] weight matrix with rows in
	// (ky, kx, channel) order; packed holds the same matrices packed for
	// the micro-kernel, once: as they are when they are wide enough to use
	// it, otherwise with zero columns up to narrowOut, for blocks of many
	// pixels (see product).
	w      []float32
	packed []*gemm.PackedB
	b      []float32
	// wino holds the Winograd kernel transforms of a 3×3 stride-1 layer
	// with enough channels (see infer_winograd.go), nil for others.
	wino *winograd
	// taps holds the weights of a depthwise layer (one input and one output
	// channel per group), [kh·kw, c], for a direct loop over channels; nil
	// for others.
	taps []float32
}

// NewEvalConv copies c's parameters for inference. Later changes to c
// (training) do not reach the copy: snapshot again.
func NewEvalConv(c *Conv) *EvalConv {
	w := c.W
	if w.Dims() != 4 {
		panic(shapeErr("NewEvalConv", "weight %v is not 4-D [O C/groups KH KW]", w.Shape))
	}
	groups := orOne(c.Opt.Groups)
	o, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	if o%groups != 0 || kh == 0 || kw == 0 {
		panic(shapeErr("NewEvalConv", "weight %v does not fit %d groups", w.Shape, groups))
	}
	if c.B != nil && (c.B.Dims() != 1 || c.B.Shape[0] != o) {
		panic(shapeErr("NewEvalConv", "bias %v does not match weight %v", c.B.Shape, w.Shape))
	}
	if opt := c.Opt; opt.Stride[0] < 0 || opt.Stride[1] < 0 || opt.Dilation[0] < 0 || opt.Dilation[1] < 0 ||
		opt.Padding[0] < 0 || opt.Padding[1] < 0 || opt.Groups < 0 {
		panic(shapeErr("NewEvalConv", "negative stride, padding, dilation or groups in %+v", opt))
	}
	l := &EvalConv{
		c: cg * groups, o: o, kh: kh, kw: kw, opt: c.Opt,
		sh: orOne(c.Opt.Stride[0]), sw: orOne(c.Opt.Stride[1]),
		dh: orOne(c.Opt.Dilation[0]), dw: orOne(c.Opt.Dilation[1]),
		groups: groups,
		w:      make([]float32, len(w.Data)),
		b:      make([]float32, o),
	}
	if c.B != nil {
		copy(l.b, c.B.Data)
	}
	og, k := o/groups, kh*kw*cg
	for gr := 0; gr < groups; gr++ {
		dst := l.w[gr*k*og : (gr+1)*k*og]
		for oo := 0; oo < og; oo++ {
			src := w.Data[(gr*og+oo)*k : (gr*og+oo+1)*k] // [cg, kh, kw]
			for ch := 0; ch < cg; ch++ {
				for t := 0; t < kh*kw; t++ {
					dst[(t*cg+ch)*og+oo] = src[ch*kh*kw+t]
				}
			}
		}
		if og >= narrowOut {
			l.packed = append(l.packed, gemm.PackB(false, k, og, dst, og))
			continue
		}
		wide := make([]float32, k*narrowOut)
		for i := 0; i < k; i++ {
			copy(wide[i*narrowOut:], dst[i*og:(i+1)*og])
		}
		l.packed = append(l.packed, gemm.PackB(false, k, narrowOut, wide, narrowOut))
	}
	if winoFits(l) {
		l.wino = newWinograd(l.w, l.c, l.o)
	}
	if cg == 1 && og == 1 {
		l.taps = make([]float32, kh*kw*l.c)
		for ch := 0; ch < l.c; ch++ {
			for t := 0; t < kh*kw; t++ {
				l.taps[t*l.c+ch] = w.Data[ch*kh*kw+t]
			}
		}
	}
	return l
}

// geom resolves the geometry of a call on x [N, H, W, C] with the shared
// checks and output size of Conv2D.
func (l *EvalConv) geom(x *Tensor) convGeom {
	if x.Dims() != 4 || x.Shape[3] != l.c {
		panic(shapeErr("EvalConv", "input %v is not [N H W %d]", x.Shape, l.c))
	}
	g := convGeom{
		n: x.Shape[0], c: l.c, h: x.Shape[1], w: x.Shape[2],
		o: l.o, kh: l.kh, kw: l.kw,
		sh: l.sh, sw: l.sw, ph: l.opt.Padding[0], pw: l.opt.Padding[1],
		dh: l.dh, dw: l.dw, groups: l.groups,
		cg: l.c / l.groups, og: l.o / l.groups,
	}
	g.oh = convOutSize(g.h, g.kh, g.sh, g.ph, g.dh)
	g.ow = convOutSize(g.w, g.kw, g.sw, g.pw, g.dw)
	if g.oh < 1 || g.ow < 1 || g.ph < 0 || g.pw < 0 {
		panic(shapeErr("EvalConv", "kernel %dx%d does not fit input %v padded by %v", g.kh, g.kw, x.Shape, l.opt.Padding))
	}
	return g
}

// Budgets of one block of output pixels: its receptive-field matrix stays
// within a core's L2 cache (where the product then packs it from), and its
// product under gemm's threshold for splitting one product across threads,
// since the blocks are already spread over the cores.
const (
	evalColBudget  = 1 << 17
	evalMaxProduct = 1<<23 - 1
	// evalTile is a multiple of the row count of every micro-kernel in
	// internal/gemm (6 for AVX2, 8 for AVX-512), so that a cut between
	// blocks does not add a partial tile.
	evalTile = 24
	// evalPad is the row count of the kernel on CPUs with AVX-512, to
	// which the last block is padded. (internal/gemm does not export its
	// tile; with 6-row tiles a padded block may still end in a partial
	// one, which costs only a slower packing of that tile.)
	evalPad = 8
)

// Forward returns act(conv(x) + b + skip) for x [N, H, W, C]; skip (nil
// for none) is a residual input of the output's shape [N, OH, OW, O].
func (l *EvalConv) Forward(e *Infer, x, skip *Tensor, act Act) *Tensor {
	g := l.geom(x)
	p := g.n * g.oh * g.ow
	out := e.tensor(g.n, g.oh, g.ow, g.o)
	if skip != nil && !sameShape(skip.Shape, out.Shape) {
		panic(shapeErr("EvalConv", "residual %v does not match output %v", skip.Shape, out.Shape))
	}
	if g.n == 0 {
		return out
	}
	if l.wino != nil && act != ActTanh {
		l.forwardWinograd(g, x, skip, out, act)
		return out
	}
	k := g.kh * g.kw * g.cg
	// A 1×1, stride-1, unpadded convolution of ungrouped channels multiplies
	// the input itself: each pixel's channels are already a row. A
	// depthwise one multiplies each channel by its own taps. Neither needs
	// the receptive-field matrix.
	direct := g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.groups == 1 ||
		l.taps != nil
	cost := float64(p) * float64(g.o) * float64(k)
	w := workersFor(p/evalTile+1, cost)
	rows := max(evalTile, min(evalColBudget/k, evalMaxProduct/max(1, k*g.o))/evalTile*evalTile)
	// At least two blocks per worker: parallel hands blocks out as the
	// workers ask, so when the machine is busy and a helper thread starts
	// late, the caller goes on with the blocks that are left.
	rows = min(rows, roundUpTo(ceilDiv(p, 2*w), evalTile))
	blocks := ceilDiv(p, rows)
	job := convJob{l: l, g: g, x: x.Data, out: out.Data, act: act, rows: rows, k: k, direct: direct}
	if skip != nil {
		job.skip = skip.Data
	}
	if w = min(w, blocks); w <= 1 {
		job.run(0, blocks)
		return out
	}
	shared := job // only this copy escapes to the goroutines
	parallel(w, blocks, func(_, lo, hi int) { shared.run(lo, hi) })
	return out
}

// convJob is one EvalConv.Forward call, cut into blocks of output pixels.
type convJob struct {
	l       *EvalConv
	g       convGeom
	x, out  []float32
	skip    []float32
	act     Act
	rows, k int
	direct  bool
}

// run computes blocks [lo, hi).
func (j *convJob) run(lo, hi int) {
	g, k, p := &j.g, j.k, j.g.n*j.g.oh*j.g.ow
	var colBuf, tmpBuf *[]float32
	if !j.direct {
		colBuf = getScratch(j.rows * k)
	}
	for blk := lo; blk < hi; blk++ {
		p0, p1 := blk*j.rows, min((blk+1)*j.rows, p)
		dst := j.out[p0*g.o : p1*g.o]
		res, m := dst, p1-p0
		if !j.direct && m%evalPad != 0 {
			// The last block: pad it with zero rows to whole micro-kernel
			// tiles, which the product packs with its fast path, and take
			// the result from a scratch matrix.
			m = roundUpTo(m, evalPad)
			if tmpBuf == nil {
				tmpBuf = getScratch(m * g.o)
			}
			res = (*tmpBuf)[:m*g.o]
		}
		if j.l.taps != nil {
			j.l.depthwise(g, j.x, dst, p0, p1)
		} else {
			for gr := 0; gr < g.groups; gr++ {
				a := j.x[p0*g.c:]
				if !j.direct {
					a = (*colBuf)[:m*k]
					j.l.im2col(g, j.x, a, p0, p1, gr)
					clear(a[(p1-p0)*k:])
				}
				j.l.product(a, gr, res[gr*g.og:], m, k, g.og, g.o)
			}
		}
		var sk []float32
		if j.skip != nil {
			sk = j.skip[p0*g.o : p1*g.o]
		}
		epilogue(dst, res, j.l.b, sk, j.act)
	}
	if colBuf != nil {
		putScratch(colBuf)
	}
	if tmpBuf != nil {
		putScratch(tmpBuf)
	}
}

// depthwise computes output pixels [p0, p1) of a depthwise layer into dst:
// for each pixel, the sum over taps of the tap's weights times the input
// pixel under it, whole vectors of channels at a time.
func (l *EvalConv) depthwise(g *convGeom, x, dst []float32, p0, p1 int) {
	c := g.c
	ohw := g.oh * g.ow
	for p := p0; p < p1; p++ {
		n, rem := p/ohw, p%ohw
		oy, ox := rem/g.ow, rem%g.ow
		acc := dst[(p-p0)*c : (p-p0+1)*c]
		clear(acc)
		for ky := 0; ky < g.kh; ky++ {
			iy := oy*g.sh - g.ph + ky*g.dh
			if iy < 0 || iy >= g.h {
				continue
			}
			for kx := 0; kx < g.kw; kx++ {
				ix := ox*g.sw - g.pw + kx*g.dw
				if ix < 0 || ix >= g.w {
					continue
				}
				in := x[((n*g.h+iy)*g.w+ix)*c:][:len(acc)]
				w := l.taps[(ky*g.kw+kx)*c:][:len(acc)]
				for i := range acc {
					acc[i] += w[i] * in[i]
				}
			}
		}
	}
}

// product computes c [m, n] (rows ldc apart) = a [m, k] · the weights of
// group gr [k, n].
func (l *EvalConv) product(a []float32, gr int, c []float32, m, k, n, ldc int) {
	if n >= narrowOut {
		gemm.SgemmPacked(false, m, 1, a, k, l.packed[gr], 0, c, ldc)
		return
	}
	if m >= narrowRows {
		// Few outputs of many pixels (the sub-pixel layer of a
		// super-resolution network): the product with zero columns up to
		// narrowOut, 2.5× faster than the dot products below for 4
		// outputs of 288 taps, keeping the real columns.
		tmp := getScratch(m * narrowOut)
		gemm.SgemmPacked(false, m, 1, a, k, l.packed[gr], 0, *tmp, narrowOut)
		for i := 0; i < m; i++ {
			copy(c[i*ldc:i*ldc+n], (*tmp)[i*narrowOut:])
		}
		putScratch(tmp)
		return
	}
	// Few outputs of few pixels (a policy head): dot products of each row
	// with the weight columns, gathered once per call.
	w := l.w[gr*k*n : (gr+1)*k*n]
	var colsBuf [narrowOut * 64]float32
	cols := colsBuf[:0]
	if n*k <= len(colsBuf) {
		cols = colsBuf[:n*k]
	} else {
		cols = make([]float32, n*k)
	}
	for j := 0; j < n; j++ {
		for i := 0; i < k; i++ {
			cols[j*k+i] = w[i*n+j]
		}
	}
	for i := 0; i < m; i++ {
		ai := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			c[i*ldc+j] = dot32(ai, cols[j*k:(j+1)*k])
		}
	}
}

// epilogue stores act(src + bias + skip) in dst (src may be dst, or a
// longer matrix with the same rows), where bias holds one value per output
// channel, the fastest dimension, and skip (nil for none) is a residual of
// dst's shape. It is one pass over memory that the product has just
// written.
func epilogue(dst, src, bias, skip []float32, act Act) {
	o := len(bias)
	relu := act == ActReLU
	for r := 0; r+o <= len(dst); r += o {
		row := dst[r : r+o]
		in, b := src[r:r+o], bias[:len(row)]
		switch {
		case skip != nil && relu:
			sk := skip[r : r+o]
			for j := range row {
				row[j] = relu32(in[j] + b[j] + sk[j])
			}
		case skip != nil:
			sk := skip[r : r+o]
			for j := range row {
				row[j] = in[j] + b[j] + sk[j]
			}
		case relu:
			for j := range row {
				row[j] = relu32(in[j] + b[j])
			}
		default:
			for j := range row {
				row[j] = in[j] + b[j]
			}
		}
	}
	if act == ActTanh {
		tanhSlice(dst, dst)
	}
}

// relu32 is max(v, 0) without a branch (the signs of activations are
// random, so a branch would be mispredicted half the time): every bit of
// a value whose sign bit is set is cleared.
func relu32(v float32) float32 {
	u := math.Float32bits(v)
	return math.Float32frombits(u &^ uint32(int32(u)>>31))
}

// im2col writes the receptive fields of output pixels [p0, p1) (numbered
// over the whole batch) for group gr into col, one row of kh·kw·cg values
// per pixel in (ky, kx, channel) order; taps in the padding are zero. Runs
// of taps that are adjacent in the input (stride-1 columns, no dilation,
// one group) are copied together.
func (l *EvalConv) im2col(g *convGeom, x, col []float32, p0, p1, gr int) {
	k := g.kh * g.kw * g.cg
	whole := g.groups == 1 && g.dw == 1
	ohw := g.oh * g.ow
	for p := p0; p < p1; p++ {
		n, rem := p/ohw, p%ohw
		oy, ox := rem/g.ow, rem%g.ow
		row := col[(p-p0)*k : (p-p0+1)*k]
		img := x[n*g.h*g.w*g.c : (n+1)*g.h*g.w*g.c]
		x0 := ox*g.sw - g.pw
		for ky := 0; ky < g.kh; ky++ {
			seg := row[ky*g.kw*g.cg : (ky+1)*g.kw*g.cg]
			iy := oy*g.sh - g.ph + ky*g.dh
			if iy < 0 || iy >= g.h {
				clear(seg)
				continue
			}
			line := img[iy*g.w*g.c : (iy+1)*g.w*g.c]
			if whole && x0 >= 0 && x0+g.kw <= g.w {
				copy(seg, line[x0*g.c:(x0+g.kw)*g.c])
				continue
			}
			for kx := 0; kx < g.kw; kx++ {
				tap := seg[kx*g.cg : (kx+1)*g.cg]
				ix := x0 + kx*g.dw
				if ix < 0 || ix >= g.w {
					clear(tap)
					continue
				}
				copy(tap, line[ix*g.c+gr*g.cg:])
			}
		}
	}
}

func roundUpTo(x, to int) int { return ceilDiv(x, to) * to }

package nn

// gatherOp returns out with out.Data[i] = x.Data[src[i]] for a src that
// maps every output element to a distinct input element (a permutation of
// the elements); the gradient is scattered back.
func gatherOp(op string, x *Tensor, shape []int, src []int32) *Tensor {
	out := Zeros(shape...)
	for i, s := range src {
		out.Data[i] = x.Data[s]
	}
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		for i, s := range src {
			ig[0][s] += g[i]
		}
	}, x)
}

// shuffleIndex lists, for every element of the depth-to-space result
// [n, c, h·r, w·r], its index in the source [n, c·r², h, w]: output pixel
// (h·r+i, w·r+j) of channel c comes from input channel c·r² + i·r + j, as in
// PyTorch's pixel_shuffle.
func shuffleIndex(n, c, h, w, r int) []int32 {
	idx := make([]int32, n*c*h*w*r*r)
	at := 0
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for y := 0; y < h*r; y++ {
				for x := 0; x < w*r; x++ {
					ic := (b*c+ch)*r*r + (y%r)*r + x%r
					idx[at] = int32((ic*h+y/r)*w + x/r)
					at++
				}
			}
		}
	}
	return idx
}

func shuffleCheck(op string, x *Tensor, r int) {
	if x.Dims() != 4 {
		panic(shapeErr(op, "input %v is not 4-D [N C H W]", x.Shape))
	}
	if r < 1 {
		panic(shapeErr(op, "factor %d for input %v, want ≥ 1", r, x.Shape))
	}
}

// PixelShuffle rearranges x [N, C·r², H, W] into [N, C, H·r, W·r]
// (depth-to-space) with PyTorch's channel order: output pixel (y·r+i, x·r+j)
// of channel c is input channel c·r² + i·r + j at (y, x).
func PixelShuffle(x *Tensor, r int) *Tensor {
	shuffleCheck("PixelShuffle", x, r)
	n, cr, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	if cr%(r*r) != 0 {
		panic(shapeErr("PixelShuffle", "input %v has %d channels, not divisible by r²=%d", x.Shape, cr, r*r))
	}
	c := cr / (r * r)
	out := result([]int{n, c, h * r, w * r}, false, x)
	shuffle(out.Data, x.Data, n*c, h, w, r, false)
	return record(out, "PixelShuffle", func(_ *Tensor, g []float32, ig [][]float32) {
		shuffle(g, ig[0], n*c, h, w, r, true)
	}, x)
}

// shuffle moves the r² input planes [h, w] of each of planes output
// channels of src into the interleaved [h·r, w·r] output plane in dst; with
// back set it instead adds the interleaved dst planes back into the input
// planes of src (the gradient). Output channels are independent and spread
// over goroutines.
func shuffle(dst, src []float32, planes, h, w, r int, back bool) {
	elementwise(planes, h*w*r*r, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			for i := 0; i < r; i++ {
				for j := 0; j < r; j++ {
					in := src[((p*r+i)*r+j)*h*w:][:h*w]
					for y := 0; y < h; y++ {
						row := dst[(p*h*r+y*r+i)*w*r:][:w*r]
						line := in[y*w : (y+1)*w]
						if back {
							for x := range line {
								line[x] += row[x*r+j]
							}
							continue
						}
						for x, v := range line {
							row[x*r+j] = v
						}
					}
				}
			}
		}
	})
}

// PixelUnshuffle is the inverse of PixelShuffle (space-to-depth): x [N, C,
// H·r, W·r] becomes [N, C·r², H, W].
func PixelUnshuffle(x *Tensor, r int) *Tensor {
	shuffleCheck("PixelUnshuffle", x, r)
	n, c, hr, wr := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	if hr%r != 0 || wr%r != 0 {
		panic(shapeErr("PixelUnshuffle", "input %v: height and width must be divisible by %d", x.Shape, r))
	}
	h, w := hr/r, wr/r
	// Invert the shuffle's index: shuffled element i came from source s,
	// so unshuffled element s comes from i.
	fwd := shuffleIndex(n, c, h, w, r)
	inv := make([]int32, len(fwd))
	for i, s := range fwd {
		inv[s] = int32(i)
	}
	return gatherOp("PixelUnshuffle", x, []int{n, c * r * r, h, w}, inv)
}

// bilinearTaps holds, for each output coordinate along one axis, the two
// input coordinates it interpolates and their weights.
type bilinearTaps struct {
	i0, i1 []int
	l0, l1 []float32
}

// linearTaps computes the taps for resizing in → out along one axis the way
// PyTorch does with align_corners=False: the source of output pixel d is
// (d + 0.5)·in/out − 0.5 (pixel centres line up), clamped below at 0, and
// the upper neighbour is clamped to the last pixel.
func linearTaps(in, out int) bilinearTaps {
	t := bilinearTaps{i0: make([]int, out), i1: make([]int, out), l0: make([]float32, out), l1: make([]float32, out)}
	scale := float32(in) / float32(out)
	for d := 0; d < out; d++ {
		src := max(scale*(float32(d)+0.5)-0.5, 0)
		i0 := int(src)
		i1 := i0
		if i0 < in-1 {
			i1++
		}
		l1 := src - float32(i0)
		t.i0[d], t.i1[d], t.l0[d], t.l1[d] = i0, i1, 1-l1, l1
	}
	return t
}

// ResizeBilinear resizes x [N, C, H, W] to [N, C, outH, outW] by bilinear
// interpolation with the semantics of PyTorch's
// interpolate(mode="bilinear", align_corners=False, antialias=False): pixel
// centres are aligned (half-pixel offsets), sources left of or above the
// first pixel centre clamp to it, and downscaling samples without a
// low-pass filter.
func ResizeBilinear(x *Tensor, outH, outW int) *Tensor {
	if x.Dims() != 4 {
		panic(shapeErr("ResizeBilinear", "input %v is not 4-D [N C H W]", x.Shape))
	}
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	if outH < 1 || outW < 1 || h < 1 || w < 1 {
		panic(shapeErr("ResizeBilinear", "cannot resize input %v to %dx%d", x.Shape, outH, outW))
	}
	ty, tx := linearTaps(h, outH), linearTaps(w, outW)
	out := Zeros(n, c, outH, outW)
	for p := 0; p < n*c; p++ {
		in := x.Data[p*h*w : (p+1)*h*w]
		dst := out.Data[p*outH*outW : (p+1)*outH*outW]
		for oy := 0; oy < outH; oy++ {
			r0, r1 := in[ty.i0[oy]*w:], in[ty.i1[oy]*w:]
			a, b := ty.l0[oy], ty.l1[oy]
			for ox := 0; ox < outW; ox++ {
				x0, x1 := tx.i0[ox], tx.i1[ox]
				dst[oy*outW+ox] = a*(tx.l0[ox]*r0[x0]+tx.l1[ox]*r0[x1]) + b*(tx.l0[ox]*r1[x0]+tx.l1[ox]*r1[x1])
			}
		}
	}
	return record(out, "ResizeBilinear", func(_ *Tensor, g []float32, ig [][]float32) {
		for p := 0; p < n*c; p++ {
			gin := ig[0][p*h*w : (p+1)*h*w]
			src := g[p*outH*outW : (p+1)*outH*outW]
			for oy := 0; oy < outH; oy++ {
				r0, r1 := gin[ty.i0[oy]*w:], gin[ty.i1[oy]*w:]
				a, b := ty.l0[oy], ty.l1[oy]
				for ox := 0; ox < outW; ox++ {
					d := src[oy*outW+ox]
					x0, x1 := tx.i0[ox], tx.i1[ox]
					r0[x0] += a * tx.l0[ox] * d
					r0[x1] += a * tx.l1[ox] * d
					r1[x0] += b * tx.l0[ox] * d
					r1[x1] += b * tx.l1[ox] * d
				}
			}
		}
	}, x)
}

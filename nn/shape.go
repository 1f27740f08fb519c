package nn

import (
	"slices"
)

// Reshape returns x with a new shape holding the same elements in the same
// order. One dimension may be -1 and is then inferred. The result shares
// x's storage.
func Reshape(x *Tensor, shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(shapeErr("Reshape", "bad target shape %v for %v", shape, x.Shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || len(x.Data)%known != 0 {
			panic(shapeErr("Reshape", "cannot infer -1 in %v from %v", shape, x.Shape))
		}
		shape[infer] = len(x.Data) / known
	}
	if numel(shape) != len(x.Data) {
		panic(shapeErr("Reshape", "shape %v does not hold the %d elements of %v", shape, len(x.Data), x.Shape))
	}
	out := &Tensor{Shape: shape, Data: x.Data}
	return record(out, "Reshape", func(_ *Tensor, g []float32, ig [][]float32) {
		gx := ig[0]
		elementwise(len(g), 1, func(lo, hi int) { addTo(gx[lo:hi], g[lo:hi]) })
	}, x)
}

// Flatten reshapes x to [x.Shape[0], rest].
func Flatten(x *Tensor) *Tensor {
	if x.Dims() == 0 {
		panic(shapeErr("Flatten", "scalar has no batch dimension"))
	}
	return Reshape(x, x.Shape[0], -1)
}

func contiguousStrides(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = st
		st *= shape[i]
	}
	return s
}

// Permute reorders the dimensions of x: dimension i of the result is
// dimension perm[i] of x.
func Permute(x *Tensor, perm ...int) *Tensor {
	if len(perm) != x.Dims() {
		panic(shapeErr("Permute", "permutation %v for shape %v", perm, x.Shape))
	}
	seen := make([]bool, len(perm))
	shape := make([]int, len(perm))
	for i, p := range perm {
		if p < 0 || p >= len(perm) || seen[p] {
			panic(shapeErr("Permute", "%v is not a permutation of the axes of %v", perm, x.Shape))
		}
		seen[p] = true
		shape[i] = x.Shape[p]
	}
	inStrides := contiguousStrides(x.Shape)
	src := make([]int, len(perm)) // stride in x of each output dimension
	for i, p := range perm {
		src[i] = inStrides[p]
	}
	out := Zeros(shape...)
	// index[i] = offset in x of output element i
	index := make([]int, len(out.Data))
	idx := make([]int, len(shape))
	off := 0
	for i := range out.Data {
		index[i] = off
		out.Data[i] = x.Data[off]
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			off += src[d]
			if idx[d] < shape[d] {
				break
			}
			off -= src[d] * shape[d]
			idx[d] = 0
		}
	}
	return record(out, "Permute", func(_ *Tensor, g []float32, ig [][]float32) {
		for i, o := range index {
			ig[0][o] += g[i]
		}
	}, x)
}

// Transpose swaps dimensions a and b of x.
func Transpose(x *Tensor, a, b int) *Tensor {
	a = normAxis("Transpose", a, x.Dims())
	b = normAxis("Transpose", b, x.Dims())
	perm := make([]int, x.Dims())
	for i := range perm {
		perm[i] = i
	}
	perm[a], perm[b] = perm[b], perm[a]
	return Permute(x, perm...)
}

// Concat joins tensors along axis; all other dimensions must agree.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic(shapeErr("Concat", "no tensors"))
	}
	axis = normAxis("Concat", axis, ts[0].Dims())
	shape := slices.Clone(ts[0].Shape)
	shape[axis] = 0
	for _, t := range ts {
		if t.Dims() != len(shape) {
			panic(shapeErr("Concat", "shapes %v and %v differ in rank", ts[0].Shape, t.Shape))
		}
		for d := range shape {
			if d != axis && t.Shape[d] != ts[0].Shape[d] {
				panic(shapeErr("Concat", "shapes %v and %v differ outside axis %d", ts[0].Shape, t.Shape, axis))
			}
		}
		shape[axis] += t.Shape[axis]
	}
	widths := make([]int, len(ts))
	for i, t := range ts {
		widths[i] = t.Shape[axis]
	}
	return join("Concat", shape, axis, widths, ts)
}

// join copies ts into a new tensor of the given shape, input i filling
// widths[i] consecutive positions along axis, in order (Concat and Stack).
// The outer rows are independent and spread over goroutines.
func join(op string, shape []int, axis int, widths []int, ts []*Tensor) *Tensor {
	out := result(shape, false, ts...)
	outer, total, inner := splitAt(shape, axis)
	offsets := make([]int, len(ts))
	at := 0
	for i, w := range widths {
		offsets[i] = at
		at += w
	}
	od := out.Data
	elementwise(outer, total*inner, func(lo, hi int) {
		for i, t := range ts {
			n := widths[i] * inner
			for o := lo; o < hi; o++ {
				copy(od[o*total*inner+offsets[i]*inner:][:n], t.Data[o*n:(o+1)*n])
			}
		}
	})
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		elementwise(outer, total*inner, func(lo, hi int) {
			for i := range ts {
				if ig[i] == nil {
					continue
				}
				n := widths[i] * inner
				for o := lo; o < hi; o++ {
					addTo(ig[i][o*n:(o+1)*n], g[o*total*inner+offsets[i]*inner:])
				}
			}
		})
	}, ts...)
}

// Slice returns the elements of x with index in [start, end) along axis.
func Slice(x *Tensor, axis, start, end int) *Tensor {
	axis = normAxis("Slice", axis, x.Dims())
	if start < 0 || end > x.Shape[axis] || start > end {
		panic(shapeErr("Slice", "range [%d, %d) out of bounds for axis %d of %v", start, end, axis, x.Shape))
	}
	outer, n, inner := splitAt(x.Shape, axis)
	shape := slices.Clone(x.Shape)
	shape[axis] = end - start
	out := Zeros(shape...)
	m := (end - start) * inner
	for o := 0; o < outer; o++ {
		copy(out.Data[o*m:(o+1)*m], x.Data[o*n*inner+start*inner:])
	}
	return record(out, "Slice", func(_ *Tensor, g []float32, ig [][]float32) {
		for o := 0; o < outer; o++ {
			dst := ig[0][o*n*inner+start*inner:][:m]
			for j, v := range g[o*m : (o+1)*m] {
				dst[j] += v
			}
		}
	}, x)
}

// Split cuts x along axis into pieces of the given sizes, which must add up
// to x.Shape[axis].
func Split(x *Tensor, axis int, sizes ...int) []*Tensor {
	axis = normAxis("Split", axis, x.Dims())
	total := 0
	for _, s := range sizes {
		if s < 0 {
			panic(shapeErr("Split", "negative size in %v", sizes))
		}
		total += s
	}
	if total != x.Shape[axis] {
		panic(shapeErr("Split", "sizes %v do not add up to %d (axis %d of %v)", sizes, x.Shape[axis], axis, x.Shape))
	}
	parts := make([]*Tensor, len(sizes))
	at := 0
	for i, s := range sizes {
		parts[i] = Slice(x, axis, at, at+s)
		at += s
	}
	return parts
}

// Stack joins tensors of equal shape along a new axis.
func Stack(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic(shapeErr("Stack", "no tensors"))
	}
	axis = normAxis("Stack", axis, ts[0].Dims()+1)
	widths := make([]int, len(ts))
	for i, t := range ts {
		if !sameShape(t.Shape, ts[0].Shape) {
			panic(shapeErr("Stack", "shapes %v and %v differ", ts[0].Shape, t.Shape))
		}
		widths[i] = 1
	}
	shape := slices.Insert(slices.Clone(ts[0].Shape), axis, len(ts))
	return join("Stack", shape, axis, widths, ts)
}

// Gather returns the rows of table selected by indices: for table of shape
// [V, D...] the result has shape [len(indices), D...]. It is the embedding
// lookup for categorical features; gradients are added back to the rows
// used.
func Gather(table *Tensor, indices []int) *Tensor {
	if table.Dims() < 1 {
		panic(shapeErr("Gather", "table is a scalar"))
	}
	v := table.Shape[0]
	row := len(table.Data) / max(v, 1)
	for i, ix := range indices {
		if ix < 0 || ix >= v {
			panic(shapeErr("Gather", "index %d (position %d) out of range for table %v", ix, i, table.Shape))
		}
	}
	shape := append([]int{len(indices)}, table.Shape[1:]...)
	out := Zeros(shape...)
	for i, ix := range indices {
		copy(out.Data[i*row:(i+1)*row], table.Data[ix*row:(ix+1)*row])
	}
	idx := slices.Clone(indices)
	return record(out, "Gather", func(_ *Tensor, g []float32, ig [][]float32) {
		for i, ix := range idx {
			dst := ig[0][ix*row : (ix+1)*row]
			for j, val := range g[i*row : (i+1)*row] {
				dst[j] += val
			}
		}
	}, table)
}

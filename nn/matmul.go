package nn

// MatMul multiplies matrices: a [M, K] · b [K, N] = [M, N]. With a of shape
// [B, M, K] it multiplies each of the B matrices, by b [B, K, N] or by one
// shared b [K, N] (batched matmul).
func MatMul(a, b *Tensor) *Tensor {
	switch {
	case a.Dims() == 2 && b.Dims() == 2:
		if a.Shape[1] != b.Shape[0] {
			panic(shapeErr("MatMul", "inner dimensions differ: %v · %v", a.Shape, b.Shape))
		}
		return batchedMatMul(a, b, 1, a.Shape[0], a.Shape[1], b.Shape[1], false)
	case a.Dims() == 3 && b.Dims() == 3:
		if a.Shape[0] != b.Shape[0] || a.Shape[2] != b.Shape[1] {
			panic(shapeErr("MatMul", "batched shapes do not fit: %v · %v", a.Shape, b.Shape))
		}
		return batchedMatMul(a, b, a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2], false)
	case a.Dims() == 3 && b.Dims() == 2:
		if a.Shape[2] != b.Shape[0] {
			panic(shapeErr("MatMul", "inner dimensions differ: %v · %v", a.Shape, b.Shape))
		}
		// A shared right operand: fold the batch into the rows.
		return batchedMatMul(a, b, 1, a.Shape[0]*a.Shape[1], a.Shape[2], b.Shape[1], true)
	default:
		panic(shapeErr("MatMul", "want 2-D or 3-D operands, have %v · %v", a.Shape, b.Shape))
	}
}

// batchedMatMul computes nb products of [m,k]·[k,n]. keep3D restores the
// [B, M, N] shape when the batch was folded into m. A batch of small
// products (an MMoE's per-sample gate mixing) is split across goroutines by
// products; each product, forward or backward, writes its own block of the
// results, so the split does not change them.
func batchedMatMul(a, b *Tensor, nb, m, k, n int, keep3D bool) *Tensor {
	var shape []int
	switch {
	case keep3D:
		shape = []int{a.Shape[0], a.Shape[1], n}
	case a.Dims() == 3:
		shape = []int{nb, m, n}
	default:
		shape = []int{m, n}
	}
	out := result(shape, false, a, b)
	w := 1
	if nb > 1 {
		w = workersFor(nb, float64(nb)*float64(m*n*k))
	}
	od := out.Data
	parallel(w, nb, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			sgemm(false, false, m, n, k, 1, a.Data[i*m*k:], k, b.Data[i*k*n:], n, 0, od[i*m*n:], n)
		}
	})
	return record(out, "MatMul", func(_ *Tensor, g []float32, ig [][]float32) {
		parallel(w, nb, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				if ig[0] != nil { // dA = dC · Bᵀ
					sgemm(false, true, m, k, n, 1, g[i*m*n:], n, b.Data[i*k*n:], n, 1, ig[0][i*m*k:], k)
				}
				if ig[1] != nil { // dB = Aᵀ · dC
					sgemm(true, false, k, n, m, 1, a.Data[i*m*k:], k, g[i*m*n:], n, 1, ig[1][i*k*n:], n)
				}
			}
		})
	}, a, b)
}

// Linear returns x·w + bias for x [N, in], w [in, out] and bias [out] (bias
// may be nil). With a bias the result is one operation: the bias rows are
// written first and the product is added onto them, and the backward pass
// takes the bias gradient straight from the output gradient, which saves
// a pass over the output and an intermediate tensor each way.
func Linear(x, w, bias *Tensor) *Tensor {
	if bias == nil {
		return MatMul(x, w)
	}
	if x.Dims() != 2 || w.Dims() != 2 || bias.Dims() != 1 || x.Shape[1] != w.Shape[0] || bias.Shape[0] != w.Shape[1] {
		return Add(MatMul(x, w), bias) // other shapes broadcast (or fail) there
	}
	m, k, n := x.Shape[0], x.Shape[1], w.Shape[1]
	out := result([]int{m, n}, false, x, w, bias)
	od, bd := out.Data, bias.Data
	elementwise(m, n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			copy(od[r*n:(r+1)*n], bd)
		}
	})
	sgemm(false, false, m, n, k, 1, x.Data, k, w.Data, n, 1, od, n)
	return record(out, "Linear", func(_ *Tensor, g []float32, ig [][]float32) {
		if ig[0] != nil { // dX = dY · Wᵀ
			sgemm(false, true, m, k, n, 1, g, n, w.Data, n, 1, ig[0], k)
		}
		if ig[1] != nil { // dW = Xᵀ · dY
			sgemm(true, false, k, n, m, 1, x.Data, k, g, n, 1, ig[1], n)
		}
		if gb := ig[2]; gb != nil {
			// Column sums, rows added in order; workers take column ranges.
			elementwise(n, m, func(lo, hi int) {
				for r := 0; r < m; r++ {
					addTo(gb[lo:hi], g[r*n+lo:r*n+hi])
				}
			})
		}
	}, x, w, bias)
}

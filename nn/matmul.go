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
// [B, M, N] shape when the batch was folded into m.
func batchedMatMul(a, b *Tensor, nb, m, k, n int, keep3D bool) *Tensor {
	var out *Tensor
	switch {
	case keep3D:
		out = Zeros(a.Shape[0], a.Shape[1], n)
	case a.Dims() == 3:
		out = Zeros(nb, m, n)
	default:
		out = Zeros(m, n)
	}
	for i := 0; i < nb; i++ {
		sgemm(false, false, m, n, k, 1, a.Data[i*m*k:], k, b.Data[i*k*n:], n, 0, out.Data[i*m*n:], n)
	}
	return record(out, "MatMul", func(_ *Tensor, g []float32, ig [][]float32) {
		for i := 0; i < nb; i++ {
			if ig[0] != nil { // dA = dC · Bᵀ
				sgemm(false, true, m, k, n, 1, g[i*m*n:], n, b.Data[i*k*n:], n, 1, ig[0][i*m*k:], k)
			}
			if ig[1] != nil { // dB = Aᵀ · dC
				sgemm(true, false, k, n, m, 1, a.Data[i*m*k:], k, g[i*m*n:], n, 1, ig[1][i*k*n:], n)
			}
		}
	}, a, b)
}

// Linear returns x·w + bias for x [N, in], w [in, out] and bias [out] (bias
// may be nil).
func Linear(x, w, bias *Tensor) *Tensor {
	y := MatMul(x, w)
	if bias == nil {
		return y
	}
	return Add(y, bias)
}

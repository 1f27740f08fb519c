package balance

import (
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// minNorm returns α on the simplex minimising ‖Σ_i α_i g_i‖² = αᵀMα, for
// the Gram matrix M, by Frank–Wolfe with away steps and exact line search
// (Lacoste-Julien and Jaggi, NeurIPS 2015). Plain Frank–Wolfe, as in Sener
// and Koltun's solver, converges as 1/k when the minimum is on a face of
// the simplex; away steps make it linear, so it reaches the minimum to
// rounding in a few dozen iterations for the T of multi-task learning.
func minNorm(M *matrix) []float64 {
	T := M.n
	alpha := make([]float64, T)
	if T == 1 {
		alpha[0] = 1
		return alpha
	}
	scale := 0.0
	for i := 0; i < T; i++ {
		scale = math.Max(scale, M.at(i, i))
	}
	for i := range alpha {
		alpha[i] = 1 / float64(T)
	}
	if scale == 0 {
		return alpha
	}
	for iter := 0; iter < 10000; iter++ {
		ma := M.mulVec(alpha)
		q := dot64(alpha, ma)
		s, a := 0, -1
		for i := 1; i < T; i++ {
			if ma[i] < ma[s] {
				s = i
			}
		}
		for i := 0; i < T; i++ {
			if alpha[i] > 0 && (a < 0 || ma[i] > ma[a]) {
				a = i
			}
		}
		fwGap := q - ma[s]
		awayGap := ma[a] - q
		if math.Max(fwGap, awayGap) <= 1e-15*scale {
			break
		}
		var dMa, dMd, gmax float64
		if fwGap >= awayGap { // towards vertex s: d = e_s − α
			dMa = ma[s] - q
			dMd = M.at(s, s) - 2*ma[s] + q
			gmax = 1
		} else { // away from vertex a: d = α − e_a
			dMa = q - ma[a]
			dMd = q - 2*ma[a] + M.at(a, a)
			gmax = alpha[a] / (1 - alpha[a])
		}
		gamma := gmax
		if dMd > 0 {
			gamma = math.Min(gmax, -dMa/dMd)
		}
		if gamma <= 0 {
			break
		}
		if fwGap >= awayGap {
			for i := range alpha {
				alpha[i] *= 1 - gamma
			}
			alpha[s] += gamma
		} else {
			for i := range alpha {
				alpha[i] *= 1 + gamma
			}
			alpha[a] -= gamma
			if gamma == gmax {
				alpha[a] = 0
			}
		}
	}
	return alpha
}

// simplexMin minimises a convex function f over the probability simplex of
// dimension n by projected gradient descent with backtracking (Armijo)
// steps. f returns the value and a (sub)gradient.
func simplexMin(f func(w []float64) (float64, []float64), n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / float64(n)
	}
	step := 1.0
	next := make([]float64, n)
	for iter := 0; iter < 5000; iter++ {
		fw, g := f(w)
		moved := false
		for ; step > 1e-14; step *= 0.5 {
			for i := range next {
				next[i] = w[i] - step*g[i]
			}
			projectSimplex(next)
			diff := 0.0
			lin := 0.0
			for i := range next {
				d := next[i] - w[i]
				diff += d * d
				lin += g[i] * d
			}
			if diff == 0 {
				break
			}
			fn, _ := f(next)
			if fn <= fw+lin+diff/(2*step) {
				moved = true
				break
			}
		}
		if !moved {
			break
		}
		change := 0.0
		for i := range w {
			change = math.Max(change, math.Abs(next[i]-w[i]))
		}
		copy(w, next)
		if change < 1e-13 {
			break
		}
		step *= 2 // let the step grow again after backtracking
	}
	return w
}

// projectSimplex replaces v by its Euclidean projection onto the
// probability simplex (Held, Wolfe and Crowder's sort-based method).
func projectSimplex(v []float64) {
	u := slices.Clone(v)
	slices.Sort(u)
	slices.Reverse(u)
	sum, theta := 0.0, 0.0
	for i, x := range u {
		sum += x
		t := (sum - 1) / float64(i+1)
		if x-t > 0 {
			theta = t
		}
	}
	for i := range v {
		v[i] = math.Max(v[i]-theta, 0)
	}
}

// solveSPD solves A·x = b for a symmetric positive definite A.
func solveSPD(A *matrix, b []float64) ([]float64, error) {
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(A.n, slices.Clone(A.data))) {
		return nil, errors.New("matrix is not positive definite")
	}
	x := mat.NewVecDense(A.n, nil)
	if err := ch.SolveVecTo(x, mat.NewVecDense(A.n, slices.Clone(b))); err != nil {
		return nil, err
	}
	return x.RawVector().Data, nil
}

// leastSquares returns the minimum-norm least-squares solution of A·x = b
// for a square A given by rows, dropping singular values below
// σ_max·n·1e-10 (the pseudo-inverse).
func leastSquares(A [][]float64, b []float64) ([]float64, error) {
	n := len(A)
	d := mat.NewDense(n, n, nil)
	for i, r := range A {
		d.SetRow(i, r)
	}
	var svd mat.SVD
	if !svd.Factorize(d, mat.SVDFull) {
		return nil, errors.New("singular value decomposition failed")
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	x := make([]float64, n)
	if len(sv) == 0 || sv[0] == 0 {
		return x, nil
	}
	tol := sv[0] * float64(n) * 1e-10
	for k, s := range sv {
		if s <= tol {
			continue
		}
		ub := 0.0
		for i := 0; i < n; i++ {
			ub += u.At(i, k) * b[i]
		}
		for i := 0; i < n; i++ {
			x[i] += v.At(i, k) * ub / s
		}
	}
	return x, nil
}

// eigenSym returns the eigenvalues of the symmetric matrix M and the
// matrix whose columns are the matching unit eigenvectors.
func eigenSym(M *matrix) ([]float64, *matrix, error) {
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(M.n, slices.Clone(M.data)), true) {
		return nil, nil, errors.New("eigendecomposition failed")
	}
	var v mat.Dense
	es.VectorsTo(&v)
	out := newMatrix(M.n)
	for i := 0; i < M.n; i++ {
		for j := 0; j < M.n; j++ {
			out.set(i, j, v.At(i, j))
		}
	}
	return es.Values(nil), out, nil
}

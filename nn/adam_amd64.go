package nn

// adamAVX2 is adamUpdate.applyGo on n elements (a multiple of 8), eight at
// a time (adam_amd64.s).
//
//go:noescape
func adamAVX2(p, grad, mom, vel *float32, n int, c *adamUpdate)

// apply updates the parameter values x with gradients g and moments m, v,
// eight lanes at a time where the CPU allows; the lanes and the Go loop
// give identical results.
func (u *adamUpdate) apply(x, g, m, v []float32) {
	n := 0
	if haveAVX2FMA && len(x) >= 8 {
		n = len(x) &^ 7
		_, _, _ = g[n-1], m[n-1], v[n-1]
		adamAVX2(&x[0], &g[0], &m[0], &v[0], n, u)
	}
	u.applyGo(x[n:], g[n:], m[n:], v[n:])
}

//go:build !amd64

package nn

// apply updates the parameter values x with gradients g and moments m, v.
func (u *adamUpdate) apply(x, g, m, v []float32) { u.applyGo(x, g, m, v) }

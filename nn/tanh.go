package nn

// tanh32 returns tanh(v) rounded to float32, within one float32 ulp of the
// correctly rounded value (and equal to it almost always). It works in
// float64 with multiplies, adds and one divide — no calls, no moves
// between integer and float registers, and no branch that depends on the
// sign or size of typical activations — which makes it several times faster
// than math.Tanh, the main cost of tanh networks such as ESPCN.
//
// tanh v = 1 − 2/(e^{2v} + 1) with v clamped to ±9.1 (beyond which tanh
// rounds to ±1 in float32), and e^{2v} = (e^{v/16})³² with e^{v/16},
// |v/16| ≤ 0.57, from its Taylor polynomial of degree 10 (relative error
// below 5e-11, below 2e-9 after the 32nd power, which moves tanh by less
// than 1e-9). The cancellation in 1 − 2/(e+1) costs at most 1e-15 absolute,
// far below a float32 ulp of tanh v for |v| ≥ 1e-4; below that tanh v =
// v − v³/3 to float32 precision. NaN propagates through min and max.
func tanh32(v float32) float32 {
	x := float64(v)
	if z := x * x; z < 1e-8 {
		return float32(x - x*z*(1.0/3))
	}
	d := min(max(x, -9.1), 9.1) * (2.0 / 32)
	d2 := d * d
	d4 := d2 * d2
	d8 := d4 * d4
	e := (1 + d) + d2*(1.0/2+d*(1.0/6)) + d4*((1.0/24+d*(1.0/120))+d2*(1.0/720+d*(1.0/5040))) +
		d8*((1.0/40320+d*(1.0/362880))+d2*(1.0/3628800))
	e *= e
	e *= e
	e *= e
	e *= e
	e *= e
	return float32(1 - 2/(e+1))
}

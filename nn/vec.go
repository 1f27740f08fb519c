package nn

// Tight loops over float32 slices shared by the operations. They are kept
// free of closures and bounds checks inside the loop so that the compiler
// produces straight-line code for them.

// addTo adds src to dst element by element; len(src) must be ≥ len(dst).
func addTo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// fill sets every element of dst to v.
func fill(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

// sum32 adds the elements of s in float32, four independent partial sums
// at a time.
func sum32(s []float32) float32 {
	var a, b, c, d float32
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a += s[i]
		b += s[i+1]
		c += s[i+2]
		d += s[i+3]
	}
	for ; i < len(s); i++ {
		a += s[i]
	}
	return (a + b) + (c + d)
}

// dot32 returns the dot product of x and y (len(y) ≥ len(x)) in float32,
// four independent partial sums at a time.
func dot32(x, y []float32) float32 {
	y = y[:len(x)]
	var a, b, c, d float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a += x[i] * y[i]
		b += x[i+1] * y[i+1]
		c += x[i+2] * y[i+2]
		d += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		a += x[i] * y[i]
	}
	return (a + b) + (c + d)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

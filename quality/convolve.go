package quality

// convolveRows correlates every row of src (w×h) with the odd-length kernel
// k centred on each pixel, repeating edge pixels beyond the border, into
// dst. dst and src must not overlap.
func convolveRows(dst, src []float32, w, h int, k []float32) {
	r := len(k) / 2
	parallelRows(h, func(lo, hi int) {
		for y := lo; y < hi; y++ {
			s, d := src[y*w:(y+1)*w], dst[y*w:(y+1)*w]
			for x := range d {
				var acc float32
				if x >= r && x+r < w {
					window := s[x-r : x+r+1]
					for i, kv := range k {
						acc += kv * window[i]
					}
				} else {
					for i, kv := range k {
						acc += kv * s[min(max(x+i-r, 0), w-1)]
					}
				}
				d[x] = acc
			}
		}
	})
}

// convolveCols is convolveRows along columns. It accumulates whole rows at a
// time so the inner loop runs over contiguous memory.
func convolveCols(dst, src []float32, w, h int, k []float32) {
	r := len(k) / 2
	parallelRows(h, func(lo, hi int) {
		for y := lo; y < hi; y++ {
			d := dst[y*w : (y+1)*w]
			clear(d)
			for i, kv := range k {
				sy := min(max(y+i-r, 0), h-1)
				s := src[sy*w : (sy+1)*w]
				for x, v := range s {
					d[x] += kv * v
				}
			}
		}
	})
}

package nn

import (
	"sync/atomic"
	"testing"
)

// TestParallelCoversEachIndexOnce checks that the blocks handed out cover
// [0, n) exactly once and that worker numbers stay below w.
func TestParallelCoversEachIndexOnce(t *testing.T) {
	for _, tc := range [][2]int{{1, 0}, {1, 5}, {2, 1}, {2, 2}, {2, 7}, {3, 100}, {8, 3}, {4, 1000}} {
		w, n := tc[0], tc[1]
		hits := make([]atomic.Int32, n)
		var bad atomic.Bool
		parallel(w, n, func(worker, lo, hi int) {
			if worker < 0 || worker >= max(w, 1) || lo > hi {
				bad.Store(true)
			}
			for i := lo; i < hi; i++ {
				hits[i].Add(1)
			}
		})
		if bad.Load() {
			t.Errorf("w=%d n=%d: bad worker or range", w, n)
		}
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Errorf("w=%d n=%d: index %d processed %d times", w, n, i, h)
				break
			}
		}
	}
}

func TestScratchSizes(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 1000, 1024, 1025} {
		p := getScratch(n)
		if len(*p) != n || cap(*p) < n {
			t.Errorf("getScratch(%d): len %d cap %d", n, len(*p), cap(*p))
		}
		putScratch(p)
		q := getScratch(n)
		if len(*q) != n {
			t.Errorf("getScratch(%d) after put: len %d", n, len(*q))
		}
		putScratch(q)
	}
}

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// testConfigs are the ways a multiply can run: the kernel chosen for this
// CPU and the portable one, each with the production blocking and with tiny
// blocks that make small matrices cross every block boundary and split
// among goroutines.
func testConfigs() map[string]config {
	tiny := func(k kernelFunc) config {
		return config{kernel: k, mc: 2 * mr, kc: 5, nc: 3 * nr, threads: 3, minWork: 1}
	}
	pure := defaultConfig
	pure.kernel = kernelGeneric
	return map[string]config{
		"best":        defaultConfig,
		"best/tiny":   tiny(defaultConfig.kernel),
		"purego":      pure,
		"purego/tiny": tiny(kernelGeneric),
	}
}

// matrix is a row-major test operand with padding after each row.
type matrix struct {
	rows, cols, ld int
	data           []float32
}

// newMatrix fills a rows×cols matrix (pad extra elements per row) with
// values in [-1, 1); padding holds pad-marker values that must survive.
func newMatrix(rng *rand.Rand, rows, cols, pad int) matrix {
	ld := max(1, cols+pad)
	d := make([]float32, rows*ld)
	for i := range d {
		if i%ld < cols {
			d[i] = 2*rng.Float32() - 1
		} else {
			d[i] = 12345
		}
	}
	return matrix{rows, cols, ld, d}
}

// op returns element (i, j) of the matrix or of its transpose.
func (x matrix) op(trans bool, i, j int) float64 {
	if trans {
		i, j = j, i
	}
	return float64(x.data[i*x.ld+j])
}

// reference computes alpha·op(A)·op(B) + beta·C in float64, and for each
// element a bound on the float32 rounding error of any summation order.
func reference(transA, transB bool, m, n, k int, alpha float32, a, b matrix, beta float32, c matrix) (want, bound []float64) {
	want = make([]float64, m*n)
	bound = make([]float64, m*n)
	eps := math.Pow(2, -24)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				x := a.op(transA, i, p) * b.op(transB, p, j)
				s += x
				abs += math.Abs(x)
			}
			cv := float64(c.data[i*c.ld+j])
			w := float64(alpha) * s
			mag := math.Abs(float64(alpha)) * abs
			if beta != 0 {
				w += float64(beta) * cv
				mag += math.Abs(float64(beta) * cv)
			}
			want[i*n+j] = w
			bound[i*n+j] = 2*float64(k+3)*eps*mag + 1e-30
		}
	}
	return want, bound
}

// check runs one multiply under cfg and compares it with the reference,
// including that the padding of C is untouched.
func check(t *testing.T, cfg config, transA, transB bool, m, n, k int, alpha, beta float32, pad int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	a := newMatrix(rng, ar, ac, pad)
	b := newMatrix(rng, br, bc, pad+1)
	// C gets mr guard rows below it, all padding, to catch writes past row m.
	c := newMatrix(rng, m+mr, n, pad+2)
	for i := m * c.ld; i < len(c.data); i++ {
		c.data[i] = 12345
	}
	if beta == 0 {
		// Overwriting must ignore whatever C held.
		for i := range c.data[:m*c.ld] {
			if i%c.ld < n {
				c.data[i] = float32(math.NaN())
			}
		}
	}
	want, bound := reference(transA, transB, m, n, k, alpha, a, b, beta, c)
	cfg.sgemm(transA, transB, m, n, k, alpha, a.data, a.ld, b.data, b.ld, beta, c.data[:m*c.ld], c.ld)
	bad := 0
	for i := range m + mr {
		for j := 0; j < c.ld; j++ {
			got := c.data[i*c.ld+j]
			if i >= m || j >= n {
				if got != 12345 {
					t.Fatalf("padding C[%d][%d] changed to %v", i, j, got)
				}
				continue
			}
			w := want[i*n+j]
			if d := math.Abs(float64(got) - w); !(d <= bound[i*n+j]) {
				if bad++; bad <= 3 {
					t.Errorf("C[%d][%d] = %v, want %v (±%.3g)", i, j, got, w, bound[i*n+j])
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d elements wrong", bad, m*n)
	}
}

func TestSgemmShapes(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {1, 1, 300}, {1, 40, 1}, {1, 100, 17}, {100, 1, 17}, {1, 257, 31},
		{257, 1, 31}, {6, 16, 1}, {6, 16, 8}, {12, 32, 5}, {5, 15, 9}, {7, 17, 3},
		{7, 13, 31}, {13, 7, 97}, {31, 97, 13}, {97, 31, 7}, {30, 50, 257},
		{150, 70, 40}, {70, 150, 40}, {257, 33, 11}, {33, 257, 11},
	}
	ab := []struct{ alpha, beta float32 }{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, -1}, {0.75, 0.25}}
	for name, cfg := range testConfigs() {
		for si, s := range shapes {
			for tr := range 4 {
				transA, transB := tr&1 != 0, tr&2 != 0
				v := ab[(si+tr)%len(ab)]
				pad := (si + tr) % 3
				t.Run(fmt.Sprintf("%s/%dx%dx%d/tA=%v/tB=%v", name, s.m, s.n, s.k, transA, transB), func(t *testing.T) {
					check(t, cfg, transA, transB, s.m, s.n, s.k, v.alpha, v.beta, pad, uint64(si*4+tr))
				})
			}
		}
	}
}

// TestSgemmLarge crosses the production block sizes (mc, kc) and the
// parallel split with the default configuration.
func TestSgemmLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large shapes skipped in short mode")
	}
	for _, s := range []struct{ m, n, k int }{{301, 97, 263}, {97, 301, 263}} {
		for tr := range 4 {
			transA, transB := tr&1 != 0, tr&2 != 0
			t.Run(fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v", s.m, s.n, s.k, transA, transB), func(t *testing.T) {
				check(t, defaultConfig, transA, transB, s.m, s.n, s.k, 1.5, 0.5, 1, uint64(tr))
			})
		}
	}
}

// TestSgemmAlphaBeta checks the cases BLAS treats specially.
func TestSgemmAlphaBeta(t *testing.T) {
	for name, cfg := range testConfigs() {
		for _, v := range []struct{ alpha, beta float32 }{
			{1, 0}, {0, 0}, {0, 1}, {0, -3}, {1, 1}, {-1, 0.5}, {3, float32(math.Copysign(0, -1))},
		} {
			t.Run(fmt.Sprintf("%s/alpha=%v/beta=%v", name, v.alpha, v.beta), func(t *testing.T) {
				check(t, cfg, false, false, 23, 41, 19, v.alpha, v.beta, 2, 99)
				check(t, cfg, true, true, 41, 23, 19, v.alpha, v.beta, 0, 98)
			})
		}
	}
}

// TestSgemmAlphaZeroIgnoresOperands follows BLAS: with alpha zero, A and B
// are not read, so NaN in them does not reach C.
func TestSgemmAlphaZeroIgnoresOperands(t *testing.T) {
	nan := float32(math.NaN())
	a := []float32{nan, nan, nan, nan}
	b := []float32{nan, nan, nan, nan}
	c := []float32{1, 2, 3, 4}
	Sgemm(false, false, 2, 2, 2, 0, a, 2, b, 2, 2, c, 2)
	if want := []float32{2, 4, 6, 8}; !equal(c, want) {
		t.Errorf("C = %v, want %v", c, want)
	}
	Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	if want := []float32{0, 0, 0, 0}; !equal(c, want) {
		t.Errorf("k = 0, beta = 0: C = %v, want %v", c, want)
	}
}

func TestSgemmEmpty(t *testing.T) {
	Sgemm(false, false, 0, 5, 3, 1, nil, 3, make([]float32, 15), 5, 0, nil, 5)
	Sgemm(true, true, 4, 0, 3, 1, make([]float32, 12), 4, nil, 3, 0, nil, 1)
}

// TestKernelsAgree runs both kernels on the same data: the portable path
// must give the assembly path's result to within float32 rounding.
func TestKernelsAgree(t *testing.T) {
	const m, n, k = 37, 53, 300
	rng := rand.New(rand.NewPCG(1, 2))
	a := newMatrix(rng, m, k, 0)
	b := newMatrix(rng, k, n, 0)
	c1 := make([]float32, m*n)
	c2 := make([]float32, m*n)
	cfgs := testConfigs()
	best, pure := cfgs["best"], cfgs["purego"]
	best.sgemm(false, false, m, n, k, 1, a.data, k, b.data, n, 0, c1, n)
	pure.sgemm(false, false, m, n, k, 1, a.data, k, b.data, n, 0, c2, n)
	for i := range c1 {
		if d := math.Abs(float64(c1[i] - c2[i])); d > 1e-5*float64(k) {
			t.Fatalf("element %d: kernels give %v and %v", i, c1[i], c2[i])
		}
	}
}

func TestSgemmStrided(t *testing.T) {
	const batch, m, n, k = 5, 9, 20, 7
	rng := rand.New(rand.NewPCG(3, 4))
	for name, cfg := range testConfigs() {
		for _, shareB := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/shareB=%v", name, shareB), func(t *testing.T) {
				strideA, strideB, strideC := m*k+3, k*n+1, m*n+2
				if shareB {
					strideB = 0
				}
				a := newMatrix(rng, 1, (batch-1)*strideA+m*k, 0).data
				b := newMatrix(rng, 1, (batch-1)*strideB+k*n, 0).data
				c := newMatrix(rng, 1, (batch-1)*strideC+m*n, 0).data
				want := append([]float32(nil), c...)
				for i := range batch {
					cfg.sgemm(true, false, m, n, k, 0.5, a[i*strideA:], m, b[i*strideB:], n, 2, want[i*strideC:], n)
				}
				cfg.sgemmStrided(batch, true, false, m, n, k, 0.5, a, m, strideA, b, n, strideB, 2, c, n, strideC)
				if !equal(c, want) {
					t.Errorf("batched result differs from one product at a time")
				}
			})
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	s := make([]float32, 100)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "negative dimension"},
		{"small lda", func() { Sgemm(false, false, 3, 3, 4, 1, s, 3, s, 3, 0, s, 3) }, "lda (3) < max(1, 4"},
		{"small lda transposed", func() { Sgemm(true, false, 5, 3, 4, 1, s, 4, s, 3, 0, s, 3) }, "lda (4) < max(1, 5"},
		{"small ldb", func() { Sgemm(false, true, 3, 3, 4, 1, s, 4, s, 3, 0, s, 3) }, "ldb (3) < max(1, 4"},
		{"small ldc", func() { Sgemm(false, false, 3, 5, 4, 1, s, 4, s, 5, 0, s, 4) }, "ldc (4) < max(1, 5"},
		{"zero ldc", func() { Sgemm(false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 0) }, "ldc (0) < max(1, 0"},
		{"short a", func() { Sgemm(false, false, 11, 2, 10, 1, s, 10, s, 2, 0, s, 2) }, "len(a) = 100, need 110"},
		{"short b", func() { Sgemm(false, false, 1, 2, 60, 1, s, 60, s, 2, 0, s, 2) }, "len(b) = 100, need 120"},
		{"short c", func() { Sgemm(false, false, 20, 10, 1, 1, s, 1, s, 10, 0, s[:99], 10) }, "len(c) = 99, need 200"},
		{"negative batch", func() { SgemmStrided(-1, false, false, 1, 1, 1, 1, s, 1, 1, s, 1, 1, 0, s, 1, 1) }, "batch = -1"},
		{"short batch a", func() { SgemmStrided(3, false, false, 2, 2, 2, 1, s[:50], 2, 30, s, 2, 4, 0, s, 2, 4) }, "len(a) = 50, need 64"},
		{"overlapping c", func() { SgemmStrided(2, false, false, 2, 2, 2, 1, s, 2, 4, s, 2, 4, 0, s, 2, 3) }, "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", r, tt.want)
				}
			}()
			tt.call()
		})
	}
}

func equal(x, y []float32) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func TestAligned(t *testing.T) {
	for n := 1; n < 40; n++ {
		s := aligned(n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("aligned(%d): len %d cap %d", n, len(s), cap(s))
		}
		if p := uintptr(unsafe.Pointer(&s[0])); p%64 != 0 {
			t.Fatalf("aligned(%d) starts at %#x", n, p)
		}
	}
}

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// testConfigs are the ways a multiply can run: every micro-kernel this CPU
// runs (AVX-512, AVX2, portable Go), each with the production blocking and
// with tiny blocks that make small matrices cross every block boundary and
// split among goroutines.
func testConfigs() map[string]config {
	cfgs := map[string]config{}
	for _, k := range kernels() {
		cfgs[k.name] = newConfig(k)
		cfgs[k.name+"/tiny"] = config{kern: k, mc: 2 * k.mr, kc: 5, nc: 3 * k.nr, threads: 3, minWork: 1}
	}
	return cfgs
}

// guardRows is the number of padding rows below C in check: at least the
// tallest register tile, so a kernel that stores too many rows is caught.
const guardRows = 8

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
	// C gets guardRows rows below it, all padding, to catch writes past row m.
	c := newMatrix(rng, m+guardRows, n, pad+2)
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
	for i := range m + guardRows {
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

// TestKernelsAgree runs every kernel on the same data: each must give the
// portable kernel's result to within float32 rounding.
func TestKernelsAgree(t *testing.T) {
	const m, n, k = 37, 53, 300
	rng := rand.New(rand.NewPCG(1, 2))
	a := newMatrix(rng, m, k, 0)
	b := newMatrix(rng, k, n, 0)
	want := make([]float32, m*n)
	pure := newConfig(genericKernel)
	pure.sgemm(false, false, m, n, k, 1, a.data, k, b.data, n, 0, want, n)
	for _, kern := range kernels() {
		cfg := newConfig(kern)
		got := make([]float32, m*n)
		cfg.sgemm(false, false, m, n, k, 1, a.data, k, b.data, n, 0, got, n)
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*float64(k) {
				t.Fatalf("%s: element %d is %v, portable kernel gives %v", kern.name, i, got[i], want[i])
			}
		}
	}
}

// TestDefaultKernel checks that the package uses the first (fastest)
// kernel this CPU runs.
func TestDefaultKernel(t *testing.T) {
	if got, want := defaultConfig.kern.name, kernels()[0].name; got != want {
		t.Errorf("default kernel %s, want %s", got, want)
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

// TestSgemmPacked checks SgemmPacked against the reference on the shapes of
// TestSgemmShapes, with every kernel and blocking, and that it gives
// exactly Sgemm's result.
func TestSgemmPacked(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {1, 40, 300}, {100, 1, 17}, {7, 17, 3}, {13, 7, 97}, {81, 64, 576}, {30, 50, 257}, {70, 150, 40},
	}
	for name, cfg := range testConfigs() {
		for si, s := range shapes {
			for tr := range 4 {
				transA, transB := tr&1 != 0, tr&2 != 0
				t.Run(fmt.Sprintf("%s/%dx%dx%d/tA=%v/tB=%v", name, s.m, s.n, s.k, transA, transB), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(si), uint64(tr)))
					ar, ac := s.m, s.k
					if transA {
						ar, ac = s.k, s.m
					}
					br, bc := s.k, s.n
					if transB {
						br, bc = s.n, s.k
					}
					a := newMatrix(rng, ar, ac, 1)
					b := newMatrix(rng, br, bc, 2)
					c0 := newMatrix(rng, s.m, s.n, 3)
					pb := cfg.packB(transB, s.k, s.n, b.data, b.ld)
					if pb.K() != s.k || pb.N() != s.n {
						t.Fatalf("PackedB is %d×%d, want %d×%d", pb.K(), pb.N(), s.k, s.n)
					}
					want, bound := reference(transA, transB, s.m, s.n, s.k, 1.5, a, b, 0.5, c0)
					got := append([]float32(nil), c0.data...)
					cfg.sgemmPacked(transA, s.m, 1.5, a.data, a.ld, pb, 0.5, got, c0.ld)
					same := append([]float32(nil), c0.data...)
					cfg.sgemm(transA, transB, s.m, s.n, s.k, 1.5, a.data, a.ld, b.data, b.ld, 0.5, same, c0.ld)
					for i := range s.m {
						for j := range c0.ld {
							g := got[i*c0.ld+j]
							if j >= s.n {
								if g != c0.data[i*c0.ld+j] {
									t.Fatalf("padding C[%d][%d] changed", i, j)
								}
								continue
							}
							if d := math.Abs(float64(g) - want[i*s.n+j]); !(d <= bound[i*s.n+j]) {
								t.Fatalf("C[%d][%d] = %v, want %v", i, j, g, want[i*s.n+j])
							}
							if g != same[i*c0.ld+j] {
								t.Fatalf("C[%d][%d] = %v, Sgemm gives %v", i, j, g, same[i*c0.ld+j])
							}
						}
					}
				})
			}
		}
	}
}

func TestSgemmPackedPanics(t *testing.T) {
	s := make([]float32, 100)
	pb := PackB(false, 4, 5, s, 5)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"negative k", func() { PackB(false, -1, 2, s, 2) }, "negative dimension"},
		{"short b", func() { PackB(true, 30, 4, s, 30) }, "len(b) = 100, need 120"},
		{"nil packed", func() { SgemmPacked(false, 2, 1, s, 4, nil, 0, s, 5) }, "nil PackedB"},
		{"small lda", func() { SgemmPacked(false, 2, 1, s, 3, pb, 0, s, 5) }, "lda (3) < max(1, 4"},
		{"short c", func() { SgemmPacked(false, 21, 1, s[:84], 4, pb, 0, s, 5) }, "len(c) = 100, need 105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one containing %q", msg, tt.want)
				}
			}()
			tt.call()
		})
	}
}

// TestParallelNoAllocs checks that a warm multiply split among goroutines
// (by columns, by rows, or a strided batch by products) allocates nothing:
// jobs, workspaces and the helper start are all recycled. Each case is
// warmed up first so that the pooled workspaces have grown to its shapes.
func TestParallelNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	// AllocsPerRun runs on one P; changing GOMAXPROCS empties every
	// sync.Pool, so the warm-up must run on one P as well.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const n = 96
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for _, k := range kernels() {
		cfg := newConfig(k)
		cfg.threads, cfg.minWork = 2, 1
		for _, tt := range []struct {
			name string
			mul  func()
		}{
			{"columns", func() { cfg.sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }},
			{"rows", func() { cfg.sgemm(true, true, n, n/2, n, 1, a, n, b, n, 1, c, n) }},
			{"batch", func() {
				cfg.sgemmStrided(4, false, false, n/4, n, n/4, 1, a, n/4, n*n/4, b, n, 0, 0, c, n, n*n/4)
			}},
		} {
			for range 10 {
				tt.mul()
			}
			if got := testing.AllocsPerRun(50, tt.mul); got != 0 {
				t.Errorf("%s, split by %s: %v allocations per multiply, want 0", k.name, tt.name, got)
			}
		}
	}
}

package upscale

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// fsrTestImage is random colour with the cases the kernels must get exactly
// right mixed in: flat black and white patches (where RCAS's limiters divide
// by zero and rely on GPU min/max with NaN), values slightly outside [0,1],
// and exact zeros.
func fsrTestImage(w, h, channels int, seed uint64) *raster.Image {
	r := rand.New(rand.NewPCG(seed, 7))
	m := raster.New(w, h, channels)
	for _, p := range m.Planes {
		for i := range p {
			switch r.IntN(8) {
			case 0:
				p[i] = 0
			case 1:
				p[i] = 1
			case 2:
				p[i] = r.Float32()*1.5 - 0.25
			default:
				p[i] = r.Float32()
			}
		}
	}
	// Flat patches across all planes.
	for range 1 + w*h/40 {
		x, y, v := r.IntN(w), r.IntN(h), float32(r.IntN(2))
		for dy := range 4 {
			for dx := range 4 {
				if x+dx < w && y+dy < h {
					for _, p := range m.Planes {
						p[(y+dy)*w+x+dx] = v
					}
				}
			}
		}
	}
	return m
}

// mulAdd is x·y + z as the compiler builds it: fused into one FMA
// (rounded once) on targets that contract, such as GOAMD64=v3 or arm64.
//
//go:noinline
func mulAdd(x, y, z float32) float32 { return x*y + z }

// contracted reports whether this build fuses multiply-adds: (1+2⁻¹²)² − 1
// keeps its 2⁻²⁴ term only when rounded once.
func contracted() bool {
	const e = 1.0 / 4096
	return mulAdd(1+e, 1+e, -1) != 2*e+e*e-(e*e)
}

// fusedTolerance bounds the difference between the vector kernels and scalar
// code compiled with fused multiply-adds, whose products are not rounded
// before the additions: a few float32 roundings, amplified by the division
// by the sum of the weights and by RCAS's sharpening.
const fusedTolerance = 1e-5

// sameBits reports the first pixel where a and b differ in any bit (by more
// than fusedTolerance when the build contracts multiply-adds, see
// contracted).
func sameBits(a, b *raster.Image) error {
	tol := 0.0
	if contracted() {
		tol = fusedTolerance
	}
	for c := range a.Planes {
		for i, v := range a.Planes[c] {
			u := b.Planes[c][i]
			if tol > 0 && math.Abs(float64(u-v)) <= tol {
				continue
			}
			if math.Float32bits(u) != math.Float32bits(v) {
				return fmt.Errorf("plane %d pixel (%d,%d): vector %g (%#08x), scalar %g (%#08x)",
					c, i%a.Width, i/a.Width, v, math.Float32bits(v), u, math.Float32bits(u))
			}
		}
	}
	return nil
}

// The vector kernels must give the scalar code's results bit for bit, on
// odd sizes (widths below, at and just past the 8-lane group, 1-pixel
// images), every plane layout and the scales.
func TestEASUVectorMatchesScalar(t *testing.T) {
	k := fsrKernels()
	if k == nil {
		t.Skip("no vector kernels on this CPU or architecture")
	}
	ctx := context.Background()
	sizes := [][2]int{{1, 1}, {1, 6}, {5, 1}, {7, 5}, {8, 8}, {9, 3}, {13, 11}, {17, 6}, {31, 9}, {97, 4}}
	vectorRuns := 0
	for _, sz := range sizes {
		for _, scale := range []float64{1, 1.3, 1.5, 1.7, 2, 3} {
			for ch := 1; ch <= 4; ch++ {
				sw, sh := sz[0], sz[1]
				dw, dh := int(math.Round(float64(sw)*scale)), int(math.Round(float64(sh)*scale))
				src := fsrTestImage(sw, sh, ch, uint64(sw*1000+sh*10+ch))
				vec, sca := raster.New(dw, dh, ch), raster.New(dw, dh, ch)
				if err := easu(ctx, vec, src, k); err != nil {
					t.Fatal(err)
				}
				if err := easu(ctx, sca, src, nil); err != nil {
					t.Fatal(err)
				}
				if err := sameBits(vec, sca); err != nil {
					t.Fatalf("%dx%dx%d -> %dx%d: %v", sw, sh, ch, dw, dh, err)
				}
				if sw >= 8 && dw >= 8 {
					if newEASUPlan(dw, dh, src, k).groups == nil {
						t.Errorf("%dx%d -> %dx%d: vector kernel not used", sw, sh, dw, dh)
					}
					vectorRuns++
				}
			}
		}
	}
	if vectorRuns == 0 {
		t.Error("no case exercised the vector kernel")
	}
}

func TestRCASVectorMatchesScalar(t *testing.T) {
	k := fsrKernels()
	if k == nil {
		t.Skip("no vector kernels on this CPU or architecture")
	}
	ctx := context.Background()
	for _, sz := range [][2]int{{1, 1}, {1, 7}, {9, 4}, {10, 3}, {11, 5}, {17, 2}, {18, 6}, {45, 7}} {
		for ch := 1; ch <= 4; ch++ {
			src := fsrTestImage(sz[0], sz[1], ch, uint64(sz[0]*100+ch))
			for _, sharpness := range []float64{0, 0.2, 1, 2.5} {
				for _, denoise := range []bool{false, true} {
					vec, sca := raster.New(sz[0], sz[1], ch), raster.New(sz[0], sz[1], ch)
					if err := rcas(ctx, vec, src, sharpness, denoise, k); err != nil {
						t.Fatal(err)
					}
					if err := rcas(ctx, sca, src, sharpness, denoise, nil); err != nil {
						t.Fatal(err)
					}
					if err := sameBits(vec, sca); err != nil {
						t.Fatalf("%dx%dx%d, sharpness %g, denoise %v: %v", sz[0], sz[1], ch, sharpness, denoise, err)
					}
				}
			}
		}
	}
}

// FSR 1 runs EASU and RCAS band by band without a full-size intermediate;
// with either kernel set it must equal EASU into an image followed by RCAS
// over it, across band boundaries (82 rows: bands of 32), with alpha and
// grey, with and without denoise.
func TestFSRBandsMatchTwoPasses(t *testing.T) {
	ctx := context.Background()
	kernels := []*fsrSIMD{nil}
	if k := fsrKernels(); k != nil {
		kernels = append(kernels, k)
	}
	for _, ch := range []int{1, 3, 4} {
		src := fsrTestImage(133, 41, ch, uint64(ch))
		if ch == 3 {
			src = scene(133, 41)
		}
		for _, denoise := range []bool{false, true} {
			mid, want := raster.New(266, 82, ch), raster.New(266, 82, ch)
			if err := easu(ctx, mid, src, nil); err != nil {
				t.Fatal(err)
			}
			if err := rcas(ctx, want, mid, 0.2, denoise, nil); err != nil {
				t.Fatal(err)
			}
			for _, k := range kernels {
				got := raster.New(266, 82, ch)
				if err := fsr1(ctx, got, src, 0.2, denoise, k); err != nil {
					t.Fatal(err)
				}
				if err := sameBits(got, want); err != nil {
					t.Fatalf("%d planes, denoise %v, vector %v: %v", ch, denoise, k != nil, err)
				}
			}
		}
	}
}

package quality

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// flatSRGB returns a w×h image whose every colour sample encodes to v.
func flatSRGB(w, h, channels int, v float32) *raster.Image {
	m := raster.New(w, h, channels)
	lin := raster.SRGBToLinear(v)
	for _, p := range m.Planes {
		for i := range p {
			p[i] = lin
		}
	}
	return m
}

func TestPSNRKnownValues(t *testing.T) {
	a := randomImage(20, 10, 3)
	tests := []struct {
		name      string
		ref, test *raster.Image
		psnr      float64
		psnrY     float64
	}{
		{"identical", a, a.Clone(), math.Inf(1), math.Inf(1)},
		{"flat 0.1 apart", flatSRGB(16, 8, 3, 0.5), flatSRGB(16, 8, 3, 0.6), 20, 20},
		{"grey 0.01 apart", flatSRGB(16, 8, 1, 0.3), flatSRGB(16, 8, 1, 0.31), 40, 40},
		{"grey vs RGB of same grey", flatSRGB(16, 8, 1, 0.3), flatSRGB(16, 8, 3, 0.31), 40, 40},
		{"clamped above 1", flatSRGB(4, 4, 3, 1), flatSRGB(4, 4, 3, 3), math.Inf(1), math.Inf(1)},
	}
	// One channel off: MSE is a third of the squared error, and Y' weights it.
	r := flatSRGB(16, 8, 3, 0.5)
	g := r.Clone()
	for i := range g.Planes[1] {
		g.Planes[1][i] = raster.SRGBToLinear(0.6)
	}
	tests = append(tests, struct {
		name        string
		ref, test   *raster.Image
		psnr, psnrY float64
	}{"green channel 0.1 apart", r, g, 20 + 10*math.Log10(3), 20 - 20*math.Log10(0.587)})
	for _, tt := range tests {
		p, err := PSNR(tt.ref, tt.test)
		if err != nil {
			t.Fatal(err)
		}
		py, err := PSNRY(tt.ref, tt.test)
		if err != nil {
			t.Fatal(err)
		}
		if !(p == tt.psnr || math.Abs(p-tt.psnr) < 1e-4) || !(py == tt.psnrY || math.Abs(py-tt.psnrY) < 1e-4) {
			t.Errorf("%s: PSNR %v, PSNR-Y %v; want %v, %v", tt.name, p, py, tt.psnr, tt.psnrY)
		}
	}
}

func TestMetricErrors(t *testing.T) {
	small := randomImage(10, 40, 1)
	mid := randomImage(100, 200, 1)
	tests := []struct {
		name string
		f    func() error
		want string
	}{
		{"size mismatch", func() error { _, err := PSNR(small, mid); return err }, "reference is 10x40 but test is 100x200"},
		{"malformed", func() error { _, err := SSIM(&raster.Image{Width: 2, Height: 2}, small); return err }, "reference: raster: image has 0 planes"},
		{"SSIM too small", func() error { _, err := SSIM(small, small); return err }, "need at least 11x11"},
		{"MS-SSIM too small", func() error { _, err := MSSSIM(mid, mid); return err }, "need at least 176x176"},
	}
	for _, tt := range tests {
		err := tt.f()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := MSSSIM(mid, mid); !errors.Is(err, ErrTooSmall) {
		t.Errorf("MS-SSIM error %v does not wrap ErrTooSmall", err)
	}
	s, err := All(mid, mid)
	if err != nil || !math.IsNaN(s.MSSSIM) || s.SSIM != 1 || s.FLIP != 0 || !math.IsInf(s.PSNR, 1) {
		t.Errorf("All on a small identical pair: %+v, %v", s, err)
	}
}

// slowSSIM evaluates SSIM and cs directly: the full 11×11 window at every
// valid position.
func slowSSIM(x, y []float32, w, h int) (float64, float64) {
	g := gaussianWindow()
	var sumS, sumCS float64
	n := 0
	for oy := 0; oy+ssimWindow <= h; oy++ {
		for ox := 0; ox+ssimWindow <= w; ox++ {
			var mx, my, mxx, myy, mxy float64
			for j := 0; j < ssimWindow; j++ {
				for i := 0; i < ssimWindow; i++ {
					wt := g[i] * g[j]
					a, b := float64(x[(oy+j)*w+ox+i]), float64(y[(oy+j)*w+ox+i])
					mx += wt * a
					my += wt * b
					mxx += wt * a * a
					myy += wt * b * b
					mxy += wt * a * b
				}
			}
			vx, vy, cxy := mxx-mx*mx, myy-my*my, mxy-mx*my
			cs := (2*cxy + ssimC2) / (vx + vy + ssimC2)
			sumCS += cs
			sumS += (2*mx*my + ssimC1) / (mx*mx + my*my + ssimC1) * cs
			n++
		}
	}
	return sumS / float64(n), sumCS / float64(n)
}

func TestSSIMStatsMatchSlowReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	sizes := [][2]int{{11, 11}, {12, 11}, {11, 30}, {23, 17}, {64, 13}, {40, 41}}
	for _, procs := range []int{1, 3} {
		old := runtime.GOMAXPROCS(procs)
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			x, y := make([]float32, w*h), make([]float32, w*h)
			for i := range x {
				x[i] = rng.Float32()
				y[i] = min(max(x[i]+0.2*(rng.Float32()-0.5), 0), 1)
			}
			s, cs := ssimStats(x, y, w, h)
			ws, wcs := slowSSIM(x, y, w, h)
			if math.Abs(s-ws) > 1e-12 || math.Abs(cs-wcs) > 1e-12 {
				t.Errorf("%dx%d with %d procs: ssim %v cs %v, want %v %v", w, h, procs, s, cs, ws, wcs)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestSSIMFlatImages(t *testing.T) {
	// Flat images have no variance, so cs = 1 and SSIM is the luminance
	// term (2ab + C1) / (a² + b² + C1).
	tests := []struct{ a, b float32 }{{0.5, 0.5}, {0.5, 0.6}, {0, 1}, {0.2, 0.9}}
	for _, tt := range tests {
		s, err := SSIM(flatSRGB(200, 180, 3, tt.a), flatSRGB(200, 180, 3, tt.b))
		if err != nil {
			t.Fatal(err)
		}
		a, b := float64(tt.a), float64(tt.b)
		want := (2*a*b + ssimC1) / (a*a + b*b + ssimC1)
		if math.Abs(s-want) > 1e-6 {
			t.Errorf("SSIM(flat %v, flat %v) = %v, want %v", tt.a, tt.b, s, want)
		}
		ms, err := MSSSIM(flatSRGB(200, 180, 3, tt.a), flatSRGB(200, 180, 3, tt.b))
		if err != nil {
			t.Fatal(err)
		}
		// Only the coarsest scale's luminance term is below one.
		if wantMS := math.Pow(want, msssimWeights[4]); math.Abs(ms-wantMS) > 1e-6 {
			t.Errorf("MS-SSIM(flat %v, flat %v) = %v, want %v", tt.a, tt.b, ms, wantMS)
		}
	}
}

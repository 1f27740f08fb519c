package quality

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// randomImage returns a w×h linear RGB image of smooth blobs plus noise, so
// that both the colour and the feature pipelines see structure.
func randomImage(w, h int, seed uint64) *raster.Image {
	rng := rand.New(rand.NewPCG(seed, 99))
	m := raster.New(w, h, 3)
	for c := 0; c < 3; c++ {
		fx, fy, ph := rng.Float64()*0.5, rng.Float64()*0.5, rng.Float64()*6
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := 0.5 + 0.35*math.Sin(fx*float64(x)+fy*float64(y)+ph) + 0.15*(rng.Float64()-0.5)
				m.Set(c, x, y, float32(v*v))
			}
		}
	}
	return m
}

func uniform(w, h int, rgb [3]float32) *raster.Image {
	m := raster.New(w, h, 3)
	for c, v := range rgb {
		for i := range m.Planes[c] {
			m.Planes[c][i] = v
		}
	}
	return m
}

// referenceFLIP is a slow transcription of the published algorithm with
// full 2-D kernels and per-pixel clamped lookups, the way the reference
// implementation is structured, in float64.
func referenceFLIP(ref, test *raster.Image, ppd float64) []float64 {
	w, h := ref.Width, ref.Height
	ycc := func(m *raster.Image) [3][]float64 {
		var out [3][]float64
		for c := range out {
			out[c] = make([]float64, w*h)
		}
		for i := 0; i < w*h; i++ {
			rgb := [3]float64{clamp01(m.Planes[0][i]), clamp01(m.Planes[1][i]), clamp01(m.Planes[2][i])}
			x, y, z := mul(rgbToXYZ, rgb)
			x, y, z = x/flipWhite[0], y/flipWhite[1], z/flipWhite[2]
			out[0][i], out[1][i], out[2][i] = 116*y-16, 500*(x-y), 200*(y-z)
		}
		return out
	}
	at := func(p []float64, x, y int) float64 {
		return p[min(max(y, 0), h-1)*w+min(max(x, 0), w-1)]
	}
	conv := func(p []float64, k [][]float64) []float64 {
		r := len(k) / 2
		out := make([]float64, w*h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s float64
				for j := -r; j <= r; j++ {
					for i := -r; i <= r; i++ {
						s += k[j+r][i+r] * at(p, x+i, y+j)
					}
				}
				out[y*w+x] = s
			}
		}
		return out
	}
	// CSF kernels in 2-D.
	radius := int(math.Ceil(3 * math.Sqrt(0.04/(2*math.Pi*math.Pi)) * ppd))
	csfKernel := func(a1, b1, a2, b2 float64) [][]float64 {
		k := make([][]float64, 2*radius+1)
		var sum float64
		for j := range k {
			k[j] = make([]float64, 2*radius+1)
			for i := range k[j] {
				dx, dy := float64(i-radius)/ppd, float64(j-radius)/ppd
				d2 := dx*dx + dy*dy
				k[j][i] = a1*math.Sqrt(math.Pi/b1)*math.Exp(-math.Pi*math.Pi*d2/b1) +
					a2*math.Sqrt(math.Pi/b2)*math.Exp(-math.Pi*math.Pi*d2/b2)
				sum += k[j][i]
			}
		}
		for j := range k {
			for i := range k[j] {
				k[j][i] /= sum
			}
		}
		return k
	}
	kernels := [3][][]float64{csfKernel(1, 0.0047, 0, 1e-5), csfKernel(1, 0.0053, 0, 1e-5), csfKernel(34.1, 0.04, 13.5, 0.025)}
	lab := func(p [3][]float64) [3][]float64 {
		var f [3][]float64
		for c := range f {
			f[c] = conv(p[c], kernels[c])
		}
		for i := 0; i < w*h; i++ {
			yy := (f[0][i] + 16) / 116
			r, g, b := mul(xyzToRGB, [3]float64{(yy + f[1][i]/500) * flipWhite[0], yy, (yy - f[2][i]/200) * flipWhite[2]})
			l := huntLab(linearToLab(math.Min(math.Max(r, 0), 1), math.Min(math.Max(g, 0), 1), math.Min(math.Max(b, 0), 1)))
			f[0][i], f[1][i], f[2][i] = l[0], l[1], l[2]
		}
		return f
	}
	// Detection kernels in 2-D, normalised as the reference does.
	sd := 0.5 * 0.082 * ppd
	dr := int(math.Ceil(3 * sd))
	detector := func(point, vertical bool) [][]float64 {
		k := make([][]float64, 2*dr+1)
		var pos, neg float64
		for j := range k {
			k[j] = make([]float64, 2*dr+1)
			for i := range k[j] {
				x, y := float64(i-dr), float64(j-dr)
				if vertical {
					x, y = y, x
				}
				g := math.Exp(-(x*x + y*y) / (2 * sd * sd))
				v := -x * g
				if point {
					v = (x*x/(sd*sd) - 1) * g
				}
				k[j][i] = v
				if v > 0 {
					pos += v
				} else {
					neg -= v
				}
			}
		}
		for j := range k {
			for i := range k[j] {
				if k[j][i] > 0 {
					k[j][i] /= pos
				} else {
					k[j][i] /= neg
				}
			}
		}
		return k
	}
	features := func(y []float64) (edge, point []float64) {
		grey := make([]float64, len(y))
		for i, v := range y {
			grey[i] = (v + 16) / 116
		}
		ex, ey := conv(grey, detector(false, false)), conv(grey, detector(false, true))
		px, py := conv(grey, detector(true, false)), conv(grey, detector(true, true))
		edge, point = make([]float64, len(y)), make([]float64, len(y))
		for i := range y {
			edge[i] = math.Hypot(ex[i], ey[i])
			point[i] = math.Hypot(px[i], py[i])
		}
		return edge, point
	}
	ry, ty := ycc(ref), ycc(test)
	rl, tl := lab(ry), lab(ty)
	re, rp := features(ry[0])
	te, tp := features(ty[0])
	cmax := math.Pow(hyab(huntLab(linearToLab(0, 1, 0)), huntLab(linearToLab(0, 0, 1))), 0.7)
	out := make([]float64, w*h)
	for i := range out {
		d := math.Pow(hyab([3]float64{rl[0][i], rl[1][i], rl[2][i]}, [3]float64{tl[0][i], tl[1][i], tl[2][i]}), 0.7)
		if d < 0.4*cmax {
			d *= 0.95 / (0.4 * cmax)
		} else {
			d = 0.95 + (d-0.4*cmax)/(cmax-0.4*cmax)*0.05
		}
		f := math.Pow(math.Max(math.Abs(re[i]-te[i]), math.Abs(rp[i]-tp[i]))/math.Sqrt2, 0.5)
		out[i] = math.Pow(d, 1-f)
	}
	return out
}

func TestFLIPMatchesSlowReference(t *testing.T) {
	tests := []struct {
		name      string
		w, h      int
		ppd       float64
		ref, test *raster.Image
	}{
		{"random pair", 41, 33, DefaultPPD, randomImage(41, 33, 1), randomImage(41, 33, 2)},
		{"small ppd", 30, 26, 20, randomImage(30, 26, 3), randomImage(30, 26, 4)},
		{"near copy", 35, 20, DefaultPPD, randomImage(35, 20, 5), nil},
	}
	for _, tt := range tests {
		if tt.test == nil {
			tt.test = tt.ref.Clone()
			for i := range tt.test.Planes[1] {
				if i%7 == 0 {
					tt.test.Planes[1][i] *= 0.8
				}
			}
		}
		got, err := FLIPMap(tt.ref, tt.test, tt.ppd)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceFLIP(tt.ref, tt.test, tt.ppd)
		worst := 0.0
		for i, v := range want {
			worst = math.Max(worst, math.Abs(float64(got.Planes[0][i])-v))
		}
		t.Logf("%s: worst difference %.3g", tt.name, worst)
		if worst > 1e-5 {
			t.Errorf("%s: error map differs from the 2-D reference by up to %g", tt.name, worst)
		}
	}
}

func TestFLIPInvariants(t *testing.T) {
	a, b := randomImage(48, 40, 7), randomImage(48, 40, 8)
	tests := []struct {
		name      string
		ref, test *raster.Image
		lo, hi    float64
	}{
		{"identical", a, a.Clone(), 0, 0},
		{"different", a, b, 0.05, 1},
		// Uniform black against white: no features, L* differs by 100, so
		// ꟻLIP is the remapped colour error 0.95 + 0.05·(100^0.7 − 0.4·cmax)/(0.6·cmax)
		// with cmax = HyAB(green, blue)^0.7 ≈ 41.27 (worked by hand: 0.967).
		{"black vs white", uniform(24, 24, [3]float32{0, 0, 0}), uniform(24, 24, [3]float32{1, 1, 1}), 0.965, 0.969},
		{"out of range clamps", uniform(24, 24, [3]float32{-3, -1, 0}), uniform(24, 24, [3]float32{5, 2, 1}), 0.965, 0.969},
	}
	for _, tt := range tests {
		m, err := FLIPMap(tt.ref, tt.test, DefaultPPD)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range m.Planes[0] {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s: pixel %d = %v outside [0,1]", tt.name, i, v)
			}
		}
		f, _ := FLIP(tt.ref, tt.test)
		if f < tt.lo || f > tt.hi {
			t.Errorf("%s: ꟻLIP = %v, want in [%v, %v]", tt.name, f, tt.lo, tt.hi)
		}
		back, _ := FLIP(tt.test, tt.ref)
		if math.Abs(back-f) > 1e-6 {
			t.Errorf("%s: ꟻLIP(a,b) = %v but ꟻLIP(b,a) = %v", tt.name, f, back)
		}
	}
}

func TestFLIPGrowsWithDistortion(t *testing.T) {
	ref := randomImage(64, 48, 11)
	prev := 0.0
	for _, amount := range []float32{0.02, 0.05, 0.1, 0.2} {
		test := ref.Clone()
		for c := range test.Planes {
			for i := range test.Planes[c] {
				if (i/3+c)%2 == 0 {
					test.Planes[c][i] += amount
				}
			}
		}
		f, err := FLIP(ref, test)
		if err != nil {
			t.Fatal(err)
		}
		if f <= prev {
			t.Errorf("ꟻLIP %v at distortion %v is not above %v", f, amount, prev)
		}
		prev = f
	}
}

func TestFLIPMapRejectsBadPPD(t *testing.T) {
	a := randomImage(8, 8, 1)
	for _, ppd := range []float64{0, -1, math.NaN(), math.Inf(1), 1e9} {
		if _, err := FLIPMap(a, a, ppd); err == nil {
			t.Errorf("ppd %v accepted", ppd)
		}
	}
}

// TestLinearToLabKnownColours checks the CIELAB conversion against the
// published CIELAB (D65) coordinates of the sRGB primaries and white.
func TestLinearToLabKnownColours(t *testing.T) {
	tests := []struct {
		rgb [3]float64
		lab [3]float64
	}{
		{[3]float64{1, 1, 1}, [3]float64{100, 0, 0}},
		{[3]float64{1, 0, 0}, [3]float64{53.24, 80.09, 67.20}},
		{[3]float64{0, 1, 0}, [3]float64{87.73, -86.18, 83.18}},
		{[3]float64{0, 0, 1}, [3]float64{32.30, 79.19, -107.86}},
		{[3]float64{0, 0, 0}, [3]float64{0, 0, 0}},
		{[3]float64{0.001, 0.001, 0.001}, [3]float64{0.9033, 0, 0}}, // linear segment: 903.3·Y
	}
	for _, tt := range tests {
		got := linearToLab(tt.rgb[0], tt.rgb[1], tt.rgb[2])
		for i := range got {
			if math.Abs(got[i]-tt.lab[i]) > 0.01 {
				t.Errorf("Lab%v = %v, want %v", tt.rgb, got, tt.lab)
				break
			}
		}
	}
}

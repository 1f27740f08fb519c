package upscale

import (
	"context"
	"math"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// easuTaps lists the 12 taps as offsets from texel 'f', in easuKernel's
// (the shader's) order b c i j f e k l h g o n.
var easuTaps = [12][2]int8{
	{0, -1}, {1, -1}, {-1, 1}, {0, 1}, {0, 0}, {-1, 0},
	{1, 1}, {2, 1}, {2, 0}, {1, 0}, {1, 2}, {0, 2},
}

// Positions of the named taps in easuTaps.
const (
	tB, tC, tI, tJ, tF, tE, tK, tL, tH, tG, tO, tN = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// The expected values are decoded by hand from the bit patterns, e.g.
// 0x7ef07ebb − bits(1.0) = 0x3F707EBB = 2⁻¹·(1 + 0x707EBB/2²³) = 0.9394331.
func TestAMDApproximations(t *testing.T) {
	cases := []struct {
		name string
		got  float32
		want float64
	}{
		{"PrxLoRcp(1)", prxLoRcp(1), 0.9394331},
		{"PrxLoRcp(0.5)", prxLoRcp(0.5), 1.8788662},
		{"PrxLoRsq(1)", prxLoRsq(1), 0.9550400},
		{"PrxMedRcp(0.25)", prxMedRcp(0.25), 3.9873876},
		{"PrxMedRcp(1)", prxMedRcp(1), 0.9968469},
	}
	for _, c := range cases {
		if !near(float64(c.got), c.want, 2e-6) {
			t.Errorf("%s = %.7f, want %.7f", c.name, c.got, c.want)
		}
	}
	// The low-precision forms are within ~7 %, the refined one within 0.4 %.
	for _, a := range []float32{0.01, 0.3, 1, 1.7, 2.9, 40} {
		if r := float64(prxLoRcp(a) * a); r < 0.93 || r > 1.07 {
			t.Errorf("PrxLoRcp(%g)·%g = %g", a, a, r)
		}
		if r := float64(prxMedRcp(a) * a); r < 0.996 || r > 1.004 {
			t.Errorf("PrxMedRcp(%g)·%g = %g", a, a, r)
		}
		if r := float64(prxLoRsq(a)) * math.Sqrt(float64(a)); r < 0.93 || r > 1.07 {
			t.Errorf("PrxLoRsq(%g)·√%g = %g", a, a, r)
		}
	}
}

// With flat luma there is no direction (it falls back to +x) and no edge
// length, so the kernel is the plain radial Lanczos-2 approximation with
// lob = 1/2: weight 1 at the tap under the sample, 0 at distance 1.
func TestEASUWeightsOnFlatLuma(t *testing.T) {
	var w [12]float32
	dX, dY, lX, lY := easuPlus(1, 1, 1, 1, 1)
	if a := [4]float32{dX, dY, lX, lY}; a != [4]float32{} {
		t.Fatalf("flat '+' analysis = %v, want zeros", a)
	}
	easuKernel(&w, 0, 0, 0, 0, 0)
	if !near(float64(w[tF]), 1, 1e-6) {
		t.Errorf("weight of f = %g, want 1", w[tF])
	}
	for _, tap := range []int{tB, tE, tG, tJ} {
		if !near(float64(w[tap]), 0, 1e-6) {
			t.Errorf("weight of tap %d at distance 1 = %g, want 0", tap, w[tap])
		}
	}
	// Tap k at distance √2 is clipped to d² = clp = PrxLoRcp(1/2) = 1.8788662:
	// (25/16·(0.4·clp − 1)² − 9/16)·(clp/2 − 1)².
	clp := 1.8788662
	want := (25.0/16*math.Pow(0.4*clp-1, 2) - 9.0/16) * math.Pow(clp/2-1, 2)
	if !near(float64(w[tK]), want, 1e-6) {
		t.Errorf("weight of k = %g, want %g", w[tK], want)
	}
}

// EASU's output never leaves the range of the 2×2 texels nearest the sample.
func TestEASUDeringClamp(t *testing.T) {
	src := noise(11, 8, 3, 9)
	dst := raster.New(19, 15, 3)
	if err := EASU(context.Background(), dst, src); err != nil {
		t.Fatal(err)
	}
	sx := float32(11) * (1 / float32(19))
	sy := float32(8) * (1 / float32(15))
	ox := float32(0.5)*11*(1/float32(19)) - 0.5
	oy := float32(0.5)*8*(1/float32(15)) - 0.5
	for y := 0; y < 15; y++ {
		fy := int(math.Floor(float64(float32(y)*sy + oy)))
		for x := 0; x < 19; x++ {
			fx := int(math.Floor(float64(float32(x)*sx + ox)))
			for c := 0; c < 3; c++ {
				lo, hi := float32(2), float32(-1)
				for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					v := src.At(c, clampInt(fx+d[0], 0, 10), clampInt(fy+d[1], 0, 7))
					lo, hi = min(lo, v), max(hi, v)
				}
				if v := dst.At(c, x, y); v < lo || v > hi {
					t.Fatalf("output (%d,%d) plane %d = %g outside its 2x2 range [%g, %g]", x, y, c, v, lo, hi)
				}
			}
		}
	}
}

// A bright pixel (1.0) on a 0.5 grey field, derived by hand from FsrRcasF:
// the ring's min = max = 0.5 gives hitMin = 0.25, hitMax = −0.25, so the
// lobe is clamped to −FSR_RCAS_LIMIT = −0.1875 (times 2^−stops), and
// output = (4·lobe·0.5 + 1)·PrxMedRcp(4·lobe + 1).
func TestRCASHandChecked(t *testing.T) {
	src := raster.New(3, 3, 1)
	for i := range src.Planes[0] {
		src.Planes[0][i] = 0.5
	}
	src.Planes[0][4] = 1
	cases := []struct {
		stops   float64
		denoise bool
		want    float64
		tol     float64
	}{
		{0, false, 0.625 * 3.9873876, 1e-5}, // 2.4921, exact 1/x would give 2.5
		{1, false, 0.8125 * 1.5991106, 1e-5},
		// Denoise: the cross looks like noise (|nz|/range ≈ 1), halving the lobe.
		{0, true, 1.30152, 2e-3},
	}
	for _, c := range cases {
		dst := raster.New(3, 3, 1)
		if err := RCAS(context.Background(), dst, src, c.stops, c.denoise); err != nil {
			t.Fatal(err)
		}
		if got := float64(dst.Planes[0][4]); !near(got, c.want, c.tol) {
			t.Errorf("stops %g denoise %v: centre = %.6f, want %.6f", c.stops, c.denoise, got, c.want)
		}
	}
}

// NVScalerUpdateConfig at the slider's midpoint: strength 0.4 … 1.6 and
// limit 0.14 … 0.5, ramped between luma 0.45 and 0.9.
func TestNISConfig(t *testing.T) {
	c := NewNIS(0.5).cfg
	checks := []struct {
		name      string
		got, want float32
	}{
		{"sharpStrengthMin", c.sharpStrengthMin, 0.4},
		{"sharpStrengthScale", c.sharpStrengthS, 1.2},
		{"sharpLimitMin", c.sharpLimitMin, 0.14},
		{"sharpLimitScale", c.sharpLimitScale, 0.36},
		{"sharpScaleY", c.sharpScaleY, 1 / 0.45},
		{"detectRatio", c.detectRatio, 2 * 1127.0 / 1024},
		{"ratioNorm", c.ratioNorm, 1.0 / 8},
	}
	for _, k := range checks {
		if !near(float64(k.got), float64(k.want), 1e-6) {
			t.Errorf("%s = %g, want %g", k.name, k.got, k.want)
		}
	}
	// Slider 0: strength min max(0, 0.4 − 0.6) = 0, limit min max(0.1, 0.14 − 0.16).
	z := NewNIS(0).cfg
	if z.sharpStrengthMin != 0 || !near(float64(z.sharpLimitMin), 0.1, 1e-7) {
		t.Errorf("sharpness 0: strength min %g, limit min %g", z.sharpStrengthMin, z.sharpLimitMin)
	}
}

// NVIDIA's banks: every scaler row sums to 1 and every USM row to 0 within
// the tables' 4-decimal rounding, and phase 0 is the identity.
func TestNISCoefficientTables(t *testing.T) {
	for p := 0; p < nisPhaseCount; p++ {
		var s, u float64
		for i := 0; i < 6; i++ {
			s += float64(nisCoefScale[p][i])
			u += float64(nisCoefUSM[p][i])
		}
		if !near(s, 1, 6e-4) || !near(u, 0, 6e-4) {
			t.Errorf("phase %d: scaler sums to %g, USM to %g", p, s, u)
		}
		// Mirror symmetry: phase p and 64−p are reverses (taps −2…3 vs 3…−2).
		if p > 0 {
			q := nisPhaseCount - p
			for i := 0; i < 6; i++ {
				if nisCoefScale[p][i] != nisCoefScale[q][5-i] {
					t.Errorf("scaler phase %d tap %d = %g, phase %d tap %d = %g", p, i, nisCoefScale[p][i], q, 5-i, nisCoefScale[q][5-i])
				}
			}
		}
	}
	if nisCoefScale[0] != [6]float32{0, 0, 1, 0, 0, 0} {
		t.Errorf("phase 0 is not the identity: %v", nisCoefScale[0])
	}
}

// With gradients below kDetectThres no edge is detected, so at scale 1
// (phase 0 everywhere) NVScaler reduces to the identity.
func TestNISIdentityWithoutEdges(t *testing.T) {
	src := raster.New(12, 10, 3)
	for y := 0; y < 10; y++ {
		for x := 0; x < 12; x++ {
			v := 0.3 + 0.01*float32(x) + 0.005*float32(y)
			src.Set(0, x, y, v)
			src.Set(1, x, y, v+0.1)
			src.Set(2, x, y, v-0.1)
		}
	}
	out, err := Resize(context.Background(), NewNIS(0.5), src, 12, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(out, src); d > 1e-6 {
		t.Errorf("scale 1 without edges changed the image by %g", d)
	}
	// A hard vertical edge is detected and sharpened: overshoot appears.
	edge := raster.New(12, 10, 1)
	for y := 0; y < 10; y++ {
		for x := 6; x < 12; x++ {
			edge.Set(0, x, y, 0.8)
		}
		for x := 0; x < 6; x++ {
			edge.Set(0, x, y, 0.2)
		}
	}
	up, err := Resize(context.Background(), NewNIS(1), edge, 24, 20)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := float32(1), float32(0)
	for _, v := range up.Planes[0] {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo >= 0.2 && hi <= 0.8 {
		t.Errorf("NIS at full sharpness left a hard edge without any overshoot: [%g, %g]", lo, hi)
	}
}

// refEASU is FsrEasuF transcribed directly for one output pixel: clamped
// texel fetches of the 12 taps, the four FsrEasuSetF calls on their lumas,
// then FsrEasuTapF for each tap. The production code hoists the per-texel
// part of FsrEasuSetF out of the pixel loop; this checks it changed nothing.
func refEASU(src *raster.Image, dw, dh, ox, oy int) []float32 {
	sw, sh := src.Width, src.Height
	con0x := float32(sw) * (1 / float32(dw))
	con0y := float32(sh) * (1 / float32(dh))
	con0z := float32(0.5)*float32(sw)*(1/float32(dw)) - 0.5
	con0w := float32(0.5)*float32(sh)*(1/float32(dh)) - 0.5
	ppx := float32(ox)*con0x + con0z
	ppy := float32(oy)*con0y + con0w
	fpx, fpy := float32(math.Floor(float64(ppx))), float32(math.Floor(float64(ppy)))
	ppx -= fpx
	ppy -= fpy
	fetch := func(c, dx, dy int) float32 {
		return src.At(c, clampInt(int(fpx)+dx, 0, sw-1), clampInt(int(fpy)+dy, 0, sh-1))
	}
	luma := func(dx, dy int) float32 {
		if src.ColourChannels() == 1 {
			return 2 * fetch(0, dx, dy)
		}
		return fetch(2, dx, dy)*0.5 + (fetch(0, dx, dy)*0.5 + fetch(1, dx, dy))
	}
	var dirX, dirY, ln float32
	set := func(w float32, lA, lB, lC, lD, lE float32) {
		dc, cb := lD-lC, lC-lB
		lenX := prxLoRcp(gmax(abs32(dc), abs32(cb)))
		dx := lD - lB
		dirX += dx * w
		lenX = sat(abs32(dx) * lenX)
		lenX *= lenX
		ln += lenX * w
		ec, ca := lE-lC, lC-lA
		lenY := prxLoRcp(gmax(abs32(ec), abs32(ca)))
		dy := lE - lA
		dirY += dy * w
		lenY = sat(abs32(dy) * lenY)
		lenY *= lenY
		ln += lenY * w
	}
	bL, cL := luma(0, -1), luma(1, -1)
	eL, fL, gL, hL := luma(-1, 0), luma(0, 0), luma(1, 0), luma(2, 0)
	iL, jL, kL, lL := luma(-1, 1), luma(0, 1), luma(1, 1), luma(2, 1)
	nL, oL := luma(0, 2), luma(1, 2)
	set((1-ppx)*(1-ppy), bL, eL, fL, gL, jL)
	set(ppx*(1-ppy), cL, fL, gL, hL, kL)
	set((1-ppx)*ppy, fL, iL, jL, kL, nL)
	set(ppx*ppy, gL, jL, kL, lL, oL)
	var w [12]float32
	easuKernel(&w, dirX, dirY, ln, ppx, ppy)
	out := make([]float32, src.Channels())
	for c := range out {
		var aC, aW float32
		for t, o := range easuTaps {
			aC += fetch(c, int(o[0]), int(o[1])) * w[t]
			aW += w[t]
		}
		mn := min(fetch(c, 0, 0), fetch(c, 1, 0), fetch(c, 0, 1), fetch(c, 1, 1))
		mx := max(fetch(c, 0, 0), fetch(c, 1, 0), fetch(c, 0, 1), fetch(c, 1, 1))
		out[c] = min(mx, max(mn, aC*(1/aW)))
	}
	return out
}

func TestEASUMatchesDirectTranscription(t *testing.T) {
	for _, s := range []struct{ sw, sh, dw, dh, ch int }{
		{9, 7, 18, 14, 3}, {10, 8, 13, 10, 3}, {7, 7, 21, 21, 4}, {8, 6, 12, 9, 1}, {6, 6, 6, 6, 3},
	} {
		src := noise(s.sw, s.sh, s.ch, uint64(s.dw))
		dst := raster.New(s.dw, s.dh, s.ch)
		if err := EASU(context.Background(), dst, src); err != nil {
			t.Fatal(err)
		}
		for y := 0; y < s.dh; y++ {
			for x := 0; x < s.dw; x++ {
				want := refEASU(src, s.dw, s.dh, x, y)
				for c, v := range want {
					if g := dst.At(c, x, y); math.Abs(float64(g-v)) > 1e-6 {
						t.Fatalf("%dx%d->%dx%d: (%d,%d) plane %d = %g, reference %g", s.sw, s.sh, s.dw, s.dh, x, y, c, g, v)
					}
				}
			}
		}
	}
}

// refRCAS is FsrRcasF for one pixel, with clamped loads.
func refRCAS(src *raster.Image, x, y int, sharp float32, denoise bool) []float32 {
	w, h := src.Width, src.Height
	at := func(c, dx, dy int) float32 { return src.At(c, clampInt(x+dx, 0, w-1), clampInt(y+dy, 0, h-1)) }
	nc := src.ColourChannels()
	luma := func(dx, dy int) float32 {
		if nc == 1 {
			return 2 * at(0, dx, dy)
		}
		return at(2, dx, dy)*0.5 + (at(0, dx, dy)*0.5 + at(1, dx, dy))
	}
	lobe := float32(math.NaN())
	for c := 0; c < nc; c++ {
		b, d, f, hh := at(c, 0, -1), at(c, -1, 0), at(c, 1, 0), at(c, 0, 1)
		mn4 := gmin(gmin(gmin(b, d), f), hh)
		mx4 := gmax(gmax(gmax(b, d), f), hh)
		l := gmax(-(mn4 * (1 / (4 * mx4))), (1-mx4)*(1/(4*mn4-4)))
		lobe = gmax(l, lobe)
	}
	lobe = gmax(-rcasLimit, gmin(lobe, 0)) * sharp
	if denoise {
		lb, ld, le, lf, lh := luma(0, -1), luma(-1, 0), luma(0, 0), luma(1, 0), luma(0, 1)
		nz := 0.25*lb + 0.25*ld + 0.25*lf + 0.25*lh - le
		nz = sat(abs32(nz) * prxMedRcp(max(lb, ld, le, lf, lh)-min(lb, ld, le, lf, lh)))
		lobe *= -0.5*nz + 1
	}
	rcpL := prxMedRcp(4*lobe + 1)
	out := make([]float32, src.Channels())
	for c := range out {
		if c >= nc {
			out[c] = at(c, 0, 0) // alpha passes through
			continue
		}
		out[c] = (lobe*at(c, 0, -1) + lobe*at(c, -1, 0) + lobe*at(c, 0, 1) + lobe*at(c, 1, 0) + at(c, 0, 0)) * rcpL
	}
	return out
}

func TestRCASMatchesDirectTranscription(t *testing.T) {
	for _, ch := range []int{1, 2, 3, 4} {
		for _, denoise := range []bool{false, true} {
			src := noise(9, 7, ch, uint64(ch))
			dst := raster.New(9, 7, ch)
			if err := RCAS(context.Background(), dst, src, 0.3, denoise); err != nil {
				t.Fatal(err)
			}
			sharp := float32(math.Exp2(-0.3))
			for y := 0; y < 7; y++ {
				for x := 0; x < 9; x++ {
					for c, v := range refRCAS(src, x, y, sharp, denoise) {
						if g := dst.At(c, x, y); math.Abs(float64(g-v)) > 1e-6 {
							t.Fatalf("%d planes, denoise %v: (%d,%d) plane %d = %g, reference %g", ch, denoise, x, y, c, g, v)
						}
					}
				}
			}
		}
	}
}

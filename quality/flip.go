package quality

import (
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// ꟻLIP (LDR) after Andersson, Nilsson, Akenine-Möller, Oskarsson, Åström and
// Fairchild, "ꟻLIP: A Difference Evaluator for Alternating Images", HPG 2020,
// with the constants and conventions of NVIDIA's reference implementation
// (v1.1 and later: exact 6/29 CIELAB segment, clamp-to-edge borders).
//
// Colour pipeline: linear RGB → XYZ → YCxCz; each opponent channel is
// filtered by its contrast sensitivity function (a sum of Gaussians in
// visual degrees); back to linear RGB, clamped to [0,1], to CIELAB, chroma
// scaled by 0.01·L* (Hunt effect); HyAB distance; raised to qc and remapped
// so that pc of the largest possible distance (green vs blue) maps to pt.
// Feature pipeline: first (edge) and second (point) derivatives of a
// Gaussian of width w degrees on the normalised luminance (Y+16)/116; the
// larger difference in magnitude, over √2, raised to qf. Per pixel,
// ꟻLIP = colour^(1 − feature).

// DefaultPPD is the reference implementation's default observer: 0.7 m from
// a 0.7 m wide monitor 3840 pixels across, in pixels per degree (≈ 67.02).
const DefaultPPD = 0.7 * (3840 / 0.7) * math.Pi / 180

const (
	flipQC = 0.7   // exponent of the colour difference
	flipPC = 0.4   // fraction of the largest difference mapped to flipPT
	flipPT = 0.95  // colour error at flipPC of the largest difference
	flipW  = 0.082 // feature detector width in degrees
	flipQF = 0.5   // exponent of the feature difference
)

// CSF parameters per YCxCz channel: a1·√(π/b1)·exp(−π²x²/b1) +
// a2·√(π/b2)·exp(−π²x²/b2), x in degrees.
var flipCSF = [3]struct{ a1, b1, a2, b2 float64 }{
	{1, 0.0047, 0, 1e-5},      // achromatic Y
	{1, 0.0053, 0, 1e-5},      // red-green Cx
	{34.1, 0.04, 13.5, 0.025}, // blue-yellow Cz
}

// D65 white of the sRGB → XYZ matrix below, and its inverse.
var (
	flipWhite    = [3]float64{0.950428545, 1, 1.088900371}
	flipInvWhite = [3]float64{1.052156925, 1, 0.918357670}
)

// Linear sRGB → XYZ (D65) as rational numbers, and its inverse.
var (
	rgbToXYZ = [3][3]float64{
		{10135552.0 / 24577794, 8788810.0 / 24577794, 4435075.0 / 24577794},
		{2613072.0 / 12288897, 8788810.0 / 12288897, 887015.0 / 12288897},
		{1425312.0 / 73733382, 8788810.0 / 73733382, 70074185.0 / 73733382},
	}
	xyzToRGB = [3][3]float64{
		{3.241003275, -1.537398934, -0.498615861},
		{-0.969224334, 1.875930071, 0.041554224},
		{0.055639423, -0.204011202, 1.057148933},
	}
)

// FLIP returns the mean LDR-ꟻLIP error of test against ref at DefaultPPD.
func FLIP(ref, test *raster.Image) (float64, error) {
	m, err := FLIPMap(ref, test, DefaultPPD)
	if err != nil {
		return 0, err
	}
	return mean(m.Planes[0]), nil
}

// FLIPMap returns the per-pixel LDR-ꟻLIP error of test against ref, one
// plane in [0,1], for an observer at ppd pixels per degree. Colours are
// clamped to [0,1] first (LDR).
func FLIPMap(ref, test *raster.Image, ppd float64) (*raster.Image, error) {
	if !(ppd > 0) || math.IsInf(ppd, 0) || ppd > 1e4 {
		return nil, fmt.Errorf("ꟻLIP: pixels per degree %v out of range (0, 1e4]", ppd)
	}
	if err := checkPair(ref, test); err != nil {
		return nil, err
	}
	e := flipMap(ref, test, ppd)
	return &raster.Image{Width: ref.Width, Height: ref.Height, Planes: [][]float32{e}}, nil
}

// flipMap computes the ꟻLIP error map of a checked pair.
func flipMap(ref, test *raster.Image, ppd float64) []float32 {
	w, h := ref.Width, ref.Height
	refYCC, testYCC := toYCxCz(ref), toYCxCz(test)

	// Colour pipeline.
	csf := newCSF(ppd)
	refLab := csf.filteredLab(refYCC, w, h)
	testLab := csf.filteredLab(testYCC, w, h)
	cmax := math.Pow(hyab(huntLab(linearToLab(0, 1, 0)), huntLab(linearToLab(0, 0, 1))), flipQC)
	pcmax := flipPC * cmax

	// Feature pipeline.
	det := newDetectors(ppd)
	refEdge, refPoint := det.features(refYCC[0], w, h)
	testEdge, testPoint := det.features(testYCC[0], w, h)

	out := make([]float32, w*h)
	parallelRows(h, func(lo, hi int) {
		for i := lo * w; i < hi*w; i++ {
			d := hyab(
				[3]float64{float64(refLab[0][i]), float64(refLab[1][i]), float64(refLab[2][i])},
				[3]float64{float64(testLab[0][i]), float64(testLab[1][i]), float64(testLab[2][i])})
			d = math.Pow(d, flipQC)
			if d < pcmax {
				d *= flipPT / pcmax
			} else {
				d = flipPT + (d-pcmax)/(cmax-pcmax)*(1-flipPT)
			}
			fe := math.Abs(float64(refEdge[i] - testEdge[i]))
			fp := math.Abs(float64(refPoint[i] - testPoint[i]))
			f := math.Sqrt(max(fe, fp) / math.Sqrt2) // ^flipQF, which is 1/2
			out[i] = float32(math.Pow(d, 1-f))
		}
	})
	return out
}

// toYCxCz converts m's colour (grey replicated), clamped to [0,1], to the
// YCxCz opponent space, one plane per channel.
func toYCxCz(m *raster.Image) [3][]float32 {
	n := m.Width * m.Height
	var out [3][]float32
	for c := range out {
		out[c] = make([]float32, n)
	}
	r, g, b := m.Planes[0], m.Planes[0], m.Planes[0]
	if m.ColourChannels() == 3 {
		g, b = m.Planes[1], m.Planes[2]
	}
	parallelRows(m.Height, func(lo, hi int) {
		for i := lo * m.Width; i < hi*m.Width; i++ {
			rgb := [3]float64{clamp01(r[i]), clamp01(g[i]), clamp01(b[i])}
			x, y, z := mul(rgbToXYZ, rgb)
			x, y, z = x*flipInvWhite[0], y*flipInvWhite[1], z*flipInvWhite[2]
			out[0][i] = float32(116*y - 16)
			out[1][i] = float32(500 * (x - y))
			out[2][i] = float32(200 * (y - z))
		}
	})
	return out
}

func clamp01(v float32) float64 { return float64(min(max(v, 0), 1)) }

func mul(m [3][3]float64, v [3]float64) (float64, float64, float64) {
	return m[0][0]*v[0] + m[0][1]*v[1] + m[0][2]*v[2],
		m[1][0]*v[0] + m[1][1]*v[1] + m[1][2]*v[2],
		m[2][0]*v[0] + m[2][1]*v[1] + m[2][2]*v[2]
}

// linearToLab converts linear RGB to CIELAB (D65) with the exact 6/29
// linear segment.
func linearToLab(r, g, b float64) [3]float64 {
	x, y, z := mul(rgbToXYZ, [3]float64{r, g, b})
	f := func(t float64) float64 {
		const delta = 6.0 / 29
		if t > delta*delta*delta {
			return math.Cbrt(t)
		}
		return t/(3*delta*delta) + 4.0/29
	}
	fx, fy, fz := f(x*flipInvWhite[0]), f(y*flipInvWhite[1]), f(z*flipInvWhite[2])
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// huntLab scales chroma by 0.01·L*: colour differences shrink in the dark.
func huntLab(lab [3]float64) [3]float64 {
	return [3]float64{lab[0], 0.01 * lab[0] * lab[1], 0.01 * lab[0] * lab[2]}
}

// hyab is the HyAB distance: city-block in L*, Euclidean in (a*, b*).
func hyab(p, q [3]float64) float64 {
	da, db := p[1]-q[1], p[2]-q[2]
	return math.Abs(p[0]-q[0]) + math.Sqrt(da*da+db*db)
}

// csf holds the separable factors of the three CSF kernels. Each 2-D kernel
// is a weighted sum of one or two separable Gaussians, normalised so the
// 2-D weights sum to one, exactly as the reference builds it in 2-D.
type csf struct {
	radius int
	terms  [3][]csfTerm
}

type csfTerm struct {
	weight float64   // a·√(π/b) divided by the 2-D kernel sum
	taps   []float32 // exp(−π²x²/b), x = i/ppd degrees
}

func newCSF(ppd float64) *csf {
	maxB := 0.0
	for _, p := range flipCSF {
		maxB = max(maxB, p.b1, p.b2)
	}
	radius := int(math.Ceil(3 * math.Sqrt(maxB/(2*math.Pi*math.Pi)) * ppd))
	k := &csf{radius: radius}
	for c, p := range flipCSF {
		var sum float64
		type raw struct {
			coef float64
			taps []float64
			s    float64
		}
		var parts []raw
		for _, ab := range [][2]float64{{p.a1, p.b1}, {p.a2, p.b2}} {
			if ab[0] == 0 {
				continue
			}
			taps := make([]float64, 2*radius+1)
			var s float64
			for i := range taps {
				x := float64(i-radius) / ppd
				taps[i] = math.Exp(-math.Pi * math.Pi * x * x / ab[1])
				s += taps[i]
			}
			coef := ab[0] * math.Sqrt(math.Pi/ab[1])
			sum += coef * s * s
			parts = append(parts, raw{coef, taps, s})
		}
		for _, part := range parts {
			t := csfTerm{weight: part.coef / sum, taps: make([]float32, len(part.taps))}
			for i, v := range part.taps {
				t.taps[i] = float32(v)
			}
			k.terms[c] = append(k.terms[c], t)
		}
	}
	return k
}

// filteredLab applies the CSF to each YCxCz plane and returns the result as
// Hunt-adjusted CIELAB planes.
func (k *csf) filteredLab(ycc [3][]float32, w, h int) [3][]float32 {
	var filtered [3][]float32
	tmp := make([]float32, w*h)
	part := make([]float32, w*h)
	for c := range ycc {
		dst := make([]float32, w*h)
		for _, t := range k.terms[c] {
			convolveRows(tmp, ycc[c], w, h, t.taps)
			convolveCols(part, tmp, w, h, t.taps)
			weight := float32(t.weight)
			for i, v := range part {
				dst[i] += weight * v
			}
		}
		filtered[c] = dst
	}
	parallelRows(h, func(lo, hi int) {
		for i := lo * w; i < hi*w; i++ {
			yy := (float64(filtered[0][i]) + 16) / 116
			x := (yy + float64(filtered[1][i])/500) * flipWhite[0]
			y := yy * flipWhite[1]
			z := (yy - float64(filtered[2][i])/200) * flipWhite[2]
			r, g, b := mul(xyzToRGB, [3]float64{x, y, z})
			lab := huntLab(linearToLab(min(max(r, 0), 1), min(max(g, 0), 1), min(max(b, 0), 1)))
			filtered[0][i], filtered[1][i], filtered[2][i] = float32(lab[0]), float32(lab[1]), float32(lab[2])
		}
	})
	return filtered
}

// detectors holds the separable factors of the edge and point detectors:
// the 2-D kernels are d(x)·g(y) and p(x)·g(y) (and transposed), with g the
// normalised Gaussian and d, p its first and second derivative shapes with
// positive weights summing to 1 and negative weights to −1, which is the
// reference's 2-D normalisation factored.
type detectors struct {
	gauss, edge, point []float32
}

func newDetectors(ppd float64) *detectors {
	sd := 0.5 * flipW * ppd
	radius := int(math.Ceil(3 * sd))
	n := 2*radius + 1
	g, d, p := make([]float64, n), make([]float64, n), make([]float64, n)
	var gs float64
	for i := range g {
		x := float64(i - radius)
		g[i] = math.Exp(-x * x / (2 * sd * sd))
		d[i] = -x * g[i]
		p[i] = (x*x/(sd*sd) - 1) * g[i]
		gs += g[i]
	}
	normalise := func(k []float64) []float32 {
		var pos, neg float64
		for _, v := range k {
			if v > 0 {
				pos += v
			} else {
				neg -= v
			}
		}
		out := make([]float32, len(k))
		for i, v := range k {
			if v > 0 {
				out[i] = float32(v / pos)
			} else {
				out[i] = float32(v / neg)
			}
		}
		return out
	}
	gn := make([]float32, n)
	for i, v := range g {
		gn[i] = float32(v / gs)
	}
	return &detectors{gauss: gn, edge: normalise(d), point: normalise(p)}
}

// features returns the edge and point magnitudes of the luminance plane
// y (YCxCz Y, normalised to (Y+16)/116).
func (k *detectors) features(y []float32, w, h int) (edge, point []float32) {
	grey := make([]float32, len(y))
	for i, v := range y {
		grey[i] = (v + 16) / 116
	}
	hg, hd, hp := make([]float32, w*h), make([]float32, w*h), make([]float32, w*h)
	convolveRows(hg, grey, w, h, k.gauss)
	convolveRows(hd, grey, w, h, k.edge)
	convolveRows(hp, grey, w, h, k.point)
	ex, ey := make([]float32, w*h), make([]float32, w*h)
	convolveCols(ex, hd, w, h, k.gauss)
	convolveCols(ey, hg, w, h, k.edge)
	px, py := hd, hp // reuse: hd is no longer needed once ex is done
	convolveCols(px, hp, w, h, k.gauss)
	convolveCols(py, hg, w, h, k.point)
	for i := range ex {
		ex[i] = float32(math.Sqrt(float64(ex[i]*ex[i] + ey[i]*ey[i])))
		px[i] = float32(math.Sqrt(float64(px[i]*px[i] + py[i]*py[i])))
	}
	return ex, px
}

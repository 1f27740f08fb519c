package temporal

import (
	"context"
	"strings"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// genTriple renders frames k and k+2 of a scene with anti-aliased colour
// (the reference) and k+2's motion reaching back to k, and the true frame
// k+1.
func genTriple(t *testing.T, s *render.Scene, k, gap int, o render.Options) (a, b *render.Frame, mid *raster.Image) {
	t.Helper()
	var err error
	if a, err = s.RenderSpan(context.Background(), k, gap, o); err != nil {
		t.Fatal(err)
	}
	if b, err = s.RenderSpan(context.Background(), k+gap, gap, o); err != nil {
		t.Fatal(err)
	}
	if mid, err = s.Reference(context.Background(), k+gap/2, o.DisplayW, o.DisplayH, o.ReferenceSPP); err != nil {
		t.Fatal(err)
	}
	a.Color, b.Color = a.Reference, b.Reference
	return a, b, mid
}

// blend is the baseline: the average of the two neighbours.
func blend(a, b *raster.Image) *raster.Image {
	m := a.Clone()
	for c := range m.Planes {
		for i := range m.Planes[c] {
			m.Planes[c][i] = 0.5 * (a.Planes[c][i] + b.Planes[c][i])
		}
	}
	return m
}

func TestInterpolateBeatsBlending(t *testing.T) {
	// Four frames apart (several pixels of motion): at one or two pixels
	// blending is as good, see docs/BENCHMARKS.md.
	o := render.Options{RenderW: 128, RenderH: 72, DisplayW: 128, DisplayH: 72, ReferenceSPP: 4}
	for _, name := range render.Scenes() {
		s, err := render.NewScene(name)
		if err != nil {
			t.Fatal(err)
		}
		var pG, pB float64
		const n = 2
		for k := 4; k < 4+4*n; k += 4 {
			a, b, mid := genTriple(t, s, k, 4, o)
			g, err := Interpolate(context.Background(), a, b)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := quality.PSNR(mid, g)
			y, _ := quality.PSNR(mid, blend(a.Color, b.Color))
			pG, pB = pG+x/n, pB+y/n
		}
		t.Logf("%s: interpolated %.2f dB, blended %.2f dB", name, pG, pB)
		if !(pG > pB) {
			t.Errorf("%s: interpolation %.2f dB does not beat blending %.2f dB", name, pG, pB)
		}
	}
}

func TestInterpolateStaticIsExact(t *testing.T) {
	// With no motion and one image twice, the middle frame is that image.
	m := raster.New(9, 7, 3)
	for c := range m.Planes {
		for i := range m.Planes[c] {
			m.Planes[c][i] = float32((i*(c+3))%11) / 10
		}
	}
	d := raster.New(9, 7, 1)
	for i := range d.Planes[0] {
		d.Planes[0][i] = 2
	}
	a := &render.Frame{Color: m, Depth: d}
	b := &render.Frame{Color: m, Depth: d, Motion: raster.New(9, 7, 3)}
	g, err := Interpolate(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	for c := range g.Planes {
		for i := range g.Planes[c] {
			if g.Planes[c][i] != m.Planes[c][i] {
				t.Fatalf("plane %d pixel %d: %v, want %v", c, i, g.Planes[c][i], m.Planes[c][i])
			}
		}
	}
	b.Motion = raster.New(4, 4, 3)
	if _, err := Interpolate(context.Background(), a, b); err == nil || !strings.Contains(err.Error(), "second motion") {
		t.Errorf("mismatched motion: %v", err)
	}
}

package temporal

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/render"
)

func TestSVGFBeatsNoisyFrames(t *testing.T) {
	const w, h, frames, warm = 64, 36, 6, 3
	for _, name := range render.Scenes() {
		s, err := render.NewScene(name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewSVGF(w, h)
		if err != nil {
			t.Fatal(err)
		}
		var pD, pN float64
		for i := 0; i < frames; i++ {
			f, err := s.PathTrace(context.Background(), i, w, h, 1, 32)
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.Process(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if i < warm {
				continue
			}
			a, _ := quality.PSNR(f.Reference, out)
			b, _ := quality.PSNR(f.Reference, f.Color)
			pD, pN = pD+a/(frames-warm), pN+b/(frames-warm)
		}
		t.Logf("%s: SVGF %.2f dB, 1-spp input %.2f dB", name, pD, pN)
		if !(pD > pN+3) {
			t.Errorf("%s: SVGF %.2f dB is not 3 dB above the noisy input %.2f dB", name, pD, pN)
		}
	}
	if _, err := NewSVGF(0, 5); err == nil {
		t.Error("0 width accepted")
	}
}

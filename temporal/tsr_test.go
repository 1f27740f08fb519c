package temporal

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/upscale"
)

func TestTSRBeatsFSR1(t *testing.T) {
	o := render.Options{RenderW: 64, RenderH: 36, DisplayW: 128, DisplayH: 72, ReferenceSPP: 8}
	fsr, err := upscale.New("fsr1", upscale.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, scene := range render.Scenes() {
		fs := clip(t, scene, 16, o)
		tsr, err := NewTSR(o.RenderW, o.RenderH, o.DisplayW, o.DisplayH, DefaultTSROptions())
		if err != nil {
			t.Fatal(err)
		}
		var pT, pF, fT, fF float64
		warm := 8
		for i, f := range fs {
			out, err := tsr.Process(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if i < warm {
				continue
			}
			up, err := upscale.ResizePerceptual(context.Background(), fsr, f.Color, o.DisplayW, o.DisplayH)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				m     *raster.Image
				p, fl *float64
			}{{out, &pT, &fT}, {up, &pF, &fF}} {
				p, _ := quality.PSNR(f.Reference, c.m)
				fl, _ := quality.FLIP(f.Reference, c.m)
				*c.p += p
				*c.fl += fl
			}
		}
		k := float64(len(fs) - warm)
		t.Logf("%s: TSR %.2f dB FLIP %.4f, FSR1 %.2f dB FLIP %.4f", scene, pT/k, fT/k, pF/k, fF/k)
		if !(pT > pF && fT < fF) {
			t.Errorf("%s: TSR (%.2f dB, FLIP %.4f) does not beat FSR 1 (%.2f dB, FLIP %.4f)", scene, pT/k, fT/k, pF/k, fF/k)
		}
	}
}

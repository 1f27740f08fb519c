package tbench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	c := Config{Scenes: []string{"fence", "city"}, Frames: 6, Warm: 2, CropDir: dir,
		Options: render.Options{RenderW: 48, RenderH: 27, DisplayW: 96, DisplayH: 54, ReferenceSPP: 2}}
	steps := 0
	rs, err := Run(context.Background(), c, func() { steps++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2*len(Methods(c.Options)) || steps != 12 {
		t.Fatalf("%d results, %d steps", len(rs), steps)
	}
	for _, r := range rs {
		for _, v := range []float64{r.PSNR, r.SSIM, r.FLIP, r.Flicker, r.MsPerFrame, r.CPUMsPerFrame} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("%+v has a bad figure", r)
			}
		}
		if r.PSNR < 8 || r.SSIM > 1 || r.FLIP > 1 {
			t.Errorf("%+v: implausible scores", r)
		}
	}
	for _, s := range c.Scenes {
		if _, err := os.Stat(filepath.Join(dir, s+".png")); err != nil {
			t.Error(err)
		}
	}
	c.Warm = 5
	if _, err := Run(context.Background(), c, nil); err == nil {
		t.Error("warm-up leaving one frame accepted")
	}
}

func TestFrameGen(t *testing.T) {
	rs, err := FrameGen(context.Background(), []string{"city"}, 48, 27, 2, 4, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].GenPSNR < 10 || rs[0].BlendPSNR < 10 || rs[0].FlowPSNR < 10 || rs[0].GenFLIP <= 0 || rs[0].FlowFLIP <= 0 || rs[0].Minterp {
		t.Fatalf("%+v", rs)
	}
	if _, err := FrameGen(context.Background(), []string{"city"}, 48, 27, 2, 3, 1, ""); err == nil {
		t.Error("odd gap accepted")
	}
}

func TestMinterpolate(t *testing.T) {
	ff := FFmpeg()
	if ff == "" {
		t.Skip("ffmpeg not on PATH")
	}
	s, err := render.NewScene("city")
	if err != nil {
		t.Fatal(err)
	}
	var fr [4]*raster.Image
	for i := range fr {
		if fr[i], err = s.Reference(context.Background(), 2*i, 64, 36, 1); err != nil {
			t.Fatal(err)
		}
	}
	m, err := Minterpolate(context.Background(), ff, fr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := quality.PSNR(fr[1], m)
	if err != nil {
		t.Fatal(err)
	}
	q, err := quality.PSNR(fr[2], m)
	if err != nil {
		t.Fatal(err)
	}
	// The middle frame lies between its neighbours: closer to each than
	// they are to one another.
	d, err := quality.PSNR(fr[1], fr[2])
	if err != nil {
		t.Fatal(err)
	}
	if !(p > d && q > d) {
		t.Errorf("minterpolate's frame: %.2f and %.2f dB from its neighbours, which are %.2f dB apart", p, q, d)
	}
	if _, err := Minterpolate(context.Background(), ff, [4]*raster.Image{fr[0], nil, fr[2], fr[3]}); err == nil {
		t.Error("missing frame accepted")
	}
}

func TestDenoise(t *testing.T) {
	rs, err := Denoise(context.Background(), []string{"fence"}, 32, 18, 1, 16, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || !(rs[0].SVGFPSNR > rs[0].NoisyPSNR) {
		t.Fatalf("%+v", rs)
	}
	if _, err := Denoise(context.Background(), []string{"fence"}, 32, 18, 1, 16, 3, 3); err == nil {
		t.Error("warm-up of every frame accepted")
	}
}

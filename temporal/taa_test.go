package temporal

import (
	"context"
	"strings"
	"testing"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
)

// clip renders frames 0..n-1 of a built-in scene.
func clip(t *testing.T, scene string, n int, o render.Options) []*render.Frame {
	t.Helper()
	s, err := render.NewScene(scene)
	if err != nil {
		t.Fatal(err)
	}
	var fs []*render.Frame
	for i := 0; i < n; i++ {
		f, err := s.Render(context.Background(), i, o)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// meanPSNR runs m over the clip and returns the mean PSNR of its outputs
// after warm frames, and that of the raw frames passed through raw.
func meanPSNR(t *testing.T, fs []*render.Frame, warm int, m Method) float64 {
	t.Helper()
	var sum float64
	for i, f := range fs {
		out, err := m.Process(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if i < warm {
			continue
		}
		p, err := quality.PSNR(f.Reference, out)
		if err != nil {
			t.Fatal(err)
		}
		sum += p
	}
	return sum / float64(len(fs)-warm)
}

func rawPSNR(t *testing.T, fs []*render.Frame, warm int) float64 {
	t.Helper()
	var sum float64
	for _, f := range fs[warm:] {
		p, err := quality.PSNR(f.Reference, f.Color)
		if err != nil {
			t.Fatal(err)
		}
		sum += p
	}
	return sum / float64(len(fs)-warm)
}

func TestTAABeatsRawFrames(t *testing.T) {
	o := render.Options{RenderW: 128, RenderH: 72, DisplayW: 128, DisplayH: 72, ReferenceSPP: 8}
	for _, scene := range render.Scenes() {
		fs := clip(t, scene, 16, o)
		taa, err := NewTAA(o.RenderW, o.RenderH, DefaultTAAOptions())
		if err != nil {
			t.Fatal(err)
		}
		got, raw := meanPSNR(t, fs, 8, taa), rawPSNR(t, fs, 8)
		t.Logf("%s: TAA %.2f dB, raw jittered %.2f dB", scene, got, raw)
		if !(got > raw) {
			t.Errorf("%s: TAA %.2f dB not above raw frames %.2f dB", scene, got, raw)
		}
	}
}

func TestTAABadInput(t *testing.T) {
	taa, err := NewTAA(8, 8, DefaultTAAOptions())
	if err != nil {
		t.Fatal(err)
	}
	f := &render.Frame{Index: 3, Color: raster.New(8, 8, 3), Depth: raster.New(8, 4, 1), Motion: raster.New(8, 8, 3), Reactive: raster.New(8, 8, 1)}
	if _, err := taa.Process(context.Background(), f); err == nil || !strings.Contains(err.Error(), "frame 3: depth") {
		t.Errorf("mismatched depth: %v", err)
	}
	f.Depth, f.Color = raster.New(16, 16, 1), raster.New(16, 16, 3)
	f.Motion, f.Reactive = raster.New(16, 16, 3), raster.New(16, 16, 1)
	if _, err := taa.Process(context.Background(), f); err == nil || !strings.Contains(err.Error(), "16x16") {
		t.Errorf("wrong size: %v", err)
	}
	if _, err := NewTAA(8, 8, TAAOptions{Alpha: 2, Gamma: 1}); err == nil {
		t.Error("alpha 2 accepted")
	}
}

package chart

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestPlotsArePNGs(t *testing.T) {
	dir := t.TempDir()
	lines := filepath.Join(dir, "lines.png")
	err := Lines(lines, "loss", "p", "MSE", []Series{
		{Name: "a", X: []float64{1, 2, 3}, Y: []float64{3, 2, 1}, Err: []float64{0.1, 0.2, 0.1}},
		{Name: "b", X: []float64{1, 2, 3}, Y: []float64{2, 2, 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	scatter := filepath.Join(dir, "scatter.png")
	if err := Scatter(scatter, "front", "task 1", "task 2", []Group{{Name: "ew", X: []float64{0.7, 0.8}, Y: []float64{0.8, 0.7}, Connect: true}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{lines, scatter} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 100 {
			t.Fatalf("%s: not a plot PNG (%v, %+v)", p, err, cfg)
		}
	}
	if err := Lines(filepath.Join(dir, "bad.png"), "", "", "", []Series{{X: []float64{1}, Y: nil}}); err == nil {
		t.Fatal("mismatched series accepted")
	}
}

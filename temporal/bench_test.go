package temporal

import (
	"context"
	"testing"

	"github.com/trident-lab/trident/render"
)

// benchFrames renders two consecutive frames for the speed benchmarks.
func benchFrames(b *testing.B, o render.Options) []*render.Frame {
	s, err := render.NewScene("city")
	if err != nil {
		b.Fatal(err)
	}
	var fs []*render.Frame
	for i := 0; i < 2; i++ {
		f, err := s.Render(context.Background(), i, o)
		if err != nil {
			b.Fatal(err)
		}
		fs = append(fs, f)
	}
	return fs
}

// BenchmarkTSR2x measures one 960x540 -> 1920x1080 frame.
func BenchmarkTSR2x(b *testing.B) {
	o := render.Options{RenderW: 960, RenderH: 540, DisplayW: 1920, DisplayH: 1080}
	fs := benchFrames(b, o)
	t, err := NewTSR(o.RenderW, o.RenderH, o.DisplayW, o.DisplayH, DefaultTSROptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := t.Process(context.Background(), fs[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTAA measures one 1920x1080 frame at native resolution.
func BenchmarkTAA(b *testing.B) {
	o := render.Options{RenderW: 1920, RenderH: 1080, DisplayW: 1920, DisplayH: 1080}
	fs := benchFrames(b, o)
	t, err := NewTAA(o.RenderW, o.RenderH, DefaultTAAOptions())
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := t.Process(context.Background(), fs[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}

package render

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

func TestHalton(t *testing.T) {
	for _, c := range []struct {
		i, b int
		want float64
	}{{1, 2, 0.5}, {2, 2, 0.25}, {3, 2, 0.75}, {1, 3, 1.0 / 3}, {2, 3, 2.0 / 3}, {3, 3, 1.0 / 9}, {4, 3, 4.0 / 9}} {
		if got := Halton(c.i, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Halton(%d,%d) = %v, want %v", c.i, c.b, got, c.want)
		}
	}
	if got := JitterPhases(960, 1920); got != 32 {
		t.Errorf("JitterPhases(960,1920) = %d, want 32", got)
	}
}

var small = Options{RenderW: 64, RenderH: 36, DisplayW: 128, DisplayH: 72, ReferenceSPP: 4}

// TestDeterministic: the same frame on 1 and on 4 goroutines is bit-identical.
func TestDeterministic(t *testing.T) {
	s, err := NewScene("city")
	if err != nil {
		t.Fatal(err)
	}
	old := runtime.GOMAXPROCS(1)
	a, err := s.Render(context.Background(), 7, small)
	runtime.GOMAXPROCS(4)
	b, err2 := s.Render(context.Background(), 7, small)
	runtime.GOMAXPROCS(old)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	for _, p := range [][2]*raster.Image{{a.Color, b.Color}, {a.Depth, b.Depth}, {a.Motion, b.Motion}, {a.Reference, b.Reference}} {
		for c := range p[0].Planes {
			for i := range p[0].Planes[c] {
				if p[0].Planes[c][i] != p[1].Planes[c][i] {
					t.Fatalf("plane %d sample %d differs", c, i)
				}
			}
		}
	}
}

// TestMotionVectors checks the vectors against the slow definition: tracing
// the previous frame at (sample position − motion) must see a surface at the
// depth the current surface point had then. Pixels at silhouettes, where the
// previous frame saw something else, may differ; nearly all must agree.
func TestMotionVectors(t *testing.T) {
	o := Options{RenderW: 96, RenderH: 54, DisplayW: 96, DisplayH: 54}
	for _, name := range Scenes() {
		s, _ := NewScene(name)
		const k = 12
		f, err := s.Render(context.Background(), k, o)
		if err != nil {
			t.Fatal(err)
		}
		tc, tp := float64(k)/FPS, float64(k-1)/FPS
		cur, prev := newView(s.camera(tc), o.RenderW, o.RenderH), newView(s.camera(tp), o.RenderW, o.RenderH)
		nowC, nowP := s.at(tc), s.at(tp)
		agree, total, moving := 0, 0, 0
		for y := 2; y < o.RenderH-2; y++ {
			for x := 2; x < o.RenderW-2; x++ {
				i := y*o.RenderW + x
				if f.Depth.Planes[0][i] >= Far {
					continue
				}
				sx, sy := float64(x)+0.5+f.Jitter[0], float64(y)+0.5+f.Jitter[1]
				smp := s.trace(cur, sx, sy, nowC, nowP)
				_, _, wantZ := prev.project(smp.prev)
				mx, my := float64(f.Motion.Planes[0][i]), float64(f.Motion.Planes[1][i])
				if math.Hypot(mx, my) > 0.02 {
					moving++
				}
				old := s.trace(prev, sx-mx, sy-my, nowP, nowP)
				total++
				if math.Abs(old.depth-wantZ) < 0.01*wantZ {
					agree++
				}
			}
		}
		if moving < total/10 {
			t.Errorf("%s: only %d of %d pixels move; the test needs motion", name, moving, total)
		}
		if float64(agree) < 0.9*float64(total) {
			t.Errorf("%s: %d of %d reprojected pixels agree with the previous frame", name, agree, total)
		}
	}
}

func TestScenesRender(t *testing.T) {
	for _, name := range Scenes() {
		s, err := NewScene(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Render(context.Background(), 3, small)
		if err != nil {
			t.Fatal(err)
		}
		if f.Reference.Width != small.DisplayW || f.Color.Width != small.RenderW {
			t.Fatalf("%s: sizes %d, %d", name, f.Reference.Width, f.Color.Width)
		}
		if err := f.Color.Check(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := NewScene("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown scene: %v", err)
	}
	s, _ := NewScene("city")
	f, _ := s.Render(context.Background(), 20, small)
	maxR := float32(0)
	for _, v := range f.Reactive.Planes[0] {
		maxR = max(maxR, v)
	}
	if maxR < 0.2 {
		t.Errorf("city: smoke leaves the reactive mask at most %v", maxR)
	}
}

func TestLayoutRoundTripAndErrors(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewScene("fence")
	const n = 2
	if err := WriteMeta(dir, NewMeta("fence", n, small)); err != nil {
		t.Fatal(err)
	}
	var frames []*Frame
	for i := 0; i < n; i++ {
		f, err := s.Render(context.Background(), i, small)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteFrame(dir, f); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, f)
	}
	seq, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	g, err := seq.Frame(1)
	if err != nil {
		t.Fatal(err)
	}
	if g.Jitter != frames[1].Jitter || g.Motion.Planes[1][100] != frames[1].Motion.Planes[1][100] || g.Reference == nil {
		t.Fatal("round trip changed the frame")
	}
	// A buffer of the wrong size names the file and frame.
	if err := raster.Save(filepath.Join(FrameDir(dir, 1), DepthFile), raster.New(10, 10, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := seq.Frame(1); err == nil || !strings.Contains(err.Error(), "frame 1") || !strings.Contains(err.Error(), DepthFile) {
		t.Errorf("wrong-size depth: %v", err)
	}
	if err := os.Remove(filepath.Join(FrameDir(dir, 1), MotionFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "frame 1") || !strings.Contains(err.Error(), MotionFile) {
		t.Errorf("missing motion: %v", err)
	}
	if err := raster.Save(filepath.Join(FrameDir(dir, 1), MotionFile), frames[1].Motion); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(FrameDir(dir, 0), ReferenceFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "frame 1") || !strings.Contains(err.Error(), ReferenceFile) {
		t.Errorf("reference in one frame only: %v", err)
	}
}

func TestParseMetaErrors(t *testing.T) {
	good := `{"scene":"x","frames":1,"render":[4,4],"display":[8,8],"fps":30,"reference_spp":0,"jitter":[[0.1,-0.2]]}`
	if _, err := ParseMeta([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{`{`, "scene.json"},
		{strings.Replace(good, `"frames":1`, `"frames":2`, 1), "jitter entries"},
		{strings.Replace(good, `[8,8]`, `[2,8]`, 1), "smaller than render"},
		{strings.Replace(good, `0.1,`, `3,`, 1), "frame 0 jitter"},
		{strings.Replace(good, `"fps":30`, `"fps":0`, 1), "fps"},
		{strings.Replace(good, `"scene"`, `"sceen"`, 1), "unknown field"},
	} {
		if _, err := ParseMeta([]byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseMeta(%s) = %v, want error containing %q", c.in, err, c.want)
		}
	}
}

func FuzzParseMeta(f *testing.F) {
	f.Add([]byte(`{"scene":"x","frames":1,"render":[4,4],"display":[8,8],"fps":30,"jitter":[[0,0]]}`))
	f.Add([]byte(`{"frames":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMeta(data)
		if err == nil && len(m.Jitter) != m.Frames {
			t.Fatalf("accepted %d jitter entries for %d frames", len(m.Jitter), m.Frames)
		}
	})
}

// BenchmarkRender960 measures one 960×540 frame with its G-buffers (colour,
// depth, motion, reactive), no reference.
func BenchmarkRender960(b *testing.B) {
	o := Options{RenderW: 960, RenderH: 540, DisplayW: 960, DisplayH: 540}
	for _, name := range Scenes() {
		s, _ := NewScene(name)
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := s.Render(context.Background(), i, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestPathTrace(t *testing.T) {
	s, _ := NewScene("city")
	f, err := s.PathTrace(context.Background(), 5, 48, 27, 2, 64)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.PathTrace(context.Background(), 5, 48, 27, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Reference != nil || g.Color.Planes[1][300] != f.Color.Planes[1][300] {
		t.Error("path tracing is not reproducible")
	}
	// The noisy frame averages to the reference (unbiased), but is
	// noisier: its error against the reference exceeds the reference's own
	// noise level by far.
	var meanC, meanR, sq float64
	for c := 0; c < 3; c++ {
		for i, v := range f.Color.Planes[c] {
			r := f.Reference.Planes[c][i]
			meanC += float64(v)
			meanR += float64(r)
			sq += float64((v - r) * (v - r))
		}
	}
	if math.Abs(meanC-meanR) > 0.05*meanR {
		t.Errorf("noisy mean %v, reference mean %v", meanC, meanR)
	}
	if sq == 0 {
		t.Error("2-path frame equals the 64-path reference")
	}
	for i, n := range f.Normal.Planes[1] {
		if f.Depth.Planes[0][i] < Far {
			l := n*n + f.Normal.Planes[0][i]*f.Normal.Planes[0][i] + f.Normal.Planes[2][i]*f.Normal.Planes[2][i]
			if math.Abs(float64(l)-1) > 1e-3 {
				t.Fatalf("pixel %d: normal length² %v", i, l)
			}
		}
	}
	if _, err := s.PathTrace(context.Background(), 0, 8, 8, 0, 0); err == nil {
		t.Error("0 paths per pixel accepted")
	}
}

func TestPathLayoutRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewScene("foliage")
	m := NewMeta("foliage", 2, Options{RenderW: 24, RenderH: 16, DisplayW: 24, DisplayH: 16, ReferenceSPP: 8})
	m.PathSPP = 2
	if err := WriteMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	var want *PathFrame
	for i := 0; i < 2; i++ {
		f, err := s.PathTrace(context.Background(), i, 24, 16, 2, 8)
		if err != nil {
			t.Fatal(err)
		}
		if err := WritePathFrame(dir, f); err != nil {
			t.Fatal(err)
		}
		want = f
	}
	seq, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := seq.PathFrame(1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Normal.Planes[2][50] != want.Normal.Planes[2][50] || got.Reference == nil {
		t.Error("path frame changed in the round trip")
	}
	if _, err := seq.Frame(0); err == nil {
		t.Error("a path-traced sequence read as a rasterised one")
	}
	if err := os.Remove(filepath.Join(FrameDir(dir, 1), AlbedoFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "frame 1: missing") || !strings.Contains(err.Error(), AlbedoFile) {
		t.Errorf("missing albedo: %v", err)
	}
	m.Display = [2]int{48, 32}
	data, _ := json.Marshal(m)
	if _, err := ParseMeta(data); err == nil {
		t.Error("path-traced sequence with display != render accepted")
	}
}

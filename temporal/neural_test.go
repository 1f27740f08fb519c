package temporal

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/safetensors"
)

func randomInputs(seed uint64, h, w int) *nn.Tensor {
	rng := nn.NewRNG(seed)
	x := nn.Zeros(1, NeuralInputs, h, w)
	for i := range x.Data {
		x.Data[i] = 0.5 * rng.Float32()
	}
	return x
}

// Infer works on tiles; it must equal one Forward over the whole image
// extended by repeated edge pixels, cropped (the slow obvious reference).
func TestInferTilingMatchesWholeImage(t *testing.T) {
	net, err := NewNeuralNet(2, nn.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	// Perturb the last layer so the test does not only see the TSR input.
	rng := nn.NewRNG(4)
	for _, name := range net.Params.Names() {
		for i := range net.Params.Get(name).Data {
			net.Params.Get(name).Data[i] += 0.05 * (rng.Float32() - 0.5)
		}
	}
	const w, h = 2*neuralTile + 10, 14 // two tiles across, odd render width
	x := randomInputs(5, h, w)
	got, err := net.Infer(context.Background(), x)
	if err != nil {
		t.Fatal(err)
	}
	m := (neuralRadius + 2) * 2
	pw, ph := w+2*m, h+2*m
	ext := make([]float32, NeuralInputs*pw*ph)
	for c := 0; c < NeuralInputs; c++ {
		for j := 0; j < ph; j++ {
			for i := 0; i < pw; i++ {
				ext[(c*ph+j)*pw+i] = x.Data[(c*h+clampInt(j-m, 0, h-1))*w+clampInt(i-m, 0, w-1)]
			}
		}
	}
	want := net.Forward(nn.New(ext, 1, NeuralInputs, ph, pw)).Data
	var worst float64
	for c := 0; c < 3; c++ {
		for j := 0; j < h; j++ {
			for i := 0; i < w; i++ {
				d := math.Abs(float64(got[c][j*w+i] - want[(c*ph+j+m)*pw+i+m]))
				worst = max(worst, d)
			}
		}
	}
	if worst > 1e-5 {
		t.Errorf("tiled inference differs from the whole image by up to %g", worst)
	}
}

// A freshly built network starts close to TSR's output.
func TestNewNetStartsNearTSR(t *testing.T) {
	net, err := NewNeuralNet(2, nn.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	x := randomInputs(2, 16, 16)
	y := net.Forward(x).Data
	var sum float64
	for i := range y {
		sum += math.Abs(float64(y[i] - x.Data[i])) // channels 0..2 are TSR's
	}
	if mean := sum / float64(len(y)); mean > 0.05 {
		t.Errorf("mean distance from TSR's candidate %g at initialisation", mean)
	}
}

func TestNeuralFeatures(t *testing.T) {
	sc, err := render.NewScene("city")
	if err != nil {
		t.Fatal(err)
	}
	o := render.Options{RenderW: 40, RenderH: 24, DisplayW: 80, DisplayH: 48}
	p, err := NewNeuralFeatures(o.RenderW, o.RenderH, o.DisplayW, o.DisplayH)
	if err != nil {
		t.Fatal(err)
	}
	n := o.DisplayW * o.DisplayH
	for fi := 0; fi < 3; fi++ {
		f, err := sc.Render(context.Background(), fi, o)
		if err != nil {
			t.Fatal(err)
		}
		x, tsr, err := p.Next(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		holes := 0
		for i := 0; i < n; i++ {
			r, g, b := tonemap(tsr.Planes[0][i], tsr.Planes[1][i], tsr.Planes[2][i])
			if x.Data[inTSR*n+i] != r || x.Data[(inTSR+1)*n+i] != g || x.Data[(inTSR+2)*n+i] != b {
				t.Fatalf("frame %d pixel %d: TSR plane is not TSR's tonemapped output", fi, i)
			}
			for c := 0; c < NeuralInputs; c++ {
				if v := x.Data[c*n+i]; c != inDistance && !(v >= 0 && v <= 1) {
					t.Fatalf("frame %d plane %d pixel %d: %g outside [0,1]", fi, c, i, v)
				}
			}
			// At 2× the nearest jittered sample is at most √2/2 render
			// pixels, √2 display pixels, away (inside the image: at the
			// border the nearest sample may lie beyond it).
			X, Y := i%o.DisplayW, i/o.DisplayW
			inside := X > 1 && Y > 1 && X < o.DisplayW-2 && Y < o.DisplayH-2
			if d := x.Data[inDistance*n+i]; inside && d > 1.42 {
				t.Fatalf("frame %d pixel %d: nearest sample %g display pixels away", fi, i, d)
			}
			if x.Data[inHole*n+i] == 1 {
				holes++
			}
		}
		if fi == 0 && holes != n {
			t.Errorf("first frame: %d of %d pixels have history", n-holes, n)
		}
		if fi > 0 && holes > n/4 {
			t.Errorf("frame %d: %d of %d pixels without history", fi, holes, n)
		}
	}
}

func TestNeuralProcess(t *testing.T) {
	net, err := NewNeuralNet(2, nn.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewNeural(net, 30, 20, 60, 40)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := render.NewScene("city")
	o := render.Options{RenderW: 30, RenderH: 20, DisplayW: 60, DisplayH: 40}
	for fi := 0; fi < 2; fi++ {
		f, err := sc.Render(context.Background(), fi, o)
		if err != nil {
			t.Fatal(err)
		}
		img, err := m.Process(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if img.Width != 60 || img.Height != 40 || len(img.Planes) != 3 {
			t.Fatalf("output %dx%d with %d planes", img.Width, img.Height, len(img.Planes))
		}
		for _, p := range img.Planes {
			for _, v := range p {
				if math.IsNaN(float64(v)) || v < 0 {
					t.Fatalf("frame %d: bad output value %g", fi, v)
				}
			}
		}
	}
	small := render.Options{RenderW: 20, RenderH: 20, DisplayW: 60, DisplayH: 40}
	f, _ := sc.Render(context.Background(), 0, small)
	if _, err := m.Process(context.Background(), f); err == nil {
		t.Error("a frame of another size was accepted")
	}
}

func TestNeuralErrors(t *testing.T) {
	for _, s := range []int{0, 1, NeuralMaxScale + 1} {
		if _, err := NewNeuralNet(s, nn.NewRNG(1)); err == nil {
			t.Errorf("scale %d accepted", s)
		}
	}
	net2, _ := NewNeuralNet(2, nn.NewRNG(1))
	for _, sz := range [][4]int{{30, 20, 90, 60}, {30, 20, 60, 41}, {30, 20, 45, 30}} {
		if _, err := NewNeural(net2, sz[0], sz[1], sz[2], sz[3]); err == nil {
			t.Errorf("sizes %v accepted by a 2× network", sz)
		}
	}
	if _, err := NewNeural(nil, 30, 20, 60, 40); err == nil {
		t.Error("nil network accepted")
	}
	if _, err := net2.Infer(context.Background(), nn.Zeros(1, NeuralInputs, 7, 8)); err == nil {
		t.Error("odd display height accepted")
	}

	dir := t.TempDir()
	good := filepath.Join(dir, "x2.safetensors")
	if err := nn.SaveCheckpoint(good, net2.Params, nil, net2.Meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNeuralNet(good, 2); err != nil {
		t.Fatalf("own weights: %v", err)
	}
	net3, _ := NewNeuralNet(3, nn.NewRNG(1))
	x3 := filepath.Join(dir, "x3.safetensors")
	if err := nn.SaveCheckpoint(x3, net3.Params, nil, net3.Meta()); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.safetensors")
	meta := net2.Meta()
	meta["arch"] = "fsrcnn-s-residual-v1"
	if err := nn.SaveCheckpoint(other, net2.Params, nil, meta); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.safetensors")
	data, _ := os.ReadFile(good)
	if err := os.WriteFile(corrupt, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path  string
		scale int
		want  string
	}{
		{filepath.Join(dir, "missing.safetensors"), 2, "missing.safetensors"},
		{corrupt, 2, "corrupt.safetensors"},
		{x3, 2, "x3.safetensors"},   // another scale, refused by its metadata
		{good, 3, "x2.safetensors"}, // likewise, the other way
		{other, 2, "architecture"},
	} {
		_, err := LoadNeuralNet(c.path, c.scale)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadNeuralNet(%s, %d): error %v, want one naming %q", filepath.Base(c.path), c.scale, err, c.want)
		}
	}
	// Same shapes, wrong scale tag: refused by the metadata check.
	data2, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Decode(strings.NewReader(string(data2)))
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata["scale"] = "3"
	tagged := filepath.Join(dir, "tagged.safetensors")
	if err := safetensors.WriteFile(tagged, f); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNeuralNet(tagged, 2); err == nil || !strings.Contains(err.Error(), "scale") {
		t.Errorf("weights tagged for scale 3 loaded as 2: %v", err)
	}
	if _, err := PretrainedNeuralNet(3); !errors.Is(err, ErrNoNeuralWeights) {
		t.Errorf("PretrainedNeuralNet(3): %v, want ErrNoNeuralWeights", err)
	}
}

func TestShippedNeuralWeights(t *testing.T) {
	scales := ShippedNeuralScales()
	if len(scales) == 0 || scales[0] != 2 {
		t.Fatalf("shipped scales %v, want 2 among them", scales)
	}
	for _, s := range scales {
		if _, err := PretrainedNeuralNet(s); err != nil {
			t.Errorf("scale %d: %v", s, err)
		}
		info, err := os.Stat(filepath.Join("weights", NeuralWeightsFile(s)))
		if err != nil || info.Size() > 2<<20 {
			t.Errorf("scale %d: weights file %v, %v: want under 2 MB", s, info, err)
		}
	}
}

// FuzzNeuralDecode feeds arbitrary bytes to the weights decoder, which must
// return an error or load, never panic.
func FuzzNeuralDecode(f *testing.F) {
	net, _ := NewNeuralNet(2, nn.NewRNG(1))
	path := filepath.Join(f.TempDir(), "w.safetensors")
	if err := nn.SaveCheckpoint(path, net.Params, nil, net.Meta()); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, _ := NewNeuralNet(2, nn.NewRNG(1))
		_ = n.decode("fuzz", data)
	})
}

// BenchmarkNeural2x measures one 960x540 -> 1920x1080 frame with the
// shipped network (TSR included); compare BenchmarkTSR2x.
func BenchmarkNeural2x(b *testing.B) {
	o := render.Options{RenderW: 960, RenderH: 540, DisplayW: 1920, DisplayH: 1080}
	fs := benchFrames(b, o)
	net, err := PretrainedNeuralNet(2)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewNeural(net, o.RenderW, o.RenderH, o.DisplayW, o.DisplayH)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := m.Process(context.Background(), fs[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}

package srtrain

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/safetensors"
	"github.com/trident-lab/trident/sr"
	"github.com/trident-lab/trident/upscale/upbench"
)

// card is a small linear-light test image with edges at several angles.
func card(w, h int) *raster.Image {
	m := raster.New(w, h, 3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			v := 0.15
			if math.Sin(40*(fx+0.7*fy)) > 0 {
				v = 0.8
			}
			if (fx-0.6)*(fx-0.6)+(fy-0.5)*(fy-0.5) < 0.05 {
				v = 0.05
			}
			for c := 0; c < 3; c++ {
				m.Planes[c][y*w+x] = raster.SRGBToLinear(float32(v * (0.6 + 0.2*float64(c))))
			}
		}
	}
	return m
}

func samples(t *testing.T, scale int) (train, val []*Sample) {
	t.Helper()
	ctx := context.Background()
	a, err := Prepare(ctx, "a", card(48, 40), scale, upbench.DegradeArea)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Prepare(ctx, "b", card(30, 36), scale, upbench.DegradeArea)
	if err != nil {
		t.Fatal(err)
	}
	return []*Sample{a}, []*Sample{b}
}

func TestTrainingOnOnePatchReducesLoss(t *testing.T) {
	train, _ := samples(t, 2)
	s := train[0]
	const p = 12
	in := make([]float32, p*p)
	tgt := make([]float32, 4*p*p)
	samplePatch(nn.NewRNG(1), s, 2, p, in, tgt)
	for _, sh := range sr.Shapes() {
		t.Run(sh.Arch, func(t *testing.T) {
			net, err := sr.New(2, sh.Arch, nn.NewRNG(2))
			if err != nil {
				t.Fatal(err)
			}
			opt := nn.NewAdam(net.Params.Trainable(), 2e-3)
			var first, last float32
			for i := 0; i < 60; i++ {
				net.Params.ZeroGrad()
				loss := nn.MSE(net.Forward(nn.New(in, 1, 1, p, p)), nn.New(tgt, 1, 1, 2*p, 2*p))
				nn.Backward(loss)
				opt.Step()
				if i == 0 {
					first = loss.Item()
				}
				last = loss.Item()
			}
			if !(last < 0.5*first) {
				t.Errorf("loss %g after 60 steps, %g at the start: not halved", last, first)
			}
		})
	}
}

// The flips and rotations must move the low-resolution patch and its target
// together: the target's r×r blocks must stay over the same input pixels.
func TestSamplePatchAlignsInputAndTarget(t *testing.T) {
	const w, h, r, p = 9, 7, 3, 4
	s := &Sample{Name: "idx", W: w, H: h, Low: make([]float32, w*h), Residual: make([]float32, w*h*r*r)}
	for i := range s.Low {
		s.Low[i] = float32(i)
	}
	for y := 0; y < h*r; y++ {
		for x := 0; x < w*r; x++ {
			s.Residual[y*w*r+x] = float32((y/r)*w + x/r) // the index of the low pixel above
		}
	}
	in := make([]float32, p*p)
	tgt := make([]float32, p*p*r*r)
	rng := nn.NewRNG(9)
	for k := 0; k < 40; k++ {
		samplePatch(rng, s, r, p, in, tgt)
		for y := 0; y < p*r; y++ {
			for x := 0; x < p*r; x++ {
				if tgt[y*p*r+x] != in[(y/r)*p+x/r] {
					t.Fatalf("draw %d: target (%d,%d) comes from low pixel %g, input there is %g", k, x, y, tgt[y*p*r+x], in[(y/r)*p+x/r])
				}
			}
		}
	}
}

func toyConfig() Config {
	return Config{Arch: sr.ArchSmall, Scale: 2, Epochs: 2, StepsPerEpoch: 3, Batch: 2, Patch: 8, LR: 1e-3, Seed: 5, Degrade: upbench.DegradeArea}
}

func TestResumeIsExact(t *testing.T) {
	train, val := samples(t, 2)
	ctx := context.Background()
	cfg := toyConfig()
	whole, err := Train(ctx, cfg, train, val, t.TempDir(), false, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	_, err = Train(cctx, cfg, train, val, dir, false, nil, func(e Epoch) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	resumed, err := Train(ctx, cfg, train, val, dir, true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range whole.Params.Names() {
		if !slices.Equal(whole.Params.Get(name).Data, resumed.Params.Get(name).Data) {
			t.Fatalf("%s differs between the whole and the resumed run", name)
		}
	}
	// The exported weights load as a network of the same scale.
	if _, err := sr.Load(filepath.Join(dir, WeightsFile(2)), 2); err != nil {
		t.Fatal(err)
	}
}

func more4() Config {
	c := toyConfig()
	c.Epochs = 4
	return c
}

func TestTrainErrors(t *testing.T) {
	train, val := samples(t, 2)
	ctx := context.Background()
	bad := func(f func(*Config)) Config { c := toyConfig(); f(&c); return c }
	for name, cfg := range map[string]Config{
		"scale 1":   bad(func(c *Config) { c.Scale = 1 }),
		"scale 5":   bad(func(c *Config) { c.Scale = 5 }),
		"epochs 0":  bad(func(c *Config) { c.Epochs = 0 }),
		"batch 0":   bad(func(c *Config) { c.Batch = 0 }),
		"lr 0":      bad(func(c *Config) { c.LR = 0 }),
		"patch big": bad(func(c *Config) { c.Patch = 200 }),
		"arch":      bad(func(c *Config) { c.Arch = "unet" }),
		"degrade":   bad(func(c *Config) { c.Degrade = "box" }),
	} {
		if _, err := Train(ctx, cfg, train, val, t.TempDir(), false, nil, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	dir := t.TempDir()
	if _, err := Train(ctx, toyConfig(), train, val, dir, true, nil, nil); err == nil {
		t.Error("resume without a checkpoint: no error")
	}
	if _, err := Train(ctx, toyConfig(), train, nil, dir, false, nil, nil); err == nil {
		t.Error("no validation photos: no error")
	}
	if _, err := Train(ctx, toyConfig(), train, val, dir, false, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(ctx, toyConfig(), train, val, dir, false, nil, nil); err == nil {
		t.Error("fresh run over an existing checkpoint: no error")
	}
	other := toyConfig()
	other.Epochs, other.Batch = 3, 4
	if _, err := Train(ctx, other, train, val, dir, true, nil, nil); err == nil {
		t.Error("resume with another batch size: no error")
	}
	if _, err := Train(ctx, toyConfig(), train, val, dir, true, nil, nil); err == nil {
		t.Error("resume of a finished run: no error")
	}
	x3, _ := Prepare(ctx, "x3", card(48, 48), 3, upbench.DegradeArea)
	if _, err := Train(ctx, toyConfig(), []*Sample{x3}, val, t.TempDir(), false, nil, nil); err == nil {
		t.Error("samples prepared for x3 in an x2 run: no error")
	}
	if _, err := Train(ctx, more4(), append(train, val...), val, dir, true, nil, nil); err == nil {
		t.Error("resume on other training images: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, CheckpointFile), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	more := toyConfig()
	more.Epochs = 4
	if _, err := Train(ctx, more, train, val, dir, true, nil, nil); err == nil {
		t.Error("resume from a corrupt checkpoint: no error")
	}
}

// A run on bicubic-degraded photos records its degradation in the
// checkpoint and the weights file, and resumes only with the same one.
func TestBicubicDegradationIsRecorded(t *testing.T) {
	ctx := context.Background()
	prep := func(name string, w, h int) *Sample {
		s, err := Prepare(ctx, name, card(w, h), 2, upbench.DegradeBicubic)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	train, val := []*Sample{prep("a", 48, 40)}, []*Sample{prep("b", 30, 36)}
	area, _ := samples(t, 2)
	if slices.Equal(train[0].Low, area[0].Low) {
		t.Fatal("bicubic and area degradations gave the same input")
	}
	cfg := toyConfig()
	cfg.Degrade = upbench.DegradeBicubic
	dir := t.TempDir()
	if _, err := Train(ctx, cfg, train, val, dir, false, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{CheckpointFile, WeightsFile(2)} {
		h, err := safetensors.ReadHeader(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if h.Metadata["degrade"] != upbench.DegradeBicubic {
			t.Errorf("%s: degrade %q in the metadata", f, h.Metadata["degrade"])
		}
	}
	other := more4()
	if _, err := Train(ctx, other, train, val, dir, true, nil, nil); err == nil {
		t.Error("resumed a bicubic run as an area run")
	}
	cfg.Epochs = 4
	if _, err := Train(ctx, cfg, train, val, dir, true, nil, nil); err != nil {
		t.Errorf("resume with the same degradation: %v", err)
	}
}

// Evaluate's two conventions differ by the range change and the border.
func TestEvaluate(t *testing.T) {
	train, val := samples(t, 2)
	net, err := sr.New(2, sr.ArchSmall, nn.NewRNG(4))
	if err != nil {
		t.Fatal(err)
	}
	s := val[0]
	sc, err := Evaluate(context.Background(), net, s)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Bicubic != PSNR(s.High, s.Bicubic) {
		t.Errorf("bicubic PSNR %g, want %g", sc.Bicubic, PSNR(s.High, s.Bicubic))
	}
	want, err := upbench.LumaPSNRShaved(s.High, s.Bicubic, s.W*2, s.H*2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sc.BicubicShaved != want {
		t.Errorf("shaved bicubic PSNR %g, want %g", sc.BicubicShaved, want)
	}
	m, err := Validate(context.Background(), net, append(train, val...))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Evaluate(context.Background(), net, train[0])
	if math.Abs(m.Net-(a.Net+sc.Net)/2) > 1e-9 || math.Abs(m.BicubicShaved-(a.BicubicShaved+sc.BicubicShaved)/2) > 1e-9 {
		t.Errorf("Validate %+v is not the mean of %+v and %+v", m, a, sc)
	}
	x3, err := Prepare(context.Background(), "x3", card(48, 48), 3, upbench.DegradeArea)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Evaluate(context.Background(), net, x3); err == nil {
		t.Error("an x3 sample scored by an x2 network: no error")
	}
}

func TestRenderFrames(t *testing.T) {
	ctx := context.Background()
	frames, err := RenderFrames(ctx, 1, 24, 16)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 3 {
		t.Fatalf("%d frames, want one per built-in scene (3)", len(frames))
	}
	for _, f := range frames {
		if f.Image.Width != 24 || f.Image.Height != 16 {
			t.Errorf("%s is %dx%d, want 24x16", f.Name, f.Image.Width, f.Image.Height)
		}
		// Every value must be exactly an 8-bit sRGB code, as in a PNG.
		for _, pl := range f.Image.Planes {
			for _, v := range pl {
				if raster.SRGB8ToLinear(raster.LinearToSRGB8(v)) != v {
					t.Fatalf("%s holds %g, not an 8-bit sRGB code", f.Name, v)
				}
			}
		}
		if _, err := Prepare(ctx, f.Name, f.Image, 2, upbench.DegradeArea); err != nil {
			t.Error(err)
		}
	}
	for _, bad := range [][3]int{{0, 24, 16}, {MaxFrames + 1, 24, 16}, {1, 8, 16}, {1, 24, MaxFrameSide + 1}} {
		if _, err := RenderFrames(ctx, bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("RenderFrames(%d, %d, %d): no error", bad[0], bad[1], bad[2])
		}
	}
}

package ttrain

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/temporal"
)

func toyConfig() Config {
	return Config{Scale: 2, RenderW: 24, RenderH: 16, SPP: 1, TrainFrames: 2, ValFrames: 1,
		Epochs: 2, StepsPerEpoch: 3, Batch: 2, Patch: 8, LR: 1e-3, Seed: 5}
}

func toyData(t *testing.T, cfg Config) (train, val []*Sample) {
	t.Helper()
	ctx := context.Background()
	steps := 0
	train, err := Render(ctx, cfg, []string{"city"}, TrainStart, cfg.TrainFrames, func() { steps++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != cfg.TrainFrames || steps != Frames(cfg.TrainFrames) {
		t.Fatalf("%d samples after %d frames, want %d after %d", len(train), steps, cfg.TrainFrames, Frames(cfg.TrainFrames))
	}
	if train[0].Index != TrainStart+Warm || train[1].Index != TrainStart+Warm+Stride {
		t.Fatalf("kept frames %d, %d", train[0].Index, train[1].Index)
	}
	val, err = Render(ctx, cfg, []string{"city"}, ValStart, cfg.ValFrames, nil)
	if err != nil {
		t.Fatal(err)
	}
	return train, val
}

// The time ranges must not overlap each other nor temporal-bench's frames.
func TestRangesAreDisjoint(t *testing.T) {
	const benchFrames = 24
	last := TrainStart + Frames(64) - 1 // the most training frames allowed
	if TrainStart < benchFrames || ValStart <= last {
		t.Errorf("training frames %d..%d, validation from %d, benchmark 0..%d overlap", TrainStart, last, ValStart, benchFrames-1)
	}
}

// The flips and rotations must move input and target together and keep
// the render-pixel blocks whole: every plane gets the same permutation.
func TestCropAlignsPlanes(t *testing.T) {
	const r, p, w, h = 2, 4, 20, 12
	s := &Sample{W: w, H: h, X: make([]float32, temporal.NeuralInputs*w*h)}
	n := w * h
	for c := 0; c < temporal.NeuralInputs; c++ {
		for i := 0; i < n; i++ {
			s.X[c*n+i] = float32(c*n + i)
		}
	}
	for c := 0; c < 3; c++ {
		s.Target[c] = make([]float32, n)
		for i := range s.Target[c] {
			s.Target[c][i] = float32(c*n + i)
		}
	}
	D := p * r
	in := make([]float32, temporal.NeuralInputs*D*D)
	tgt := make([]float32, 3*D*D)
	rng := nn.NewRNG(3)
	for k := 0; k < 40; k++ {
		crop(rng, s, r, p, in, tgt)
		for i := 0; i < D*D; i++ {
			src := int(in[i]) // plane 0's source pixel
			for c := 1; c < temporal.NeuralInputs; c++ {
				if int(in[c*D*D+i]) != c*n+src {
					t.Fatalf("draw %d: plane %d pixel %d from %g, plane 0 from %d", k, c, i, in[c*D*D+i], src)
				}
			}
			for c := 0; c < 3; c++ {
				if int(tgt[c*D*D+i]) != c*n+src {
					t.Fatalf("draw %d: target plane %d pixel %d from %g, input from %d", k, c, i, tgt[c*D*D+i], src)
				}
			}
		}
		// The crop's 2×2 blocks are render pixels: the top-left pixel's
		// source has even coordinates after undoing the transform, i.e.
		// every block covers sources (x..x+1, y..y+1) with x, y even.
		for by := 0; by < D; by += r {
			for bx := 0; bx < D; bx += r {
				minX, minY := w, h
				for j := 0; j < r; j++ {
					for i := 0; i < r; i++ {
						src := int(in[(by+j)*D+bx+i])
						minX, minY = min(minX, src%w), min(minY, src/w)
					}
				}
				if minX%r != 0 || minY%r != 0 {
					t.Fatalf("draw %d: block (%d,%d) starts at source (%d,%d), not a render pixel", k, bx, by, minX, minY)
				}
			}
		}
	}
}

func TestTrainingReducesLoss(t *testing.T) {
	cfg := toyConfig()
	train, _ := toyData(t, cfg)
	D := cfg.Patch * cfg.Scale
	in := make([]float32, temporal.NeuralInputs*D*D)
	tgt := make([]float32, 3*D*D)
	crop(nn.NewRNG(1), train[0], cfg.Scale, cfg.Patch, in, tgt)
	net, err := temporal.NewNeuralNet(2, nn.NewRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.NewAdam(net.Params.Trainable(), 2e-3)
	var first, last float32
	for i := 0; i < 40; i++ {
		net.Params.ZeroGrad()
		loss := nn.MSE(net.Forward(nn.New(in, 1, temporal.NeuralInputs, D, D)), nn.New(tgt, 1, 3, D, D))
		nn.Backward(loss)
		opt.Step()
		if i == 0 {
			first = loss.Item()
		}
		last = loss.Item()
	}
	if !(last < 0.7*first) {
		t.Errorf("loss %g after 40 steps, %g at the start", last, first)
	}
}

func TestResumeIsExact(t *testing.T) {
	cfg := toyConfig()
	train, val := toyData(t, cfg)
	ctx := context.Background()
	var epochs []Epoch
	whole, err := Train(ctx, cfg, train, val, t.TempDir(), false, nil, func(e Epoch) { epochs = append(epochs, e) })
	if err != nil {
		t.Fatal(err)
	}
	if len(epochs) != 2 || !(epochs[1].Val.PSNR > 10) || !(epochs[1].Val.TSRPSNR > 10) {
		t.Fatalf("epochs %+v", epochs)
	}
	// Interrupt a second run after epoch 1 by keeping a copy of that
	// epoch's checkpoint, and resume from it.
	dir := t.TempDir()
	if _, err := Train(ctx, cfg, train, val, dir, false, nil, func(e Epoch) {
		if e.Epoch == 1 {
			data, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "epoch1"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	resumed := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, "epoch1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(resumed, CheckpointFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Train(ctx, cfg, train, val, resumed, true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range whole.Params.Names() {
		if !slices.Equal(whole.Params.Get(name).Data, again.Params.Get(name).Data) {
			t.Fatalf("parameter %s differs between the whole run and the resumed one", name)
		}
	}
	if _, err := temporal.LoadNeuralNet(filepath.Join(resumed, temporal.NeuralWeightsFile(2)), 2); err != nil {
		t.Errorf("exported weights: %v", err)
	}
	// Existing checkpoint without --resume, resume with another config, and
	// resume of a finished run are refused.
	if _, err := Train(ctx, cfg, train, val, resumed, false, nil, nil); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("overwriting a checkpoint: %v", err)
	}
	other := cfg
	other.Batch = 3
	if _, err := Train(ctx, other, train, val, resumed, true, nil, nil); err == nil || !strings.Contains(err.Error(), "batch") {
		t.Errorf("resume with another batch: %v", err)
	}
	if _, err := Train(ctx, cfg, train, val, resumed, true, nil, nil); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("resume of a finished run: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, mod := range []func(*Config){
		func(c *Config) { c.Scale = 1 },
		func(c *Config) { c.Patch = 4 },
		func(c *Config) { c.RenderW = 7 },
		func(c *Config) { c.SPP = 0 },
		func(c *Config) { c.TrainFrames = 0 },
		func(c *Config) { c.Epochs = 0 },
		func(c *Config) { c.Batch = 0 },
		func(c *Config) { c.LR = 0 },
	} {
		c := toyConfig()
		mod(&c)
		if _, err := Render(context.Background(), c, []string{"city"}, TrainStart, 1, nil); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
	if _, err := Render(context.Background(), toyConfig(), []string{"nowhere"}, TrainStart, 1, nil); err == nil {
		t.Error("unknown scene accepted")
	}
}

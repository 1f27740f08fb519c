// Package ttrain trains package temporal's neural super-sampling network
// (NeuralNet) on clips rendered by package render: every built-in scene is
// rendered over a stretch of its animation, TSR and the network's other
// inputs are computed frame by frame exactly as at inference, and random
// crops (flipped and rotated) of the inputs are fitted to the tonemapped
// supersampled reference with a Charbonnier loss, Adam and a cosine
// learning-rate schedule. Training and validation use disjoint time ranges
// of the animations, both after the frames temporal-bench scores (0 to 23),
// so none of the benchmark's frames is seen in training or model selection.
// Each epoch ends with PSNR and ꟻLIP of the network and of TSR on the
// validation frames and an atomic checkpoint from which a run resumes
// exactly.
package ttrain

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/trident-lab/trident/internal/trainrun"
	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal"
)

// Time ranges of the animations, in frames (30 per second). Each clip first
// runs Warm frames to fill TSR's history, then keeps every Stride-th frame.
const (
	TrainStart = 40  // training clips start at 1.33 s
	ValStart   = 240 // validation clips at 8 s, after every training frame
	Warm       = 8
	Stride     = 3
)

// Config sets up a training run. Every field takes part in the checkpoint's
// identity: a run resumes only with the same configuration.
type Config struct {
	Scale            int
	RenderW, RenderH int // render size of the clips; display is Scale times
	SPP              int // reference samples per pixel
	TrainFrames      int // kept frames per scene for training
	ValFrames        int // kept frames per scene for validation
	Epochs           int
	StepsPerEpoch    int
	Batch            int     // crops per step
	Patch            int     // crop side in render pixels
	LR               float64 // Adam's initial rate, annealed by a cosine to LR/100
	Seed             uint64
}

// DefaultConfig is the configuration the shipped weights were trained with.
func DefaultConfig() Config {
	return Config{Scale: 2, RenderW: 320, RenderH: 180, SPP: 16, TrainFrames: 16, ValFrames: 3,
		Epochs: 10, StepsPerEpoch: 200, Batch: 8, Patch: 48, LR: 2e-3, Seed: 1}
}

func (c Config) check() error {
	switch {
	case c.Scale < 2 || c.Scale > temporal.NeuralMaxScale:
		return fmt.Errorf("ttrain: scale %d is not supported (integer scales 2 to %d)", c.Scale, temporal.NeuralMaxScale)
	case c.Patch < 8 || c.Patch > 256:
		return fmt.Errorf("ttrain: patch %d is outside [8, 256]", c.Patch)
	case c.RenderW < c.Patch || c.RenderH < c.Patch || c.RenderW*c.Scale > 4096 || c.RenderH*c.Scale > 4096:
		return fmt.Errorf("ttrain: render size %dx%d must hold a %d-pixel patch and give a display of at most 4096 pixels a side", c.RenderW, c.RenderH, c.Patch)
	case c.SPP < 1 || c.SPP > 256:
		return fmt.Errorf("ttrain: reference spp %d is outside [1, 256]", c.SPP)
	case c.TrainFrames < 1 || c.TrainFrames > 64 || c.ValFrames < 1 || c.ValFrames > 64:
		return fmt.Errorf("ttrain: train frames %d and val frames %d must be in [1, 64]", c.TrainFrames, c.ValFrames)
	case c.Batch < 1 || c.Batch > 256:
		return fmt.Errorf("ttrain: batch %d is outside [1, 256]", c.Batch)
	}
	if err := trainrun.CheckSchedule(c.Epochs, c.StepsPerEpoch, c.LR); err != nil {
		return fmt.Errorf("ttrain: %w", err)
	}
	return nil
}

func (c Config) meta() map[string]string {
	itoa := strconv.Itoa
	return map[string]string{
		"render":          fmt.Sprintf("%dx%d", c.RenderW, c.RenderH),
		"spp":             itoa(c.SPP),
		"train_frames":    itoa(c.TrainFrames),
		"val_frames":      itoa(c.ValFrames),
		"steps_per_epoch": itoa(c.StepsPerEpoch),
		"batch":           itoa(c.Batch),
		"patch":           itoa(c.Patch),
		"lr":              strconv.FormatFloat(c.LR, 'g', -1, 64),
		"seed":            strconv.FormatUint(c.Seed, 10),
		"epochs":          itoa(c.Epochs),
	}
}

// Sample is one kept frame: the network's input planes, the tonemapped
// reference (the target) and, for scoring, the reference and TSR's output.
type Sample struct {
	Scene  string
	Index  int
	W, H   int // display size
	X      []float32
	Target [3][]float32
	Ref    *raster.Image
	TSR    *raster.Image
}

// Render renders count kept frames per scene starting at frame start (after
// Warm warm-up frames, every Stride-th frame) and computes the samples.
// step is called after every rendered frame (progress); Frames tells how
// many that is.
func Render(ctx context.Context, cfg Config, scenes []string, start, count int, step func()) ([]*Sample, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	dw, dh := cfg.RenderW*cfg.Scale, cfg.RenderH*cfg.Scale
	var out []*Sample
	for _, name := range scenes {
		sc, err := render.NewScene(name)
		if err != nil {
			return nil, err
		}
		in, err := temporal.NewNeuralFeatures(cfg.RenderW, cfg.RenderH, dw, dh)
		if err != nil {
			return nil, err
		}
		for fi := start; fi < start+Frames(count); fi++ {
			k := fi - start - Warm
			keep := k >= 0 && k%Stride == 0
			o := render.Options{RenderW: cfg.RenderW, RenderH: cfg.RenderH, DisplayW: dw, DisplayH: dh}
			if keep {
				o.ReferenceSPP = cfg.SPP
			}
			f, err := sc.Render(ctx, fi, o)
			if err != nil {
				return nil, fmt.Errorf("scene %s frame %d: %w", name, fi, err)
			}
			x, tsr, err := in.Next(ctx, f)
			if err != nil {
				return nil, fmt.Errorf("scene %s frame %d: %w", name, fi, err)
			}
			if keep {
				out = append(out, &Sample{Scene: name, Index: fi, W: dw, H: dh, X: x.Data,
					Target: temporal.Tonemap(f.Reference), Ref: f.Reference, TSR: tsr})
			}
			if step != nil {
				step()
			}
		}
	}
	return out, nil
}

// Frames is the number of frames rendered per scene for count kept ones.
func Frames(count int) int { return Warm + Stride*(count-1) + 1 }

// Score is the mean quality of the network and of TSR on samples.
type Score struct {
	PSNR, FLIP       float64 // network
	TSRPSNR, TSRFLIP float64
}

// Validate runs net on every sample and scores it and TSR against the
// reference (PSNR on sRGB values, ꟻLIP), as temporal-bench does.
func Validate(ctx context.Context, net *temporal.NeuralNet, samples []*Sample) (Score, error) {
	var s Score
	for _, smp := range samples {
		y, err := net.Infer(ctx, nn.New(smp.X, 1, temporal.NeuralInputs, smp.H, smp.W))
		if err != nil {
			return s, err
		}
		img := temporal.UntonemapPlanes(y, smp.W, smp.H)
		for _, m := range []struct {
			img        *raster.Image
			psnr, flip *float64
		}{{img, &s.PSNR, &s.FLIP}, {smp.TSR, &s.TSRPSNR, &s.TSRFLIP}} {
			p, err := quality.PSNR(smp.Ref, m.img)
			if err != nil {
				return s, err
			}
			f, err := quality.FLIP(smp.Ref, m.img)
			if err != nil {
				return s, err
			}
			*m.psnr += p
			*m.flip += f
		}
	}
	n := float64(len(samples))
	s.PSNR, s.FLIP, s.TSRPSNR, s.TSRFLIP = s.PSNR/n, s.FLIP/n, s.TSRPSNR/n, s.TSRFLIP/n
	return s, nil
}

// Epoch is the record of one finished epoch.
type Epoch struct {
	Epoch int
	Loss  float64 // mean training loss (Charbonnier, tonemapped RGB)
	Val   Score
}

// CheckpointFile is the checkpoint's name inside the output directory; the
// weights alone go to temporal.NeuralWeightsFile(scale) beside it.
const CheckpointFile = trainrun.CheckpointFile

// Train trains a network on train, validating on val after every epoch,
// and writes DIR/checkpoint.safetensors (weights, Adam state, epoch) and
// DIR/neural-x<r>.safetensors (weights) atomically after each epoch. With
// resume it continues DIR's checkpoint, which must have the same
// configuration; the result is identical to an uninterrupted run. Progress
// goes to w (nil for none); epoch, if not nil, is called after each epoch.
func Train(ctx context.Context, cfg Config, train, val []*Sample, dir string, resume bool, w io.Writer, epoch func(Epoch)) (*temporal.NeuralNet, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if len(train) == 0 || len(val) == 0 {
		return nil, fmt.Errorf("ttrain: need training and validation frames (have %d and %d)", len(train), len(val))
	}
	r, p := cfg.Scale, cfg.Patch
	for _, s := range append(append([]*Sample(nil), train...), val...) {
		if s.W != cfg.RenderW*r || s.H != cfg.RenderH*r || len(s.X) != temporal.NeuralInputs*s.W*s.H {
			return nil, fmt.Errorf("ttrain: %s frame %d was prepared for another size or scale", s.Scene, s.Index)
		}
	}
	net, err := temporal.NewNeuralNet(cfg.Scale, nn.NewRNG(cfg.Seed))
	if err != nil {
		return nil, err
	}
	run := trainrun.Run{
		Name: "ttrain", Progress: fmt.Sprintf("temporal x%d", r), Params: net.Params,
		Epochs: cfg.Epochs, StepsPerEpoch: cfg.StepsPerEpoch, LR: cfg.LR, Seed: cfg.Seed,
		Dir: dir, WeightsFile: temporal.NeuralWeightsFile(cfg.Scale), Weights: net.Meta(), Config: cfg.meta(),
		Resume: resume, CheckResume: net.CheckMeta,
	}
	D := p * r // crop side, display pixels
	in := make([]float32, cfg.Batch*temporal.NeuralInputs*D*D)
	tgt := make([]float32, cfg.Batch*3*D*D)
	loss := func(rng *rand.Rand) *nn.Tensor {
		for b := 0; b < cfg.Batch; b++ {
			crop(rng, train[rng.IntN(len(train))], r, p,
				in[b*temporal.NeuralInputs*D*D:(b+1)*temporal.NeuralInputs*D*D], tgt[b*3*D*D:(b+1)*3*D*D])
		}
		out := net.Forward(nn.New(in, cfg.Batch, temporal.NeuralInputs, D, D))
		return nn.Charbonnier(out, nn.New(tgt, cfg.Batch, 3, D, D), 1e-3)
	}
	var sc Score
	validate := func() (map[string]string, error) {
		var err error
		if sc, err = Validate(ctx, net, val); err != nil {
			return nil, err
		}
		return map[string]string{
			"val_psnr": strconv.FormatFloat(sc.PSNR, 'f', 3, 64),
			"val_flip": strconv.FormatFloat(sc.FLIP, 'f', 4, 64),
		}, nil
	}
	var done func(int, float64)
	if epoch != nil {
		done = func(e int, loss float64) { epoch(Epoch{Epoch: e, Loss: loss, Val: sc}) }
	}
	if err := run.Train(ctx, w, loss, validate, done); err != nil {
		return nil, err
	}
	return net, nil
}

// crop copies a random crop of s, p render pixels (p·r display pixels) a
// side at a render-pixel-aligned position, and its target, both under the
// same one of the eight flips/rotations of the square. Every input plane is
// a colour or a scalar per pixel, so the transformed crop is a valid input.
func crop(rng *rand.Rand, s *Sample, r, p int, in, tgt []float32) {
	D := p * r
	x0 := rng.IntN(s.W/r-p+1) * r
	y0 := rng.IntN(s.H/r-p+1) * r
	t := rng.IntN(8)
	fill := func(dst, src []float32) {
		for j := 0; j < D; j++ {
			for i := 0; i < D; i++ {
				u, v := i, j
				if t&4 != 0 {
					u, v = v, u
				}
				if t&1 != 0 {
					u = D - 1 - u
				}
				if t&2 != 0 {
					v = D - 1 - v
				}
				dst[j*D+i] = src[(y0+v)*s.W+x0+u]
			}
		}
	}
	n := s.W * s.H
	for c := 0; c < temporal.NeuralInputs; c++ {
		fill(in[c*D*D:(c+1)*D*D], s.X[c*n:(c+1)*n])
	}
	for c := 0; c < 3; c++ {
		fill(tgt[c*D*D:(c+1)*D*D], s.Target[c])
	}
}

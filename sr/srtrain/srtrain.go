// Package srtrain trains the super-resolution networks of package sr on
// photos (including those of an image list, see ParseImageList) and
// rendered frames: random patches, flipped and rotated, of
// low-resolution images made exactly as upscale/upbench makes them (by
// default area reduction in linear light, stored as 8-bit sRGB; or the SR
// literature's MATLAB-style bicubic reduction of the 8-bit sRGB codes, see
// Config.Degrade), against the luma residual between the original and the
// bicubic enlargement, with Adam and a cosine learning-rate schedule. Each
// patch comes from an image drawn uniformly, whatever its size. Each epoch
// ends with the PSNR of the luma on held-out photos (degraded the same way)
// and an atomic checkpoint from which a run resumes exactly.
package srtrain

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/internal/trainrun"
	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/sr"
	"github.com/trident-lab/trident/upscale"
	"github.com/trident-lab/trident/upscale/upbench"
)

// Config sets up a training run. Every field takes part in the checkpoint's
// identity: a run resumes only with the same configuration.
type Config struct {
	Arch          string // the network's shape, one of sr.Shapes
	Scale         int
	Epochs        int
	StepsPerEpoch int
	Batch         int     // patches per step
	Patch         int     // side of a low-resolution patch, pixels
	LR            float64 // Adam's initial rate, annealed by a cosine to LR/100
	Seed          uint64
	// Degrade is how photos are reduced to the network's input,
	// upbench.DegradeArea or upbench.DegradeBicubic; Prepare takes it.
	Degrade string
}

// DefaultConfig is the configuration the shipped ×2 weights were trained
// with, except for Epochs and StepsPerEpoch (sr/weights/README.md has the
// commands of every shipped file).
func DefaultConfig(scale int) Config {
	return Config{Arch: sr.ArchPlain, Scale: scale, Epochs: 32, StepsPerEpoch: 250, Batch: 16, Patch: 32, LR: 2e-3, Seed: 1, Degrade: upbench.DegradeArea}
}

func (c Config) check() error {
	if _, err := sr.ShapeOf(c.Arch); err != nil {
		return fmt.Errorf("srtrain: %w", err)
	}
	switch {
	case c.Scale < 2 || c.Scale > sr.MaxScale:
		return fmt.Errorf("srtrain: scale %d is not supported (integer scales 2 to %d)", c.Scale, sr.MaxScale)
	case c.Batch < 1 || c.Batch > 1024:
		return fmt.Errorf("srtrain: batch %d is outside [1, 1024]", c.Batch)
	case c.Patch < 4 || c.Patch > 256:
		return fmt.Errorf("srtrain: patch %d is outside [4, 256]", c.Patch)
	}
	if err := trainrun.CheckSchedule(c.Epochs, c.StepsPerEpoch, c.LR); err != nil {
		return fmt.Errorf("srtrain: %w", err)
	}
	if err := upbench.CheckDegradation(c.Degrade); err != nil {
		return fmt.Errorf("srtrain: %w", err)
	}
	return nil
}

// meta is the configuration as checkpoint metadata; train names the
// training images, so that a run resumes only on the same data. The
// degradation is recorded only when it is not the default, so that area
// runs write the same files as before it existed (and their checkpoints
// resume); Train checks it on resuming.
func (c Config) meta(train []*Sample) map[string]string {
	names := make([]string, len(train))
	for i, s := range train {
		names[i] = s.Name
	}
	m := map[string]string{
		"train":           strings.Join(names, ","),
		"steps_per_epoch": strconv.Itoa(c.StepsPerEpoch),
		"batch":           strconv.Itoa(c.Batch),
		"patch":           strconv.Itoa(c.Patch),
		"lr":              strconv.FormatFloat(c.LR, 'g', -1, 64),
		"seed":            strconv.FormatUint(c.Seed, 10),
		"epochs":          strconv.Itoa(c.Epochs),
	}
	if c.Degrade != upbench.DegradeArea {
		m["degrade"] = c.Degrade
	}
	return m
}

// Sample is one photo prepared for a scale: the 8-bit low-resolution luma,
// the original luma, its bicubic enlargement, and their difference (the
// network's target), all sRGB-encoded.
type Sample struct {
	Name          string
	Scale         int
	W, H          int // low-resolution size
	Low           []float32
	High, Bicubic []float32 // (W·r)×(H·r)
	Residual      []float32 // High − Bicubic
}

// Prepare degrades a linear-light photo as upbench.LowRes does with degrade
// (upbench.DegradeArea or upbench.DegradeBicubic) and computes the planes
// training and validation need.
func Prepare(ctx context.Context, name string, photo *raster.Image, scale int, degrade string) (*Sample, error) {
	crop, low, err := upbench.LowRes(ctx, photo, float64(scale), degrade)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Sample{Name: name, Scale: scale, W: low.Width, H: low.Height, Low: sr.Luma(low), High: sr.Luma(crop.ToSRGB())}
	bic, err := bicubic(ctx, s.Low, s.W, s.H, scale)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.Bicubic = bic
	s.Residual = make([]float32, len(bic))
	for i := range bic {
		s.Residual[i] = s.High[i] - bic[i]
	}
	return s, nil
}

// bicubic enlarges a plane by scale with upscale's Catmull-Rom filter.
func bicubic(ctx context.Context, y []float32, w, h, scale int) ([]float32, error) {
	u, err := upscale.New("bicubic", upscale.DefaultOptions())
	if err != nil {
		return nil, err
	}
	src := &raster.Image{Width: w, Height: h, Planes: [][]float32{y}}
	out, err := upscale.Resize(ctx, u, src, w*scale, h*scale)
	if err != nil {
		return nil, err
	}
	return out.Planes[0], nil
}

// Score is the luma PSNR in dB of the network's enlargement (bicubic plus
// residual, clamped to [0,1]) and of bicubic's, both as Trident measures it
// (full-range Y', whole image) and as the SR literature does
// (upbench.LumaPSNRShaved: limited-range Y, the scale's border shaved).
type Score struct {
	Net, Bicubic             float64
	NetShaved, BicubicShaved float64
}

// Evaluate scores the network on one sample.
func Evaluate(ctx context.Context, net *sr.Net, s *Sample) (Score, error) {
	if s.Scale != net.Scale {
		return Score{}, fmt.Errorf("srtrain: %s was prepared for scale %d, the network is for %d", s.Name, s.Scale, net.Scale)
	}
	res, err := net.Residual(ctx, s.Low, s.W, s.H)
	if err != nil {
		return Score{}, err
	}
	pred := make([]float32, len(res))
	for i := range res {
		pred[i] = min(max(s.Bicubic[i]+res[i], 0), 1)
	}
	w, h := s.W*s.Scale, s.H*s.Scale
	sc := Score{Net: PSNR(s.High, pred), Bicubic: PSNR(s.High, s.Bicubic)}
	if sc.NetShaved, err = upbench.LumaPSNRShaved(s.High, pred, w, h, s.Scale); err != nil {
		return Score{}, fmt.Errorf("srtrain: %s: %w", s.Name, err)
	}
	if sc.BicubicShaved, err = upbench.LumaPSNRShaved(s.High, s.Bicubic, w, h, s.Scale); err != nil {
		return Score{}, fmt.Errorf("srtrain: %s: %w", s.Name, err)
	}
	return sc, nil
}

// Validate returns the mean Score over the samples.
func Validate(ctx context.Context, net *sr.Net, samples []*Sample) (Score, error) {
	var m Score
	for _, s := range samples {
		sc, err := Evaluate(ctx, net, s)
		if err != nil {
			return Score{}, err
		}
		m.Net += sc.Net
		m.Bicubic += sc.Bicubic
		m.NetShaved += sc.NetShaved
		m.BicubicShaved += sc.BicubicShaved
	}
	n := float64(len(samples))
	m.Net, m.Bicubic, m.NetShaved, m.BicubicShaved = m.Net/n, m.Bicubic/n, m.NetShaved/n, m.BicubicShaved/n
	return m, nil
}

// PSNR is the peak signal-to-noise ratio in dB of two planes in [0,1].
func PSNR(ref, test []float32) float64 {
	var sum float64
	for i, v := range ref {
		d := float64(v) - float64(test[i])
		sum += d * d
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return -10 * math.Log10(sum/float64(len(ref)))
}

// Epoch is the record of one finished epoch.
type Epoch struct {
	Epoch int
	Loss  float64 // mean training loss (MSE of the residual)
	Score         // mean luma PSNR on the validation photos, dB
}

// CheckpointFile is the checkpoint's name inside the output directory.
const CheckpointFile = trainrun.CheckpointFile

// WeightsFile is the name of the exported weights (no optimizer state) for
// a scale, the file shipped as sr/weights/x<r>.safetensors.
func WeightsFile(scale int) string { return fmt.Sprintf("x%d.safetensors", scale) }

// Train trains a network for cfg.Scale on train, validating on val after
// every epoch, and writes DIR/checkpoint.safetensors (weights, Adam state,
// epoch) and DIR/x<r>.safetensors (weights) atomically after each epoch.
// With resume it continues from DIR's checkpoint, which must have the same
// configuration; the result is identical to an uninterrupted run. Progress
// goes to w (nil for none); epoch, if not nil, is called after each epoch.
func Train(ctx context.Context, cfg Config, train, val []*Sample, dir string, resume bool, w io.Writer, epoch func(Epoch)) (*sr.Net, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if len(train) == 0 || len(val) == 0 {
		return nil, fmt.Errorf("srtrain: need training and validation photos (have %d and %d)", len(train), len(val))
	}
	for _, s := range train {
		if s.W < cfg.Patch || s.H < cfg.Patch {
			return nil, fmt.Errorf("srtrain: %s: low-resolution size %dx%d is smaller than the %d-pixel patch", s.Name, s.W, s.H, cfg.Patch)
		}
		if s.Scale != cfg.Scale || len(s.Residual) != s.W*s.H*cfg.Scale*cfg.Scale {
			return nil, fmt.Errorf("srtrain: %s was prepared for another scale", s.Name)
		}
	}
	net, err := sr.New(cfg.Scale, cfg.Arch, nn.NewRNG(cfg.Seed))
	if err != nil {
		return nil, err
	}
	// The weights carry the degradation when it is not the default, as the
	// checkpoint does (see Config.meta).
	wmeta := net.Meta()
	if cfg.Degrade != upbench.DegradeArea {
		wmeta["degrade"] = cfg.Degrade
	}
	run := trainrun.Run{
		Name: "srtrain", Progress: fmt.Sprintf("sr x%d", cfg.Scale), Params: net.Params,
		Epochs: cfg.Epochs, StepsPerEpoch: cfg.StepsPerEpoch, LR: cfg.LR, Seed: cfg.Seed,
		Dir: dir, WeightsFile: WeightsFile(cfg.Scale), Weights: wmeta, Config: cfg.meta(train),
		Resume: resume, CheckResume: func(path string, meta map[string]string) error {
			if err := net.CheckMeta(path, meta); err != nil {
				return err
			}
			// An area checkpoint has no "degrade" key (see Config.meta),
			// which nn.ResumeEpoch cannot check for.
			if d := cmp.Or(meta["degrade"], upbench.DegradeArea); d != cfg.Degrade {
				return fmt.Errorf("%s was trained on the %s degradation, this run uses %s", path, d, cfg.Degrade)
			}
			return nil
		},
	}
	r, p := cfg.Scale, cfg.Patch
	in := make([]float32, cfg.Batch*p*p)
	tgt := make([]float32, cfg.Batch*p*p*r*r)
	loss := func(rng *rand.Rand) *nn.Tensor {
		for b := 0; b < cfg.Batch; b++ {
			samplePatch(rng, train[rng.IntN(len(train))], r, p, in[b*p*p:(b+1)*p*p], tgt[b*p*p*r*r:(b+1)*p*p*r*r])
		}
		out := net.Forward(nn.New(in, cfg.Batch, 1, p, p))
		return nn.MSE(out, nn.New(tgt, cfg.Batch, 1, p*r, p*r))
	}
	var sc Score
	validate := func() (map[string]string, error) {
		var err error
		if sc, err = Validate(ctx, net, val); err != nil {
			return nil, err
		}
		return map[string]string{"val_psnr_y": strconv.FormatFloat(sc.Net, 'f', 3, 64)}, nil
	}
	var done func(int, float64)
	if epoch != nil {
		done = func(e int, loss float64) { epoch(Epoch{Epoch: e, Loss: loss, Score: sc}) }
	}
	if err := run.Train(ctx, w, loss, validate, done); err != nil {
		return nil, err
	}
	return net, nil
}

// samplePatch copies a random p×p low-resolution patch of s and its
// (p·r)×(p·r) residual target, both under the same one of the eight
// flips/rotations of the square.
func samplePatch(rng *rand.Rand, s *Sample, r, p int, in, tgt []float32) {
	x0, y0 := rng.IntN(s.W-p+1), rng.IntN(s.H-p+1)
	t := rng.IntN(8)
	fill := func(dst, src []float32, stride, ox, oy, n int) {
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				u, v := i, j
				if t&4 != 0 {
					u, v = v, u
				}
				if t&1 != 0 {
					u = n - 1 - u
				}
				if t&2 != 0 {
					v = n - 1 - v
				}
				dst[j*n+i] = src[(oy+v)*stride+ox+u]
			}
		}
	}
	fill(in, s.Low, s.W, x0, y0, p)
	fill(tgt, s.Residual, s.W*r, x0*r, y0*r, p*r)
}

// Rendered training frames: FrameStep frames (0.5 s at render.FPS) apart in
// every built-in scene, so that camera and objects have moved between them,
// each the scene's reference with RenderSPP Halton samples per pixel.
const (
	FrameStep = 15
	RenderSPP = 16
	// MaxFrames bounds the frames per scene (and MaxFrameSide their sides)
	// so that a mistyped flag cannot start hours of rendering.
	MaxFrames    = 64
	MaxFrameSide = 2048
)

// RenderFrames renders frames frames of w×h pixels from each of render's
// built-in scenes, named scene@index, as linear-light images that hold what
// an 8-bit sRGB file of the frame would: radiance is clipped to [0,1] and
// quantised as a PNG would store it, as the photos are.
func RenderFrames(ctx context.Context, frames, w, h int) ([]upbench.Photo, error) {
	if frames < 1 || frames > MaxFrames || w < 16 || h < 16 || w > MaxFrameSide || h > MaxFrameSide {
		return nil, fmt.Errorf("srtrain: %d rendered frames of %dx%d per scene: want 1 to %d frames of 16 to %d pixels a side",
			frames, w, h, MaxFrames, MaxFrameSide)
	}
	var out []upbench.Photo
	for _, name := range render.Scenes() {
		scene, err := render.NewScene(name)
		if err != nil {
			return nil, fmt.Errorf("srtrain: %w", err)
		}
		for f := 0; f < frames; f++ {
			m, err := scene.Reference(ctx, f*FrameStep, w, h, RenderSPP)
			if err != nil {
				return nil, fmt.Errorf("srtrain: %s frame %d: %w", name, f*FrameStep, err)
			}
			for c := 0; c < m.ColourChannels(); c++ {
				p := m.Planes[c]
				for i, v := range p {
					p[i] = raster.SRGB8ToLinear(raster.LinearToSRGB8(v))
				}
			}
			out = append(out, upbench.Photo{Name: fmt.Sprintf("%s@%d", name, f*FrameStep), Image: m})
		}
	}
	return out, nil
}

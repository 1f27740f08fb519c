package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal"
	"github.com/trident-lab/trident/temporal/ttrain"
)

func newTemporalTrainCmd() *cobra.Command {
	var (
		cfg    = ttrain.DefaultConfig()
		size   string
		out    string
		resume bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the temporal super-sampling network behind temporal --method neural",
		Long: fmt.Sprintf(`train renders every built-in scene at --render size with a --spp-sample
reference at --scale times that size, runs TSR and computes the network's
inputs frame by frame, and fits package temporal's network to random crops
(--patch render pixels a side, flipped and rotated) of --train-frames frames
per scene. Training clips start at frame %d, validation clips (--val-frames
per scene) at frame %d; each skips %d warm-up frames and keeps every %d-th
frame, so neither overlaps the frames temporal-bench scores (0-23).

After each epoch it prints PSNR and FLIP of the network and of TSR on the
validation frames and writes OUT/checkpoint.safetensors (with optimizer
state) and OUT/neural-x<scale>.safetensors (weights only, the file shipped in
temporal/weights) atomically. --resume continues OUT's checkpoint exactly.`,
			ttrain.TrainStart, ttrain.ValStart, ttrain.Warm, ttrain.Stride),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("temporal train: --out DIR is required")
			}
			if _, err := fmt.Sscanf(size, "%dx%d", &cfg.RenderW, &cfg.RenderH); err != nil || fmt.Sprintf("%dx%d", cfg.RenderW, cfg.RenderH) != size {
				return fmt.Errorf("temporal train: --render %q: want WIDTHxHEIGHT", size)
			}
			scenes := render.Scenes()
			w := cmd.OutOrStdout()
			n := len(scenes) * (ttrain.Frames(cfg.TrainFrames) + ttrain.Frames(cfg.ValFrames))
			bar := progress.New(cmd.ErrOrStderr(), n, "rendering clips")
			step := func() { bar.Add(1, "") }
			train, err := ttrain.Render(cmd.Context(), cfg, scenes, ttrain.TrainStart, cfg.TrainFrames, step)
			if err != nil {
				return fmt.Errorf("temporal train: %w", err)
			}
			for _, s := range train {
				s.Ref, s.TSR = nil, nil // only validation scores them
			}
			val, err := ttrain.Render(cmd.Context(), cfg, scenes, ttrain.ValStart, cfg.ValFrames, step)
			if err != nil {
				return fmt.Errorf("temporal train: %w", err)
			}
			bar.Finish()
			fmt.Fprintf(w, "temporal train x%d: %s, %d training and %d validation frames of %dx%d -> %dx%d\n",
				cfg.Scale, strings.Join(scenes, ","), len(train), len(val), cfg.RenderW, cfg.RenderH, cfg.RenderW*cfg.Scale, cfg.RenderH*cfg.Scale)
			_, err = ttrain.Train(cmd.Context(), cfg, train, val, out, resume, cmd.ErrOrStderr(), func(e ttrain.Epoch) {
				fmt.Fprintf(w, "epoch %d/%d  loss %.4e  val PSNR %.3f dB FLIP %.4f (tsr %.3f dB, %.4f; %+.3f dB, %+.4f)\n",
					e.Epoch, cfg.Epochs, e.Loss, e.Val.PSNR, e.Val.FLIP, e.Val.TSRPSNR, e.Val.TSRFLIP,
					e.Val.PSNR-e.Val.TSRPSNR, e.Val.FLIP-e.Val.TSRFLIP)
			})
			if err != nil {
				return fmt.Errorf("temporal train: %w", err)
			}
			fmt.Fprintf(w, "weights: %s/%s\n", out, temporal.NeuralWeightsFile(cfg.Scale))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Scale, "scale", cfg.Scale, "integer display/render ratio, 2 to 4")
	f.StringVar(&size, "render", "320x180", "render size of the training clips")
	f.IntVar(&cfg.SPP, "spp", cfg.SPP, "reference samples per pixel")
	f.IntVar(&cfg.TrainFrames, "train-frames", cfg.TrainFrames, "training frames per scene")
	f.IntVar(&cfg.ValFrames, "val-frames", cfg.ValFrames, "validation frames per scene")
	f.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "epochs (the cosine schedule spans them all)")
	f.IntVar(&cfg.StepsPerEpoch, "steps", cfg.StepsPerEpoch, "optimizer steps per epoch")
	f.IntVar(&cfg.Batch, "batch", cfg.Batch, "crops per step")
	f.IntVar(&cfg.Patch, "patch", cfg.Patch, "crop side in render pixels")
	f.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam's initial learning rate")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initialisation and crops)")
	f.StringVar(&out, "out", "", "output directory for checkpoints and weights (required)")
	f.BoolVar(&resume, "resume", false, "continue the checkpoint in --out")
	return cmd
}

// newNeuralMethod builds temporal neural super-sampling from rw×rh to
// dw×dh with the weights in path, or the shipped network for the ratio when
// path is empty; it never falls back to another method.
func newNeuralMethod(path string, rw, rh, dw, dh int) (temporal.Method, error) {
	if dw%rw != 0 || dh%rh != 0 || dw/rw != dh/rh {
		return nil, fmt.Errorf("--method neural needs an integer display/render ratio, equal on both axes (sequence: %dx%d -> %dx%d)", rw, rh, dw, dh)
	}
	scale := dw / rw
	var (
		net *temporal.NeuralNet
		err error
	)
	if path != "" {
		net, err = temporal.LoadNeuralNet(path, scale)
	} else {
		net, err = temporal.PretrainedNeuralNet(scale)
	}
	if err != nil {
		return nil, err
	}
	return temporal.NewNeural(net, rw, rh, dw, dh)
}

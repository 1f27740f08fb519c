package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/sr/srtrain"
)

func newSRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sr",
		Short: "Learned single-image super resolution (train the networks behind upscale --method neural)",
	}
	cmd.AddCommand(newSRTrainCmd())
	return cmd
}

func newSRTrainCmd() *cobra.Command {
	var (
		cfg    = srtrain.DefaultConfig(2)
		photos string
		val    string
		out    string
		resume bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the super-resolution network for one scale on photos",
		Long: `train fits package sr's network for --scale on random patches (flipped and
rotated) of the photos in --photos except the --val ones, degraded as
upscale-bench does (area reduction in linear light, 8-bit sRGB). After each
epoch it prints the luma PSNR on the --val photos next to bicubic's and
writes OUT/checkpoint.safetensors (with optimizer state) and
OUT/x<scale>.safetensors (weights only, the file shipped in sr/weights)
atomically. --resume continues OUT's checkpoint exactly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("sr train: --out DIR is required")
			}
			all, err := loadPhotos(photos)
			if err != nil {
				return fmt.Errorf("sr train: --photos: %w", err)
			}
			held := strings.Split(val, ",")
			var train, valid []*srtrain.Sample
			var trainNames []string
			for _, p := range all {
				s, err := srtrain.Prepare(cmd.Context(), p.Name, p.Image, cfg.Scale)
				if err != nil {
					return fmt.Errorf("sr train: %w", err)
				}
				if slices.Contains(held, p.Name) {
					valid = append(valid, s)
				} else {
					train = append(train, s)
					trainNames = append(trainNames, p.Name)
				}
			}
			if len(valid) != len(held) {
				return fmt.Errorf("sr train: --val %q: only %d of those photos are in %s", val, len(valid), photos)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "sr train x%d: training on %s, validating on %s\n", cfg.Scale, strings.Join(trainNames, ","), val)
			_, err = srtrain.Train(cmd.Context(), cfg, train, valid, out, resume, cmd.ErrOrStderr(), func(e srtrain.Epoch) {
				fmt.Fprintf(w, "epoch %d/%d  loss %.3e  val PSNR-Y %.3f dB (bicubic %.3f, %+.3f)\n",
					e.Epoch, cfg.Epochs, e.Loss, e.ValPSNR, e.BicPSNR, e.ValPSNR-e.BicPSNR)
			})
			if err != nil {
				return fmt.Errorf("sr train: %w", err)
			}
			fmt.Fprintf(w, "weights: %s/%s\n", out, srtrain.WeightsFile(cfg.Scale))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Scale, "scale", cfg.Scale, "integer enlargement, 2 to 4")
	f.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "epochs (the cosine schedule spans them all)")
	f.IntVar(&cfg.StepsPerEpoch, "steps", cfg.StepsPerEpoch, "optimizer steps per epoch")
	f.IntVar(&cfg.Batch, "batch", cfg.Batch, "patches per step")
	f.IntVar(&cfg.Patch, "patch", cfg.Patch, "low-resolution patch side in pixels")
	f.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam's initial learning rate")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initialisation and patches)")
	f.StringVar(&photos, "photos", "../shared/data/images", "directory of PNG/JPEG training photos")
	f.StringVar(&val, "val", "camera.png,chelsea.png", "comma-separated photos of --photos held out for validation")
	f.StringVar(&out, "out", "", "output directory for checkpoints and weights (required)")
	f.BoolVar(&resume, "resume", false, "continue the checkpoint in --out")
	return cmd
}

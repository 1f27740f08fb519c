package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/sr"
	"github.com/trident-lab/trident/sr/srtrain"
	"github.com/trident-lab/trident/upscale/upbench"
)

func newSRCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sr",
		Short: "Learned single-image super resolution (train the networks behind upscale --method neural)",
	}
	cmd.AddCommand(newSRTrainCmd(), newSREvalCmd())
	return cmd
}

func newSREvalCmd() *cobra.Command {
	var (
		scale   int
		weights string
		photos  string
		only    string
		degrade string
	)
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Score a super-resolution network against bicubic on photos, per photo",
		Long: `eval degrades each photo of --photos (or the --only ones) by --scale as
--degrade says (area: area reduction in linear light, 8-bit sRGB; bicubic:
MATLAB's imresize(HR, 1/scale, 'bicubic') on the 8-bit sRGB codes), enlarges
the luma back with bicubic and with the network (the shipped one for
--scale, or --weights FILE, a file written by trident sr train) and prints
the luma PSNR of both per photo and their mean, exactly as sr train
validates: full-range Y' over the whole image, and the SR literature's
figure (limited-range Y, --scale border pixels shaved).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := upbench.CheckDegradation(degrade); err != nil {
				return fmt.Errorf("sr eval: --degrade: %w", err)
			}
			var net *sr.Net
			var err error
			if weights == "" {
				net, err = sr.Pretrained(scale)
			} else {
				net, err = sr.Load(weights, scale)
			}
			if err != nil {
				return fmt.Errorf("sr eval: %w", err)
			}
			all, err := loadPhotos(photos)
			if err != nil {
				return fmt.Errorf("sr eval: --photos: %w", err)
			}
			var picked []upbench.Photo
			if only == "" {
				picked = all
			} else {
				for _, name := range strings.Split(only, ",") {
					i := slices.IndexFunc(all, func(p upbench.Photo) bool { return p.Name == name })
					if i < 0 {
						return fmt.Errorf("sr eval: --only: %s is not in %s", name, photos)
					}
					picked = append(picked, all[i])
				}
			}
			w := cmd.OutOrStdout()
			src := weights
			if src == "" {
				src = fmt.Sprintf("shipped x%d", scale)
			}
			fmt.Fprintf(w, "%s, %s degradation, x%d:\n", src, degrade, scale)
			fmt.Fprintf(w, "%-16s %9s %9s %7s   %9s %9s %7s\n", "photo", "bicubic", "network", "gain", "bic-sh", "net-sh", "gain")
			var mean srtrain.Score
			for _, p := range picked {
				s, err := srtrain.Prepare(cmd.Context(), p.Name, p.Image, scale, degrade)
				if err != nil {
					return fmt.Errorf("sr eval: %w", err)
				}
				sc, err := srtrain.Evaluate(cmd.Context(), net, s)
				if err != nil {
					return fmt.Errorf("sr eval: %w", err)
				}
				printSRScore(w, p.Name, sc)
				mean.Net += sc.Net / float64(len(picked))
				mean.Bicubic += sc.Bicubic / float64(len(picked))
				mean.NetShaved += sc.NetShaved / float64(len(picked))
				mean.BicubicShaved += sc.BicubicShaved / float64(len(picked))
			}
			printSRScore(w, "mean", mean)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&scale, "scale", 2, "integer enlargement, 2 to 4")
	f.StringVar(&weights, "weights", "", "safetensors file from trident sr train (default: the shipped network)")
	f.StringVar(&photos, "photos", "../shared/data/images", "directory of PNG/JPEG photos")
	f.StringVar(&only, "only", "", "comma-separated photos of --photos to score (default: all)")
	f.StringVar(&degrade, "degrade", upbench.DegradeArea, "how photos are reduced: "+strings.Join(upbench.Degradations(), " or "))
	return cmd
}

func printSRScore(w io.Writer, name string, s srtrain.Score) {
	fmt.Fprintf(w, "%-16s %9.3f %9.3f %+7.3f   %9.3f %9.3f %+7.3f\n",
		name, s.Bicubic, s.Net, s.Net-s.Bicubic, s.BicubicShaved, s.NetShaved, s.NetShaved-s.BicubicShaved)
}

func newSRTrainCmd() *cobra.Command {
	var (
		cfg    = srtrain.DefaultConfig(2)
		photos string
		val    string
		extra  string
		list   string
		frames int
		size   string
		out    string
		resume bool
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the super-resolution network for one scale on photos",
		Long: `train fits package sr's network for --scale on random patches (flipped and
rotated) of the photos in --photos except the --val ones, the --extra image
files, the images named by the --extra-list file and --render-frames
reference frames of each built-in render scene, degraded as upscale-bench
--degrade does: area (default; area reduction in linear light, 8-bit sRGB) or
bicubic (MATLAB's imresize(HR, 1/scale, 'bicubic') on the 8-bit sRGB codes,
the SR literature's protocol). Training patches and validation use the same.
Each patch comes from an image drawn uniformly, whatever its size. After each
epoch it prints the luma PSNR on the --val photos next to bicubic's, as
Trident measures it (full-range Y', whole image) and as the SR literature
does (limited-range Y, --scale border pixels shaved), and
writes OUT/checkpoint.safetensors (with optimizer state) and
OUT/x<scale>.safetensors (weights only, the file shipped in sr/weights)
atomically. --resume continues OUT's checkpoint exactly.

The --extra-list file names one image per line, optionally followed by an
integer reduction factor: "PATH [REDUCE]"; blank lines and lines starting
with # are skipped, relative paths are relative to the list's directory.
An image with REDUCE > 1 is first shrunk by that factor with the area
filter in linear light (to average away JPEG artefacts and softness), then
used like any other. sr/weights/x2-extra.list is the list the shipped
weights of every scale were trained with (with all six shared photos as
--val). An --extra or listed image identical to a --val photo is refused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("sr train: --out DIR is required")
			}
			if err := upbench.CheckDegradation(cfg.Degrade); err != nil {
				return fmt.Errorf("sr train: --degrade: %w", err)
			}
			all, err := loadPhotos(photos)
			if err != nil {
				return fmt.Errorf("sr train: --photos: %w", err)
			}
			held := strings.Split(val, ",")
			// Validation photos first, then every training image.
			var valPhotos, trainPhotos []upbench.Photo
			for _, p := range all {
				if slices.Contains(held, p.Name) {
					valPhotos = append(valPhotos, p)
				} else {
					trainPhotos = append(trainPhotos, p)
				}
			}
			if len(valPhotos) != len(held) {
				return fmt.Errorf("sr train: --val %q: only %d of those photos are in %s", val, len(valPhotos), photos)
			}
			nval := len(valPhotos)
			all = append(valPhotos, trainPhotos...)
			if extra != "" {
				for _, path := range strings.Split(extra, ",") {
					m, err := raster.Load(path, raster.DefaultMaxPixels)
					if err != nil {
						return fmt.Errorf("sr train: --extra: %w", err)
					}
					all = append(all, upbench.Photo{Name: filepath.Base(path), Image: m})
				}
			}
			if list != "" {
				es, err := srtrain.ReadImageList(list)
				if err != nil {
					return fmt.Errorf("sr train: --extra-list: %w", err)
				}
				listed, err := srtrain.LoadListed(cmd.Context(), es)
				if err != nil {
					return fmt.Errorf("sr train: --extra-list: %w", err)
				}
				all = append(all, listed...)
			}
			// The held-out photos must not come back as training images
			// through --extra or --extra-list.
			for _, p := range all[len(valPhotos)+len(trainPhotos):] {
				for _, v := range valPhotos {
					if srtrain.SameImage(p.Image, v.Image) {
						return fmt.Errorf("sr train: training image %s is the validation photo %s", p.Name, v.Name)
					}
				}
			}
			if frames > 0 {
				fw, fh, err := parseDims("render-size", size)
				if err != nil {
					return fmt.Errorf("sr train: %w", err)
				}
				rendered, err := srtrain.RenderFrames(cmd.Context(), frames, fw, fh)
				if err != nil {
					return fmt.Errorf("sr train: --render-frames: %w", err)
				}
				all = append(all, rendered...)
			}
			var train, valid []*srtrain.Sample
			var trainNames []string
			for i, p := range all {
				s, err := srtrain.Prepare(cmd.Context(), p.Name, p.Image, cfg.Scale, cfg.Degrade)
				if err != nil {
					return fmt.Errorf("sr train: %w", err)
				}
				if i < nval {
					valid = append(valid, s)
				} else {
					train = append(train, s)
					trainNames = append(trainNames, p.Name)
				}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "sr train x%d (%s degradation): training on %d images (%s), validating on %s\n",
				cfg.Scale, cfg.Degrade, len(train), strings.Join(trainNames, ","), val)
			_, err = srtrain.Train(cmd.Context(), cfg, train, valid, out, resume, cmd.ErrOrStderr(), func(e srtrain.Epoch) {
				fmt.Fprintf(w, "epoch %d/%d  loss %.3e  val PSNR-Y %.3f dB (bicubic %.3f, %+.3f); shaved %.3f (bicubic %.3f, %+.3f)\n",
					e.Epoch, cfg.Epochs, e.Loss, e.Net, e.Bicubic, e.Net-e.Bicubic, e.NetShaved, e.BicubicShaved, e.NetShaved-e.BicubicShaved)
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
	f.StringVar(&cfg.Arch, "arch", cfg.Arch, "network shape: "+sr.ArchLarge+" (FSRCNN(56,12,4)), "+sr.ArchSmall+" (d=32, s=12, m=3) or "+sr.ArchPlain+" (ten 3×3 layers of 32 channels)")
	f.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "epochs (the cosine schedule spans them all)")
	f.IntVar(&cfg.StepsPerEpoch, "steps", cfg.StepsPerEpoch, "optimizer steps per epoch")
	f.IntVar(&cfg.Batch, "batch", cfg.Batch, "patches per step")
	f.IntVar(&cfg.Patch, "patch", cfg.Patch, "low-resolution patch side in pixels")
	f.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam's initial learning rate")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (initialisation and patches)")
	f.StringVar(&cfg.Degrade, "degrade", cfg.Degrade, "how photos are reduced: "+strings.Join(upbench.Degradations(), " or "))
	f.StringVar(&photos, "photos", "../shared/data/images", "directory of PNG/JPEG training photos")
	f.StringVar(&val, "val", "camera.png,chelsea.png", "comma-separated photos of --photos held out for validation")
	f.StringVar(&extra, "extra", "", "comma-separated image files to train on besides --photos")
	f.StringVar(&list, "extra-list", "", "file listing images to train on besides --photos, one \"PATH [REDUCE]\" a line")
	f.IntVar(&frames, "render-frames", 0, "reference frames of each built-in render scene to train on")
	f.StringVar(&size, "render-size", "640x360", "size of the rendered training frames, WxH")
	f.StringVar(&out, "out", "", "output directory for checkpoints and weights (required)")
	f.BoolVar(&resume, "resume", false, "continue the checkpoint in --out")
	return cmd
}

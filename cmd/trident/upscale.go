package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/upscale"
	"github.com/trident-lab/trident/upscale/upbench"
)

func newUpscaleCmd() *cobra.Command {
	var (
		method    string
		scale     float64
		sharpness float64
		denoise   bool
		maxPixels int
		weights   string
	)
	cmd := &cobra.Command{
		Use:   "upscale IN OUT",
		Short: "Enlarge an image with FSR 1, NIS, Lanczos, bicubic or another spatial upscaler",
		Long: `upscale enlarges IN (PNG, JPEG or PFM) by --scale and writes OUT (format from
its extension), atomically. Methods: ` + strings.Join(upscale.Methods(), ", ") + `.
bicubic is Catmull-Rom, mitchell is Mitchell-Netravali B = C = 1/3, easu is
FSR 1's scaler without RCAS, fsr1 is EASU + RCAS, nis is NVIDIA Image Scaling.

Every method filters sRGB-encoded values, as FSR 1 and NIS require. The scale
may be fractional (1.3, 1.5, 1.7 ...); the output is round(size x scale).
nis supports scales 1 to 2, fsr1 and easu 1 to 4, the separable filters 1 to 16.

--sharpness: for fsr1, RCAS strength in stops (0 = strongest, default 0.2);
for nis, NVIDIA's slider in [0,1] (default 0.5). Other methods ignore it.

--weights FILE (neural only): a network written by trident sr train (its
OUT/x<scale>.safetensors) replaces the shipped network of its scale.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := args[0], args[1]
			opts := upscale.DefaultOptions()
			if cmd.Flags().Changed("sharpness") {
				opts.Sharpness = sharpness
			}
			opts.Denoise = denoise
			if weights != "" && method != "neural" {
				return fmt.Errorf("upscale: --weights is for --method neural, not %s", method)
			}
			opts.Weights = weights
			u, err := upscale.New(method, opts)
			if err != nil {
				return err // "upscale: unknown method ..." names the flag's value
			}
			if _, _, err := upscale.OutputSize(1, 1, scale); err != nil {
				return err
			}
			if scale > u.MaxScale() {
				return fmt.Errorf("upscale: --scale %g is outside what %s supports (1 to %g)", scale, method, u.MaxScale())
			}
			if _, err := raster.FormatForPath(out); err != nil {
				return fmt.Errorf("upscale: output %s: %w", out, err)
			}
			if maxPixels <= 0 {
				return fmt.Errorf("upscale: --max-pixels must be positive, got %d", maxPixels)
			}
			src, err := raster.Load(in, maxPixels)
			if err != nil {
				return fmt.Errorf("upscale: %w", err)
			}
			w, h, err := upscale.OutputSize(src.Width, src.Height, scale)
			if err != nil {
				return fmt.Errorf("%s: %w", in, err)
			}
			if w*h > maxPixels {
				return fmt.Errorf("upscale: output %dx%d exceeds --max-pixels %d", w, h, maxPixels)
			}
			dst, err := upscale.ResizePerceptual(cmd.Context(), u, src, w, h)
			if err != nil {
				return fmt.Errorf("upscale %s: %w", in, err)
			}
			if err := raster.Save(out, dst); err != nil {
				return fmt.Errorf("upscale: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %dx%d -> %dx%d with %s\n", out, src.Width, src.Height, w, h, u.Name())
			return nil
		},
	}
	cmd.Flags().StringVar(&method, "method", "fsr1", "upscaler: "+strings.Join(upscale.Methods(), ", "))
	cmd.Flags().Float64Var(&scale, "scale", 2, "enlargement factor per axis (>= 1, may be fractional)")
	cmd.Flags().Float64Var(&sharpness, "sharpness", 0, "fsr1: RCAS stops (0 = max, default 0.2); nis: 0..1 (default 0.5)")
	cmd.Flags().BoolVar(&denoise, "denoise", false, "fsr1: limit RCAS sharpening of noise")
	cmd.Flags().StringVar(&weights, "weights", "", "neural: weights file of trident sr train to use instead of the shipped network of its scale")
	cmd.Flags().IntVar(&maxPixels, "max-pixels", raster.DefaultMaxPixels, "refuse input or output images with more pixels than this")
	return cmd
}

func newUpscaleBenchCmd() *cobra.Command {
	var (
		scale    float64
		speed    bool
		reps     int
		external bool
		fsrSharp float64
		nisSharp float64
		degrade  string
		weights  string
	)
	cmd := &cobra.Command{
		Use:   "upscale-bench DIR",
		Short: "Compare every upscaler on the photos of DIR: PSNR, SSIM, FLIP and speed",
		Long: `upscale-bench reduces each PNG/JPEG of DIR by --scale, enlarges it back with
every method and compares the result (8-bit sRGB) with the original: mean
PSNR (dB), SSIM and FLIP (lower is better) per method, and output megapixels
per second. PSNR-Y is on full-range BT.601 luma over the whole image;
PSNR-Y-sh is the SR literature's: limited-range Y (MATLAB's rgb2ycbcr) with
ceil(--scale) border pixels shaved.

--degrade area (default) reduces with the exact area filter in linear light
and stores 8-bit sRGB; --degrade bicubic reduces the 8-bit sRGB codes as
MATLAB's imresize(HR, 1/scale, 'bicubic') does (antialiased Keys cubic), the
degradation of the SR literature's tables (Set5, Set14, DIV2K).

With --external (default) golang.org/x/image/draw (NearestNeighbor,
ApproxBiLinear, CatmullRom), github.com/disintegration/imaging (Lanczos) and,
when the vips command is installed (Debian: libvips-tools), libvips' resize
--kernel lanczos3 run on the same inputs.

With --speed it also times every method enlarging a 1920x1080 image by
--scale (best of --reps runs of wall time and of CPU time; vips timed as a
whole process on .v files, which includes its start-up and file I/O).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reps < 1 {
				return fmt.Errorf("upscale-bench: --reps must be at least 1, got %d", reps)
			}
			if err := upbench.CheckDegradation(degrade); err != nil {
				return fmt.Errorf("upscale-bench: --degrade: %w", err)
			}
			if _, _, err := upscale.OutputSize(1, 1, scale); err != nil {
				return err
			}
			photos, err := loadPhotos(args[0])
			if err != nil {
				return fmt.Errorf("upscale-bench: %w", err)
			}
			tmp := ""
			if external {
				if tmp, err = upbench.TempDir(); err != nil {
					return fmt.Errorf("upscale-bench: %w", err)
				}
				defer os.RemoveAll(tmp)
			}
			cs, err := upbench.Contestants(scale, tmp, fsrSharp, nisSharp, weights)
			if err != nil {
				return fmt.Errorf("upscale-bench: %w", err)
			}
			if !external {
				cs = tridentOnly(cs)
			}
			w := cmd.OutOrStdout()
			bar := progress.New(cmd.ErrOrStderr(), len(photos)*len(cs), fmt.Sprintf("upscale x%g", scale))
			scores, err := upbench.Quality(cmd.Context(), photos, scale, degrade, cs, func() { bar.Add(1, "") })
			bar.Finish()
			if err != nil {
				return fmt.Errorf("upscale-bench: %w", err)
			}
			fmt.Fprintf(w, "fsr1: RCAS %g stops; nis: sharpness %g\n", fsrSharp, nisSharp)
			printScores(w, args[0], len(photos), scale, degrade, scores)
			if !speed {
				return nil
			}
			const sw, sh = 1920, 1080
			ow, oh, err := upscale.OutputSize(sw, sh, scale)
			if err != nil {
				return fmt.Errorf("upscale-bench: %w", err)
			}
			src, err := speedSource(cmd, photos, sw, sh)
			if err != nil {
				return fmt.Errorf("upscale-bench: %w", err)
			}
			sbar := progress.New(cmd.ErrOrStderr(), len(cs), "speed")
			ts, err := upbench.Speed(cmd.Context(), src, ow, oh, reps, cs, func() { sbar.Add(1, "") })
			sbar.Finish()
			if err != nil {
				return fmt.Errorf("upscale-bench: speed: %w", err)
			}
			fmt.Fprintf(w, "\nspeed %dx%d -> %dx%d, best of %d, GOMAXPROCS-parallel where the library is:\n", sw, sh, ow, oh, reps)
			fmt.Fprintf(w, "%-18s %9s %9s %9s\n", "method", "wall s", "MP/s", "CPU s")
			for _, t := range ts {
				fmt.Fprintf(w, "%-18s %9.3f %9.1f %9.3f\n", t.Name, t.Seconds, float64(ow*oh)/1e6/t.Seconds, t.CPUSeconds)
			}
			return nil
		},
	}
	cmd.Flags().Float64Var(&scale, "scale", 2, "reduction and enlargement factor (>= 1)")
	cmd.Flags().StringVar(&degrade, "degrade", upbench.DegradeArea, "how photos are reduced: "+strings.Join(upbench.Degradations(), " or "))
	cmd.Flags().StringVar(&weights, "weights", "", "neural: weights file of trident sr train to use instead of the shipped network of its scale")
	cmd.Flags().BoolVar(&speed, "speed", false, "also time a 1920x1080 enlargement by --scale")
	cmd.Flags().IntVar(&reps, "reps", 3, "timed runs per method for --speed (best is reported)")
	cmd.Flags().BoolVar(&external, "external", true, "include x/image/draw, imaging and (if installed) vips")
	cmd.Flags().Float64Var(&fsrSharp, "fsr1-sharpness", upscale.DefaultFSRSharpness, "RCAS sharpness of fsr1 in stops (0 = max)")
	cmd.Flags().Float64Var(&nisSharp, "nis-sharpness", upscale.DefaultNISSharpness, "sharpness slider of nis, 0..1")
	return cmd
}

// loadPhotos reads every PNG and JPEG in dir, sorted by name.
func loadPhotos(dir string) ([]upbench.Photo, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("no PNG or JPEG images in %s", dir)
	}
	photos := make([]upbench.Photo, 0, len(names))
	for _, n := range names {
		m, err := raster.Load(filepath.Join(dir, n), raster.DefaultMaxPixels)
		if err != nil {
			return nil, err
		}
		photos = append(photos, upbench.Photo{Name: n, Image: m})
	}
	return photos, nil
}

// speedSource is the first colour photo enlarged with Lanczos-3 to w×h (a
// realistic image of the right size), as 8-bit sRGB.
func speedSource(cmd *cobra.Command, photos []upbench.Photo, w, h int) (*raster.Image, error) {
	src := photos[0].Image
	for _, p := range photos {
		if p.Image.ColourChannels() == 3 {
			src = p.Image
			break
		}
	}
	l3, err := upscale.New("lanczos3", upscale.DefaultOptions())
	if err != nil {
		return nil, err
	}
	sx := math.Max(float64(w)/float64(src.Width), float64(h)/float64(src.Height))
	big, err := upscale.Resize(cmd.Context(), l3, src.ToSRGB(), int(math.Ceil(float64(src.Width)*sx)), int(math.Ceil(float64(src.Height)*sx)))
	if err != nil {
		return nil, err
	}
	crop := raster.New(w, h, big.Channels())
	for c := range crop.Planes {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := min(max(big.At(c, x, y), 0), 1)
				crop.Set(c, x, y, float32(math.Round(float64(v)*255))/255)
			}
		}
	}
	return crop, nil
}

func tridentOnly(cs []upbench.Contestant) []upbench.Contestant {
	known := map[string]bool{"nis-sharp0": true}
	for _, m := range upscale.Methods() {
		known[m] = true
	}
	var out []upbench.Contestant
	for _, c := range cs {
		if known[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

func printScores(w io.Writer, dir string, n int, scale float64, degrade string, scores []upbench.Score) {
	fmt.Fprintf(w, "%d images from %s, reduced (%s) and enlarged by %g:\n", n, dir, degrade, scale)
	fmt.Fprintf(w, "%-18s %9s %9s %9s %8s %8s %9s\n", "method", "PSNR dB", "PSNR-Y", "PSNR-Y-sh", "SSIM", "FLIP", "MP/s")
	for _, s := range scores {
		fmt.Fprintf(w, "%-18s %9.3f %9.3f %9.3f %8.4f %8.4f %9.1f\n", s.Name, s.PSNR, s.PSNRY, s.PSNRYShaved, s.SSIM, s.FLIP, s.MPixPerSec)
	}
}

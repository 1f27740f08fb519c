package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal"
	"github.com/trident-lab/trident/temporal/tbench"
)

func newTemporalCmd() *cobra.Command {
	var (
		method, in, out string
		sharpen, flow   bool
		sharpness       float64
		weights         string
	)
	cmd := &cobra.Command{
		Use:   "temporal",
		Short: "Run TAA, the temporal upscaler (TSR), SVGF or frame generation over a sequence",
		Long: `temporal reads the sequence directory --in (the layout "trident render" writes,
see its help) and runs one method over its frames in order, writing
OUT/frame0000.exr, ... (linear float32 EXR, atomically):

  taa   anti-aliasing at render resolution (output at render size)
  tsr   temporal upscaling from render to display resolution
  neural    temporal neural super-sampling: TSR corrected by a small network
            (exactly 2× with the shipped weights; --weights FILE loads others,
            trained with "trident temporal train")
  svgf      denoising of a path-traced sequence (render --path-spp)
  framegen  frame generation: doubles the frame rate, writing input frame i
            as OUT/frame(2i) and the frame synthesised between inputs i and
            i+1 as OUT/frame(2i+1), from color.exr at render size and the
            later frame's motion vectors and depth; with --flow from optical
            flow estimated between the colour images instead (video: then
            only scene.json and each frame's color.exr are read)

When the sequence has references, the mean PSNR and FLIP of the output are
printed (TSR, neural and SVGF, or TAA when render and display sizes agree).
--sharpen applies RCAS (FSR 1's sharpener) with --sharpness stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" || out == "" {
				return fmt.Errorf("--in and --out are required")
			}
			if method != "taa" && method != "tsr" && method != "svgf" && method != "framegen" && method != "neural" {
				return fmt.Errorf("--method %q: want taa, tsr, neural, svgf or framegen", method)
			}
			if weights != "" && method != "neural" {
				return fmt.Errorf("--weights applies to --method neural only")
			}
			if method == "neural" && sharpen {
				return fmt.Errorf("--sharpen does not apply to --method neural")
			}
			if flow && method != "framegen" {
				return fmt.Errorf("--flow applies to --method framegen only")
			}
			if method == "framegen" {
				return runFrameGen(cmd, in, out, flow)
			}
			seq, err := render.Open(in)
			if err != nil {
				return err
			}
			mt := seq.Meta
			if method == "svgf" && mt.PathSPP == 0 {
				return fmt.Errorf("%s: --method svgf needs a path-traced sequence (trident render --path-spp)", in)
			}
			if method != "svgf" && mt.PathSPP > 0 {
				return fmt.Errorf("%s: --method %s needs a rasterised sequence; this one is path-traced", in, method)
			}
			var m temporal.Method
			var d *temporal.SVGF
			switch method {
			case "svgf":
				d, err = temporal.NewSVGF(mt.Render[0], mt.Render[1])
			case "taa":
				o := temporal.DefaultTAAOptions()
				o.Sharpen, o.Sharpness = sharpen, sharpness
				m, err = temporal.NewTAA(mt.Render[0], mt.Render[1], o)
			case "tsr":
				o := temporal.DefaultTSROptions()
				o.Sharpen, o.Sharpness = sharpen, sharpness
				m, err = temporal.NewTSR(mt.Render[0], mt.Render[1], mt.Display[0], mt.Display[1], o)
			case "neural":
				m, err = newNeuralMethod(weights, mt.Render[0], mt.Render[1], mt.Display[0], mt.Display[1])
			}
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			bar := progress.New(cmd.ErrOrStderr(), mt.Frames, method)
			var took time.Duration
			var psnr, flip float64
			scored := 0
			for i := 0; i < mt.Frames; i++ {
				var img, ref *raster.Image
				start := time.Now()
				if d != nil {
					f, err := seq.PathFrame(i)
					if err != nil {
						return fmt.Errorf("%s: %w", in, err)
					}
					start = time.Now()
					if img, err = d.Process(cmd.Context(), f); err != nil {
						return err
					}
					ref = f.Reference
				} else {
					f, err := seq.Frame(i)
					if err != nil {
						return fmt.Errorf("%s: %w", in, err)
					}
					start = time.Now()
					if img, err = m.Process(cmd.Context(), f); err != nil {
						return err
					}
					ref = f.Reference
				}
				took += time.Since(start)
				if err := raster.Save(filepath.Join(out, fmt.Sprintf("frame%04d.exr", i)), img); err != nil {
					return err
				}
				if ref != nil && ref.Width == img.Width && ref.Height == img.Height {
					p, err1 := quality.PSNR(ref, img)
					fl, err2 := quality.FLIP(ref, img)
					if err1 == nil && err2 == nil {
						psnr, flip, scored = psnr+p, flip+fl, scored+1
					}
				}
				bar.Add(1, "")
			}
			bar.Finish()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: %d frames -> %s, %.1f ms per frame\n", method, mt.Frames, out, float64(took.Microseconds())/1000/float64(mt.Frames))
			if scored > 0 {
				fmt.Fprintf(w, "against the reference: PSNR %.2f dB, FLIP %.4f (mean of %d frames, warm-up included)\n", psnr/float64(scored), flip/float64(scored), scored)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&method, "method", "tsr", "taa, tsr, neural, svgf or framegen")
	cmd.Flags().StringVar(&weights, "weights", "", "neural: safetensors weights (default: the shipped network)")
	cmd.Flags().BoolVar(&flow, "flow", false, "framegen: estimate motion by optical flow instead of reading motion vectors")
	cmd.Flags().StringVar(&in, "in", "", "sequence directory")
	cmd.Flags().StringVar(&out, "out", "", "output directory")
	cmd.Flags().BoolVar(&sharpen, "sharpen", false, "apply RCAS to the output")
	cmd.Flags().Float64Var(&sharpness, "sharpness", 0.2, "RCAS sharpness in stops (0 = strongest)")
	cmd.AddCommand(newTemporalTrainCmd())
	return cmd
}

// runFrameGen doubles the frame rate of the sequence in dir in, from its
// motion vectors or, with flow, from optical flow between the colour images
// (then only scene.json and color.exr are needed, as for video).
func runFrameGen(cmd *cobra.Command, in, out string, flow bool) error {
	var (
		meta render.Meta
		load func(i int) (*render.Frame, error)
	)
	if flow {
		data, err := os.ReadFile(filepath.Join(in, render.MetaFile))
		if err != nil {
			return fmt.Errorf("sequence %s: %w", in, err)
		}
		if meta, err = render.ParseMeta(data); err != nil {
			return fmt.Errorf("sequence %s: %w", in, err)
		}
		w, h := meta.Render[0], meta.Render[1]
		load = func(i int) (*render.Frame, error) {
			p := filepath.Join(render.FrameDir(in, i), render.ColorFile)
			m, err := raster.Load(p, w*h)
			if err != nil {
				return nil, fmt.Errorf("frame %d: %w", i, err)
			}
			if m.Width != w || m.Height != h || m.ColourChannels() != 3 {
				return nil, fmt.Errorf("frame %d: %s is %dx%d with %d colour channels, want %dx%d RGB", i, p, m.Width, m.Height, m.ColourChannels(), w, h)
			}
			m.Planes = m.Planes[:3]
			return &render.Frame{Index: i, Color: m}, nil
		}
	} else {
		seq, err := render.Open(in)
		if err != nil {
			return err
		}
		if seq.Meta.PathSPP > 0 {
			return fmt.Errorf("%s: --method framegen needs a rasterised sequence; this one is path-traced", in)
		}
		meta = seq.Meta
		load = func(i int) (*render.Frame, error) {
			f, err := seq.Frame(i)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", in, err)
			}
			return f, nil
		}
	}
	if meta.Frames < 2 {
		return fmt.Errorf("%s: frame generation needs at least 2 frames, the sequence has %d", in, meta.Frames)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	save := func(k int, m *raster.Image) error {
		return raster.Save(filepath.Join(out, fmt.Sprintf("frame%04d.exr", k)), m)
	}
	name := "framegen"
	if flow {
		name = "framegen --flow"
	}
	bar := progress.New(cmd.ErrOrStderr(), meta.Frames-1, name)
	prev, err := load(0)
	if err != nil {
		return err
	}
	if err := save(0, prev.Color); err != nil {
		return err
	}
	var took time.Duration
	for i := 1; i < meta.Frames; i++ {
		cur, err := load(i)
		if err != nil {
			return err
		}
		start := time.Now()
		var mid *raster.Image
		if flow {
			mid, err = temporal.InterpolateFlow(cmd.Context(), prev.Color, cur.Color)
		} else {
			mid, err = temporal.Interpolate(cmd.Context(), prev, cur)
		}
		if err != nil {
			return fmt.Errorf("%s: frames %d and %d: %w", in, i-1, i, err)
		}
		took += time.Since(start)
		if err := save(2*i-1, mid); err != nil {
			return err
		}
		if err := save(2*i, cur.Color); err != nil {
			return err
		}
		prev = cur
		bar.Add(1, "")
	}
	bar.Finish()
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %d frames -> %d in %s, %.1f ms per generated frame\n", name, meta.Frames, 2*meta.Frames-1, out, float64(took.Microseconds())/1000/float64(meta.Frames-1))
	return nil
}

func newTemporalBenchCmd() *cobra.Command {
	var (
		scenes, renderSize, displaySize, crops string
		frames, warm, spp                      int
		genPairs, denoiseFrames                int
	)
	cmd := &cobra.Command{
		Use:   "temporal-bench",
		Short: "Score raw frames, bicubic, FSR 1, TAA+FSR 1, TSR and neural on every built-in scene",
		Long: `temporal-bench renders each scene (--frames frames, the first --warm not
scored) and runs every method on the same frames: raw (the jittered frame,
nearest-neighbour enlarged), bicubic, fsr1 (EASU + RCAS), taa+fsr1 (TAA at
render resolution, then FSR 1), tsr (the temporal upscaler) and, when the
display is 2× the render size (the ratio with a shipped network), neural
(temporal neural super-sampling, TSR corrected by a network). It prints the
mean PSNR, SSIM and FLIP against the --spp-sample reference, a flicker figure
(mean absolute frame-to-frame change of the output over the reference's; 1 is
as steady as the reference) and each method's wall and CPU milliseconds per
frame (CPU: all threads; the methods run one at a time), and writes a
side-by-side centre crop of the last frame per scene to --crops (reference,
then the methods in table order).

Frame generation: --gen-pairs pairs of anti-aliased frames (the reference
rendering) 2 and 4 frames apart at display size; the middle frame is
synthesised from the later frame's motion vectors (forward warp, depth test,
hole filling from the background), from optical flow estimated between the
two colour images (as for video), by blending the two and, when ffmpeg is on
PATH, by its minterpolate filter (mci, aobmc, bidir, vsbmc; it is given the
frames one gap before and after the pair too, as it outputs nothing from two
frames alone), and each is scored against the truly rendered middle frame.
--gen-pairs 0 skips it.

Denoising: --denoise-frames path-traced frames per scene at render size, one
path per pixel, the first half not scored, denoised with SVGF and scored with
the noisy input against a 128-path reference. --denoise-frames 0 skips it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := renderOptions(renderSize, displaySize, spp)
			if err != nil {
				return err
			}
			names := render.Scenes()
			if scenes != "" {
				names = strings.Split(scenes, ",")
				for _, n := range names {
					if _, err := render.NewScene(n); err != nil {
						return err
					}
				}
			}
			bar := progress.New(cmd.ErrOrStderr(), frames*len(names), "temporal-bench")
			rs, err := tbench.Run(cmd.Context(), tbench.Config{Scenes: names, Frames: frames, Warm: warm, Options: o, CropDir: crops}, func() { bar.Add(1, "") })
			if err != nil {
				return err
			}
			bar.Finish()
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "render %dx%d -> display %dx%d, %d frames (%d scored), reference %d spp, GOMAXPROCS-parallel\n",
				o.RenderW, o.RenderH, o.DisplayW, o.DisplayH, frames, frames-warm, spp)
			byKey := map[string]tbench.Result{}
			for _, r := range rs {
				byKey[r.Scene+"/"+r.Method] = r
			}
			for _, n := range names {
				fmt.Fprintf(w, "\n%s\n%-10s %8s %7s %7s %8s %9s %9s\n", n, "method", "PSNR dB", "SSIM", "FLIP", "flicker", "ms/frame", "CPU ms")
				for _, m := range tbench.Methods(o) {
					r := byKey[n+"/"+m]
					fmt.Fprintf(w, "%-10s %8.2f %7.4f %7.4f %8.2f %9.1f %9.1f\n", m, r.PSNR, r.SSIM, r.FLIP, r.Flicker, r.MsPerFrame, r.CPUMsPerFrame)
				}
				t, f := byKey[n+"/tsr"], byKey[n+"/fsr1"]
				verdict := "beats"
				if !(t.PSNR > f.PSNR && t.FLIP < f.FLIP) {
					verdict = "does NOT beat"
				}
				fmt.Fprintf(w, "tsr %s fsr1 (PSNR %+.2f dB, FLIP %+.4f, flicker %.2f vs %.2f)\n", verdict, t.PSNR-f.PSNR, t.FLIP-f.FLIP, t.Flicker, f.Flicker)
				if nr, ok := byKey[n+"/neural"]; ok {
					verdict = "beats"
					if !(nr.PSNR > t.PSNR && nr.FLIP < t.FLIP) {
						verdict = "does NOT beat"
					}
					fmt.Fprintf(w, "neural %s tsr (PSNR %+.2f dB, FLIP %+.4f, flicker %.2f vs %.2f)\n", verdict, nr.PSNR-t.PSNR, nr.FLIP-t.FLIP, nr.Flicker, t.Flicker)
				}
			}
			if genPairs > 0 {
				ff := tbench.FFmpeg()
				fmt.Fprintf(w, "\nframe generation at %dx%d, %d pairs, %d-spp frames; PSNR dB / FLIP of the middle frame\n", o.DisplayW, o.DisplayH, genPairs, spp)
				fmt.Fprintf(w, "(framegen: motion vectors and depth; flow: optical flow from the colour alone; minterp: ffmpeg minterpolate)\n")
				fmt.Fprintf(w, "%-8s %4s %7s %7s %8s %7s %7s %7s %7s %7s %8s %8s\n", "scene", "gap", "blend", "FLIP", "framegen", "FLIP", "flow", "FLIP", "minterp", "FLIP", "ms(mv)", "ms(flow)")
				for _, gap := range []int{2, 4} {
					gs, err := tbench.FrameGen(cmd.Context(), names, o.DisplayW, o.DisplayH, spp, gap, genPairs, ff)
					if err != nil {
						return err
					}
					for _, g := range gs {
						mi, mf := "-", "-"
						if g.Minterp {
							mi, mf = fmt.Sprintf("%.2f", g.MinterpPSNR), fmt.Sprintf("%.4f", g.MinterpFLIP)
						}
						fmt.Fprintf(w, "%-8s %4d %7.2f %7.4f %8.2f %7.4f %7.2f %7.4f %7s %7s %8.1f %8.1f\n", g.Scene, g.Gap, g.BlendPSNR, g.BlendFLIP,
							g.GenPSNR, g.GenFLIP, g.FlowPSNR, g.FlowFLIP, mi, mf, g.GenMsPerFrame, g.FlowMsPerFrame)
					}
				}
				if ff == "" {
					fmt.Fprintln(w, "ffmpeg not found on PATH: minterpolate not compared (Debian: apt-get install ffmpeg)")
				}
			}
			if denoiseFrames > 0 {
				ds, err := tbench.Denoise(cmd.Context(), names, o.RenderW, o.RenderH, 1, 128, denoiseFrames, denoiseFrames/2)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "\ndenoising at %dx%d, 1 path per pixel, %d frames (%d scored), 128-path reference\n", o.RenderW, o.RenderH, denoiseFrames, denoiseFrames-denoiseFrames/2)
				fmt.Fprintf(w, "%-8s %8s %8s %8s %8s %9s\n", "scene", "noisy", "FLIP", "svgf", "FLIP", "ms/frame")
				for _, d := range ds {
					fmt.Fprintf(w, "%-8s %8.2f %8.4f %8.2f %8.4f %9.1f\n", d.Scene, d.NoisyPSNR, d.NoisyFLIP, d.SVGFPSNR, d.SVGFFLIP, d.SVGFMsPerFrame)
				}
			}
			if crops != "" {
				fmt.Fprintf(w, "\ncrops: %s/<scene>.png (reference, %s)\n", crops, strings.Join(tbench.Methods(o), ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&scenes, "scenes", "", "comma-separated scenes (default: all)")
	cmd.Flags().IntVar(&frames, "frames", 24, "frames per scene")
	cmd.Flags().IntVar(&warm, "warm", 12, "leading frames not scored")
	cmd.Flags().StringVar(&renderSize, "render", "320x180", "render resolution")
	cmd.Flags().StringVar(&displaySize, "display", "640x360", "display resolution")
	cmd.Flags().IntVar(&spp, "spp", 16, "reference samples per pixel")
	cmd.Flags().IntVar(&genPairs, "gen-pairs", 3, "frame-generation pairs per scene and gap (0: skip)")
	cmd.Flags().IntVar(&denoiseFrames, "denoise-frames", 8, "path-traced frames per scene for the SVGF comparison (0: skip)")
	cmd.Flags().StringVar(&crops, "crops", "temporal-bench-crops", "directory for side-by-side crops (empty: none)")
	return cmd
}

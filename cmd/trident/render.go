package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/render"
)

// parseDims reads "WIDTHxHEIGHT" for the flag named flag.
func parseDims(flag, v string) (int, int, error) {
	a, b, ok := strings.Cut(strings.ToLower(v), "x")
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || w < 1 || h < 1 || w > render.MaxDim || h > render.MaxDim {
		return 0, 0, fmt.Errorf("--%s %q: want WIDTHxHEIGHT, each 1..%d", flag, v, render.MaxDim)
	}
	return w, h, nil
}

func renderOptions(renderSize, displaySize string, spp int) (render.Options, error) {
	var o render.Options
	var err error
	if o.RenderW, o.RenderH, err = parseDims("render", renderSize); err != nil {
		return o, err
	}
	if o.DisplayW, o.DisplayH, err = parseDims("display", displaySize); err != nil {
		return o, err
	}
	o.ReferenceSPP = spp
	return o, o.Check()
}

func newRenderCmd() *cobra.Command {
	var (
		scene, renderSize, displaySize, out string
		frames, spp, pathSPP                int
	)
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Render a built-in animated scene with jitter, depth, motion vectors and a supersampled reference",
		Long: `render draws --frames frames of a built-in scene (` + strings.Join(render.Scenes(), ", ") + `)
into --out, in the sequence layout that "trident temporal" and your own engine
captures share:

  OUT/scene.json              sizes, fps, per-frame jitter (render pixels)
  OUT/frame0000/color.exr     RGB, render size, linear, Halton(2,3) jitter
  OUT/frame0000/depth.exr     Y, linear view depth (1e4 = sky)
  OUT/frame0000/motion.exr    R,G = current minus previous position, render px
  OUT/frame0000/reactive.exr  Y, translucency (particles) in [0,1]
  OUT/frame0000/reference.exr RGB, display size, --spp samples per pixel

Files are uncompressed float32 OpenEXR, written atomically. --spp 0 skips the
reference (it dominates the time at display resolution).

--path-spp N switches to the path-traced mode, for denoisers: at --render
size (--display is ignored), color.exr holds N noisy paths per pixel (soft sun
shadows, one diffuse bounce), plus albedo.exr, normal.exr, depth.exr,
motion.exr, and reference.exr with --spp paths (use a few hundred for a
converged image).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sc, err := render.NewScene(scene)
			if err != nil {
				return err
			}
			if pathSPP < 0 || pathSPP > 65536 {
				return fmt.Errorf("--path-spp %d outside 0..65536", pathSPP)
			}
			if pathSPP > 0 {
				displaySize = renderSize
			}
			o, err := renderOptions(renderSize, displaySize, spp)
			if err != nil {
				return err
			}
			if frames < 1 || frames > render.MaxFrames {
				return fmt.Errorf("--frames %d outside 1..%d", frames, render.MaxFrames)
			}
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			meta := render.NewMeta(scene, frames, o)
			meta.PathSPP = pathSPP
			if pathSPP > 0 {
				meta.Jitter = make([][2]float64, frames) // path tracing samples pixel centres
			}
			if err := render.WriteMeta(out, meta); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if pathSPP > 0 {
				bar := progress.New(cmd.ErrOrStderr(), frames, "path trace "+scene)
				start := time.Now()
				for i := 0; i < frames; i++ {
					f, err := sc.PathTrace(cmd.Context(), i, o.RenderW, o.RenderH, pathSPP, spp)
					if err != nil {
						return err
					}
					if err := render.WritePathFrame(out, f); err != nil {
						return err
					}
					bar.Add(1, "")
				}
				bar.Finish()
				fmt.Fprintf(w, "%s: %d path-traced frames (%d paths/pixel, reference %d) at %dx%d in %s, %.0f ms per frame\n",
					scene, frames, pathSPP, spp, o.RenderW, o.RenderH, out, float64(time.Since(start).Milliseconds())/float64(frames))
				return nil
			}
			bar := progress.New(cmd.ErrOrStderr(), frames, "render "+scene)
			var gbuf, ref time.Duration
			for i := 0; i < frames; i++ {
				start := time.Now()
				g := o
				g.ReferenceSPP = 0
				f, err := sc.Render(cmd.Context(), i, g)
				if err != nil {
					return err
				}
				gbuf += time.Since(start)
				if spp > 0 {
					start = time.Now()
					if f.Reference, err = sc.Reference(cmd.Context(), i, o.DisplayW, o.DisplayH, spp); err != nil {
						return err
					}
					ref += time.Since(start)
				}
				if err := render.WriteFrame(out, f); err != nil {
					return err
				}
				bar.Add(1, "")
			}
			bar.Finish()
			fmt.Fprintf(w, "%s: %d frames in %s; per frame: %.0f ms for colour+depth+motion+reactive at %dx%d", scene, frames, out,
				float64(gbuf.Milliseconds())/float64(frames), o.RenderW, o.RenderH)
			if spp > 0 {
				fmt.Fprintf(w, ", %.0f ms for the %d-spp reference at %dx%d", float64(ref.Milliseconds())/float64(frames), spp, o.DisplayW, o.DisplayH)
			}
			fmt.Fprintln(w)
			return nil
		},
	}
	cmd.Flags().StringVar(&scene, "scene", "fence", "built-in scene: "+strings.Join(render.Scenes(), ", "))
	cmd.Flags().IntVar(&frames, "frames", 16, "number of frames")
	cmd.Flags().StringVar(&renderSize, "render", "960x540", "render resolution WIDTHxHEIGHT")
	cmd.Flags().StringVar(&displaySize, "display", "1920x1080", "display (reference) resolution WIDTHxHEIGHT")
	cmd.Flags().IntVar(&spp, "spp", 16, "reference samples per pixel (0: no reference)")
	cmd.Flags().IntVar(&pathSPP, "path-spp", 0, "path-traced mode with this many noisy paths per pixel (0: rasterised frames)")
	cmd.Flags().StringVar(&out, "out", "", "output directory")
	return cmd
}

// Package tbench measures temporal reconstruction on rendered clips: every
// built-in scene through the raw jittered frames (nearest-neighbour
// enlarged), bicubic, FSR 1, TAA followed by FSR 1, the temporal upscaler
// TSR and, where a network is shipped for the ratio, temporal neural
// super-sampling, scored against the supersampled reference; frame
// generation (from motion vectors, from optical flow, blending and, when
// installed, ffmpeg's minterpolate) against the rendered middle frame; and
// SVGF denoising. It backs "trident temporal-bench".
package tbench

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/trident-lab/trident/internal/cputime"
	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal"
	"github.com/trident-lab/trident/upscale"
)

// Config is one benchmark run.
type Config struct {
	Scenes  []string
	Frames  int // rendered per scene
	Warm    int // leading frames not scored (history warm-up)
	Options render.Options
	// CropDir, if set, receives one side-by-side PNG per scene: the last
	// frame's centre crop from the reference and every method.
	CropDir string
}

// Methods lists the contestants for render/display sizes o in table order:
// "neural" only when the display is an integer multiple of the render size
// with a shipped network for that ratio.
func Methods(o render.Options) []string {
	m := []string{"raw", "bicubic", "fsr1", "taa+fsr1", "tsr"}
	if r := o.DisplayW / o.RenderW; r*o.RenderW == o.DisplayW && r*o.RenderH == o.DisplayH &&
		slices.Contains(temporal.ShippedNeuralScales(), r) {
		m = append(m, "neural")
	}
	return m
}

// Result is one method's means over the scored frames of one scene.
type Result struct {
	Scene, Method    string
	PSNR, SSIM, FLIP float64
	// Flicker is the mean absolute frame-to-frame change of the output's
	// sRGB values over the reference's: 1 is as steady as the reference,
	// above 1 flickers more.
	Flicker float64
	// MsPerFrame is the method's own wall time per frame (not the
	// renderer's); CPUMsPerFrame its CPU time (all threads; the methods run
	// one at a time), steadier than wall time on a shared machine.
	MsPerFrame, CPUMsPerFrame float64
}

// Run renders each scene and scores every method; step is called after
// each rendered frame (progress).
func Run(ctx context.Context, c Config, step func()) ([]Result, error) {
	o := c.Options
	if o.ReferenceSPP < 1 {
		return nil, fmt.Errorf("temporal-bench: the reference needs at least one sample per pixel")
	}
	if c.Frames < 2 || c.Warm < 0 || c.Warm >= c.Frames-1 {
		return nil, fmt.Errorf("temporal-bench: need frames ≥ 2 and 0 ≤ warm-up < frames-1 (got %d, %d)", c.Frames, c.Warm)
	}
	if err := o.Check(); err != nil {
		return nil, err
	}
	var out []Result
	for _, name := range c.Scenes {
		rs, err := runScene(ctx, c, name, step)
		if err != nil {
			return nil, fmt.Errorf("scene %s: %w", name, err)
		}
		out = append(out, rs...)
	}
	return out, nil
}

// spatial wraps a single-frame upscaler as a per-frame method.
type spatial struct {
	name string
	u    upscale.Upscaler
	pre  temporal.Method // optional: TAA before upscaling
	w, h int
}

func (s *spatial) process(ctx context.Context, f *render.Frame) (*raster.Image, error) {
	src := f.Color
	if s.pre != nil {
		var err error
		if src, err = s.pre.Process(ctx, f); err != nil {
			return nil, err
		}
	}
	if s.u.Name() == "nearest" {
		return upscale.Resize(ctx, s.u, src, s.w, s.h)
	}
	return upscale.ResizePerceptual(ctx, s.u, src, s.w, s.h)
}

func runScene(ctx context.Context, c Config, name string, step func()) ([]Result, error) {
	o := c.Options
	methods := Methods(o)
	sc, err := render.NewScene(name)
	if err != nil {
		return nil, err
	}
	procs := make([]func(context.Context, *render.Frame) (*raster.Image, error), len(methods))
	for i, m := range methods {
		switch m {
		case "tsr":
			t, err := temporal.NewTSR(o.RenderW, o.RenderH, o.DisplayW, o.DisplayH, temporal.DefaultTSROptions())
			if err != nil {
				return nil, err
			}
			procs[i] = t.Process
		case "neural":
			net, err := temporal.PretrainedNeuralNet(o.DisplayW / o.RenderW)
			if err != nil {
				return nil, err
			}
			t, err := temporal.NewNeural(net, o.RenderW, o.RenderH, o.DisplayW, o.DisplayH)
			if err != nil {
				return nil, err
			}
			procs[i] = t.Process
		default:
			un := map[string]string{"raw": "nearest", "bicubic": "bicubic", "fsr1": "fsr1", "taa+fsr1": "fsr1"}[m]
			u, err := upscale.New(un, upscale.DefaultOptions())
			if err != nil {
				return nil, err
			}
			if o.DisplayW > int(u.MaxScale()*float64(o.RenderW)) {
				return nil, fmt.Errorf("%s supports at most %gx", un, u.MaxScale())
			}
			s := &spatial{name: m, u: u, w: o.DisplayW, h: o.DisplayH}
			if m == "taa+fsr1" {
				if s.pre, err = temporal.NewTAA(o.RenderW, o.RenderH, temporal.DefaultTAAOptions()); err != nil {
					return nil, err
				}
			}
			procs[i] = s.process
		}
	}
	res := make([]Result, len(methods))
	prev := make([]*raster.Image, len(methods))
	var prevRef *raster.Image
	var refDiff float64
	diffs := make([]float64, len(methods))
	last := make([]*raster.Image, len(methods))
	var lastRef *raster.Image
	scored := 0
	for fi := 0; fi < c.Frames; fi++ {
		f, err := sc.Render(ctx, fi, o)
		if err != nil {
			return nil, err
		}
		if step != nil {
			step()
		}
		score := fi >= c.Warm
		if score {
			scored++
		}
		for mi := range methods {
			start, cpu0 := time.Now(), cputime.Process()
			img, err := procs[mi](ctx, f)
			if err != nil {
				return nil, fmt.Errorf("%s, frame %d: %w", methods[mi], fi, err)
			}
			el, cpu := time.Since(start), cputime.Process()-cpu0
			if !score {
				prev[mi] = img
				continue
			}
			res[mi].MsPerFrame += float64(el.Microseconds()) / 1000
			res[mi].CPUMsPerFrame += float64(cpu.Microseconds()) / 1000
			s, err := quality.All(f.Reference, img)
			if err != nil {
				return nil, err
			}
			res[mi].PSNR += s.PSNR
			res[mi].SSIM += s.SSIM
			res[mi].FLIP += s.FLIP
			if prev[mi] != nil && fi > c.Warm {
				diffs[mi] += meanAbsDiff(prev[mi], img)
			}
			prev[mi], last[mi] = img, img
		}
		if score && prevRef != nil && fi > c.Warm {
			refDiff += meanAbsDiff(prevRef, f.Reference)
		}
		prevRef, lastRef = f.Reference, f.Reference
	}
	for mi, m := range methods {
		k := float64(scored)
		res[mi].Scene, res[mi].Method = name, m
		res[mi].PSNR /= k
		res[mi].SSIM /= k
		res[mi].FLIP /= k
		res[mi].MsPerFrame /= k
		res[mi].CPUMsPerFrame /= k
		res[mi].Flicker = diffs[mi] / math.Max(refDiff, 1e-9)
	}
	if c.CropDir != "" {
		if err := writeCrops(filepath.Join(c.CropDir, name+".png"), lastRef, last); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// meanAbsDiff is the mean absolute difference of two images' sRGB values.
func meanAbsDiff(a, b *raster.Image) float64 {
	var s float64
	for c := 0; c < 3; c++ {
		pa, pb := a.Planes[c], b.Planes[c]
		for i := range pa {
			s += math.Abs(float64(raster.LinearToSRGB(min(max(pa[i], 0), 1)) - raster.LinearToSRGB(min(max(pb[i], 0), 1))))
		}
	}
	return s / float64(3*len(a.Planes[0]))
}

// writeCrops saves the centre crops of ref and each method's image side by
// side, separated by 4-pixel black gaps, in Methods order after the
// reference.
func writeCrops(path string, ref *raster.Image, imgs []*raster.Image) error {
	cw, ch := min(ref.Width, max(ref.Width/3, 64)), min(ref.Height, max(ref.Height/3, 64))
	r := image.Rect((ref.Width-cw)/2, (ref.Height-ch)/2, (ref.Width+cw)/2, (ref.Height+ch)/2)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	all := append([]*raster.Image{ref}, imgs...)
	const gap = 4
	sheet := raster.New(len(all)*(r.Dx()+gap)-gap, r.Dy(), 3)
	for k, m := range all {
		crop, err := m.Crop(r)
		if err != nil {
			return err
		}
		for c := 0; c < 3; c++ {
			for y := 0; y < crop.Height; y++ {
				copy(sheet.Planes[c][y*sheet.Width+k*(r.Dx()+gap):], crop.Planes[c][y*crop.Width:(y+1)*crop.Width])
			}
		}
	}
	sheet.Clamp(0, 1)
	return raster.Save(path, sheet)
}

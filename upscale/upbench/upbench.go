// Package upbench compares upscalers on quality and speed: Trident's own
// methods side by side with golang.org/x/image/draw (CatmullRom,
// ApproxBiLinear), github.com/disintegration/imaging (Lanczos) and, when the
// vips command is installed, libvips' resize (Lanczos-3).
//
// Quality ([Quality]): each photo (linear light) is cropped to a multiple of
// the scale, reduced by the scale — with the exact area (box) filter in
// linear light ([DegradeArea], the default), or as MATLAB's imresize bicubic
// reduces the 8-bit sRGB codes ([DegradeBicubic], the SR literature's
// protocol) — stored as 8-bit sRGB, upscaled back by every contestant on the
// sRGB codes, stored as 8-bit sRGB again, and compared with the original by
// PSNR, SSIM and ꟻLIP (package quality) and by the SR literature's PSNR-Y
// ([PSNRYShaved]). Every contestant sees the same 8-bit input and is judged
// on 8-bit output, as when files are exchanged.
//
// Speed ([Speed]): the best of a few timed runs of each contestant's resize
// alone, excluding format conversions; for vips, the wall time of the
// `vips resize` process on its native .v files, which includes process start
// and file I/O.
package upbench

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/disintegration/imaging"
	"golang.org/x/image/draw"

	"github.com/trident-lab/trident/internal/cputime"
	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/upscale"
)

// Contestant is one resizer. Prepare receives an sRGB-encoded image (values
// in [0,1], 8-bit exact) and a target size; it returns run, which performs
// the resize (timed, callable repeatedly), and result, which returns the
// last output as sRGB-encoded planes quantised to 8 bits.
type Contestant struct {
	Name    string
	Prepare func(src *raster.Image, w, h int) (run func(ctx context.Context) error, result func() (*raster.Image, error), err error)
	// child, when set, reports the CPU time of the last run's child process
	// (vips), which the process's own accounting does not include.
	child func() time.Duration
}

// Trident wraps an upscale.Upscaler.
func Trident(u upscale.Upscaler) Contestant {
	return Contestant{Name: u.Name(), Prepare: func(src *raster.Image, w, h int) (func(context.Context) error, func() (*raster.Image, error), error) {
		dst := raster.New(w, h, src.Channels())
		run := func(ctx context.Context) error { return u.Upscale(ctx, dst, src) }
		return run, func() (*raster.Image, error) { return quantise(dst), nil }, nil
	}}
}

// XDraw wraps a golang.org/x/image/draw scaler.
func XDraw(name string, s draw.Scaler) Contestant {
	return Contestant{Name: name, Prepare: func(src *raster.Image, w, h int) (func(context.Context) error, func() (*raster.Image, error), error) {
		in := toNRGBA(src)
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		run := func(context.Context) error {
			s.Scale(out, out.Bounds(), in, in.Bounds(), draw.Src, nil)
			return nil
		}
		return run, func() (*raster.Image, error) { return fromNRGBA(out), nil }, nil
	}}
}

// Imaging wraps imaging.Resize with the given filter.
func Imaging(name string, f imaging.ResampleFilter) Contestant {
	return Contestant{Name: name, Prepare: func(src *raster.Image, w, h int) (func(context.Context) error, func() (*raster.Image, error), error) {
		in := toNRGBA(src)
		var out *image.NRGBA
		run := func(context.Context) error {
			out = imaging.Resize(in, w, h, f)
			return nil
		}
		return run, func() (*raster.Image, error) { return fromNRGBA(out), nil }, nil
	}}
}

// VipsAvailable reports whether the vips command is on PATH.
func VipsAvailable() bool {
	_, err := exec.LookPath("vips")
	return err == nil
}

// Vips runs `vips resize IN OUT SCALE --vscale VSCALE --kernel lanczos3` on
// .v files in tmpDir, which the caller owns. vips picks the output size from
// the scales; a size other than w×h is an error.
func Vips(tmpDir string) Contestant {
	var last time.Duration
	return Contestant{Name: "vips-lanczos3", child: func() time.Duration { return last }, Prepare: func(src *raster.Image, w, h int) (func(context.Context) error, func() (*raster.Image, error), error) {
		png := filepath.Join(tmpDir, "in.png")
		in, out := filepath.Join(tmpDir, "in.v"), filepath.Join(tmpDir, "out.v")
		if err := raster.Save(png, src.ToLinear()); err != nil {
			return nil, nil, err
		}
		if b, err := exec.Command("vips", "copy", png, in).CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("vips copy: %v: %s", err, b)
		}
		scale := fmt.Sprintf("%.17g", float64(w)/float64(src.Width))
		vscale := fmt.Sprintf("%.17g", float64(h)/float64(src.Height))
		run := func(ctx context.Context) error {
			cmd := exec.CommandContext(ctx, "vips", "resize", in, out, scale, "--vscale", vscale, "--kernel", "lanczos3")
			b, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("vips resize: %v: %s", err, b)
			}
			last = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			return nil
		}
		result := func() (*raster.Image, error) {
			outPNG := filepath.Join(tmpDir, "out.png")
			if b, err := exec.Command("vips", "copy", out, outPNG).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("vips copy: %v: %s", err, b)
			}
			m, err := raster.Load(outPNG, 0)
			if err != nil {
				return nil, err
			}
			if m.Width != w || m.Height != h {
				return nil, fmt.Errorf("vips resized to %dx%d, want %dx%d", m.Width, m.Height, w, h)
			}
			return quantise(m.ToSRGB()), nil
		}
		return run, result, nil
	}}
}

// Contestants returns Trident's methods that support scale followed by the
// ecosystem's resizers; vips joins when installed and tmpDir is not empty.
// fsrSharpness (stops) and nisSharpness (0..1) set fsr1's and nis's
// sharpening; NaN selects their defaults. neuralWeights, if not empty, is a
// weights file of `trident sr train` that neural uses for its scale.
func Contestants(scale float64, tmpDir string, fsrSharpness, nisSharpness float64, neuralWeights string) ([]Contestant, error) {
	var cs []Contestant
	for _, name := range upscale.Methods() {
		o := upscale.DefaultOptions()
		switch name {
		case "fsr1":
			o.Sharpness = fsrSharpness
		case "nis":
			o.Sharpness = nisSharpness
		case "neural":
			o.Weights = neuralWeights
		}
		u, err := upscale.New(name, o)
		if err != nil {
			return nil, err
		}
		if name == "neural" && (!slices.Contains(upscale.NeuralScales(), int(scale)) || float64(int(scale)) != scale) {
			continue // the network exists for a few integer scales only
		}
		if scale <= u.MaxScale() {
			cs = append(cs, Trident(u))
		}
	}
	// NIS's default slider (0.5) sharpens edges hard; its unsharpened
	// scaler is the fairer quality comparison with the other interpolators.
	if scale <= 2 {
		nis0 := Trident(upscale.NewNIS(0))
		nis0.Name = "nis-sharp0"
		cs = append(cs, nis0)
	}
	cs = append(cs,
		XDraw("xdraw-nearest", draw.NearestNeighbor),
		XDraw("xdraw-bilinear", draw.ApproxBiLinear),
		XDraw("xdraw-catmullrom", draw.CatmullRom),
		Imaging("imaging-lanczos", imaging.Lanczos),
	)
	if tmpDir != "" && VipsAvailable() {
		cs = append(cs, Vips(tmpDir))
	}
	return cs, nil
}

// Score is one contestant's mean result over the photos.
type Score struct {
	Name             string
	PSNR, SSIM, FLIP float64
	PSNRY            float64 // PSNR of full-range BT.601 luma Y', whole image
	// PSNRYShaved is the SR literature's PSNR-Y: limited-range Y (MATLAB's
	// rgb2ycbcr) with Shave(scale) border pixels left out.
	PSNRYShaved float64
	MPixPerSec  float64 // output megapixels per second of resize time
	Images      int
}

// Photo is a named linear-light image.
type Photo struct {
	Name  string
	Image *raster.Image
}

// Degradations: how a photo is reduced to a benchmark's low-resolution input.
const (
	// DegradeArea reduces with the exact area (box) filter in linear light
	// and stores 8-bit sRGB: Trident's own protocol, the default.
	DegradeArea = "area"
	// DegradeBicubic reduces the 8-bit sRGB codes as MATLAB's
	// imresize(HR, 1/s, 'bicubic') does (upscale.BicubicDownscale): the
	// protocol of the super-resolution literature (Set5, Set14, DIV2K).
	DegradeBicubic = "bicubic"
)

// Degradations lists the degradation names, the default first.
func Degradations() []string { return []string{DegradeArea, DegradeBicubic} }

// CheckDegradation returns an error naming the choices unless d is one.
func CheckDegradation(d string) error {
	if !slices.Contains(Degradations(), d) {
		return fmt.Errorf("unknown degradation %q (have %s, %s)", d, DegradeArea, DegradeBicubic)
	}
	return nil
}

// LowRes crops ref (linear light) to the largest size whose 1/scale is
// whole, reduces it by scale as degrade says and returns the crop (linear
// light) and the reduced image as 8-bit sRGB codes.
func LowRes(ctx context.Context, ref *raster.Image, scale float64, degrade string) (crop, low *raster.Image, err error) {
	if err := CheckDegradation(degrade); err != nil {
		return nil, nil, err
	}
	lw, lh := int(float64(ref.Width)/scale), int(float64(ref.Height)/scale)
	if lw < 4 || lh < 4 {
		return nil, nil, fmt.Errorf("%dx%d is too small to reduce by %g", ref.Width, ref.Height, scale)
	}
	cw, ch := int(math.Round(float64(lw)*scale)), int(math.Round(float64(lh)*scale))
	crop, err = ref.Crop(image.Rect(0, 0, min(cw, ref.Width), min(ch, ref.Height)))
	if err != nil {
		return nil, nil, err
	}
	if degrade == DegradeBicubic {
		low, err = upscale.BicubicDownscale(ctx, quantise(crop.ToSRGB()), lw, lh)
		if err != nil {
			return nil, nil, err
		}
		return crop, low, nil
	}
	small, err := upscale.AreaDownscale(ctx, crop, lw, lh)
	if err != nil {
		return nil, nil, err
	}
	return crop, quantise(small.ToSRGB()), nil
}

// Shave is the border, in pixels, that the SR literature leaves out of its
// PSNR at a scale: the scale, rounded up.
func Shave(scale float64) int { return int(math.Ceil(scale)) }

// LumaPSNRShaved is the SR literature's PSNR-Y (MATLAB's rgb2ycbcr): the
// PSNR in dB, peak 255, of limited-range BT.601 luma Y = 16 + 219·Y' (in
// 8-bit units, not rounded), where ref and test are w×h planes of
// full-range luma Y' in [0,1], leaving out shave pixels at every border.
func LumaPSNRShaved(ref, test []float32, w, h, shave int) (float64, error) {
	if len(ref) != w*h || len(test) != w*h {
		return 0, fmt.Errorf("luma PSNR: planes of %d and %d values for %dx%d", len(ref), len(test), w, h)
	}
	if w <= 2*shave || h <= 2*shave {
		return 0, fmt.Errorf("luma PSNR: %dx%d has nothing left inside a %d-pixel border", w, h, shave)
	}
	var sum float64
	for y := shave; y < h-shave; y++ {
		for x := shave; x < w-shave; x++ {
			d := 219 * (float64(ref[y*w+x]) - float64(test[y*w+x]))
			sum += d * d
		}
	}
	mse := sum / float64((w-2*shave)*(h-2*shave))
	if mse == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(255*255/mse), nil
}

// PSNRYShaved is LumaPSNRShaved of two sRGB-encoded images of one size.
func PSNRYShaved(ref, test *raster.Image, shave int) (float64, error) {
	if ref.Width != test.Width || ref.Height != test.Height {
		return 0, fmt.Errorf("luma PSNR: %dx%d vs %dx%d", ref.Width, ref.Height, test.Width, test.Height)
	}
	return LumaPSNRShaved(luma(ref), luma(test), ref.Width, ref.Height, shave)
}

// luma is full-range BT.601 Y' of an sRGB-encoded image (grey passes through).
func luma(m *raster.Image) []float32 {
	if m.ColourChannels() == 1 {
		return m.Planes[0]
	}
	r, g, b := m.Planes[0], m.Planes[1], m.Planes[2]
	y := make([]float32, len(r))
	for i := range y {
		y[i] = float32(0.299*float64(r[i]) + 0.587*float64(g[i]) + 0.114*float64(b[i]))
	}
	return y
}

// Quality degrades every photo as degrade says (DegradeArea or
// DegradeBicubic) and runs every contestant on it; step is called after
// each (photo, contestant) pair.
func Quality(ctx context.Context, photos []Photo, scale float64, degrade string, cs []Contestant, step func()) ([]Score, error) {
	scores := make([]Score, len(cs))
	outPix := make([]float64, len(cs))
	secs := make([]float64, len(cs))
	for i, c := range cs {
		scores[i].Name = c.Name
	}
	for _, p := range photos {
		ref, low, err := LowRes(ctx, p.Image, scale, degrade)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		refSRGB := ref.ToSRGB()
		for i, c := range cs {
			run, result, err := c.Prepare(low, ref.Width, ref.Height)
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", c.Name, p.Name, err)
			}
			start := time.Now()
			if err := run(ctx); err != nil {
				return nil, fmt.Errorf("%s on %s: %w", c.Name, p.Name, err)
			}
			secs[i] += time.Since(start).Seconds()
			outPix[i] += float64(ref.Width * ref.Height)
			out, err := result()
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", c.Name, p.Name, err)
			}
			lin := out.ToLinear()
			s := &scores[i]
			var e error
			var v float64
			if v, e = quality.PSNR(ref, lin); e == nil {
				s.PSNR += v
			}
			if v, e = quality.PSNRY(ref, lin); e == nil {
				s.PSNRY += v
			}
			if v, e = PSNRYShaved(refSRGB, out, Shave(scale)); e != nil {
				return nil, fmt.Errorf("%s on %s: %w", c.Name, p.Name, e)
			}
			s.PSNRYShaved += v
			if v, e = quality.SSIM(ref, lin); e == nil {
				s.SSIM += v
			}
			if v, e = quality.FLIP(ref, lin); e == nil {
				s.FLIP += v
			}
			if e != nil {
				return nil, fmt.Errorf("%s on %s: %w", c.Name, p.Name, e)
			}
			s.Images++
			if step != nil {
				step()
			}
		}
	}
	for i := range scores {
		s := &scores[i]
		if s.Images > 0 {
			n := float64(s.Images)
			s.PSNR, s.PSNRY, s.PSNRYShaved, s.SSIM, s.FLIP = s.PSNR/n, s.PSNRY/n, s.PSNRYShaved/n, s.SSIM/n, s.FLIP/n
		}
		if secs[i] > 0 {
			s.MPixPerSec = outPix[i] / 1e6 / secs[i]
		}
	}
	return scores, nil
}

// Timing is one contestant's best run for one resize: wall-clock seconds and
// the CPU seconds (user + system, all threads) the run consumed. On a shared,
// busy machine the CPU time is the steadier measure; wall time ≈ CPU time /
// cores for a method that parallelises perfectly on an idle machine.
type Timing struct {
	Name       string
	Seconds    float64
	CPUSeconds float64 // NaN where not measured
}

// Speed times each contestant enlarging src to w×h, best of reps runs.
func Speed(ctx context.Context, src *raster.Image, w, h, reps int, cs []Contestant, step func()) ([]Timing, error) {
	var ts []Timing
	for _, c := range cs {
		run, _, err := c.Prepare(src, w, h)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		t := Timing{Name: c.Name, Seconds: math.Inf(1), CPUSeconds: math.Inf(1)}
		for r := 0; r < reps; r++ {
			start, cpu0 := time.Now(), cputime.Process()
			if err := run(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", c.Name, err)
			}
			t.Seconds = math.Min(t.Seconds, time.Since(start).Seconds())
			cpu := cputime.Process() - cpu0
			if c.child != nil {
				cpu = c.child()
			}
			if cpu0 < 0 || cpu < 0 {
				t.CPUSeconds = math.NaN()
			} else if !math.IsNaN(t.CPUSeconds) {
				t.CPUSeconds = math.Min(t.CPUSeconds, cpu.Seconds())
			}
		}
		ts = append(ts, t)
		if step != nil {
			step()
		}
	}
	return ts, nil
}

// TempDir makes a scratch directory for vips; the caller removes it.
func TempDir() (string, error) { return os.MkdirTemp("", "trident-upbench-") }

// quantise rounds every value to the nearest of 256 levels in [0,1].
func quantise(m *raster.Image) *raster.Image {
	out := m.Clone()
	for _, p := range out.Planes {
		for i, v := range p {
			p[i] = float32(math.Round(float64(min(max(v, 0), 1))*255)) / 255
		}
	}
	return out
}

// toNRGBA packs sRGB-encoded planes (grey, grey+alpha, RGB or RGBA) into
// 8-bit NRGBA.
func toNRGBA(m *raster.Image) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, m.Width, m.Height))
	q := func(v float32) uint8 { return uint8(math.Round(float64(min(max(v, 0), 1)) * 255)) }
	nc := m.ColourChannels()
	for i := 0; i < m.Width*m.Height; i++ {
		var c color.NRGBA
		if nc == 3 {
			c.R, c.G, c.B = q(m.Planes[0][i]), q(m.Planes[1][i]), q(m.Planes[2][i])
		} else {
			c.R = q(m.Planes[0][i])
			c.G, c.B = c.R, c.R
		}
		c.A = 255
		if m.HasAlpha() {
			c.A = q(m.Planes[len(m.Planes)-1][i])
		}
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// fromNRGBA unpacks 8-bit NRGBA into sRGB-encoded RGB planes (alpha dropped:
// the photos are opaque).
func fromNRGBA(img *image.NRGBA) *raster.Image {
	b := img.Bounds()
	m := raster.New(b.Dx(), b.Dy(), 3)
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < b.Dx(); x++ {
			i := y*b.Dx() + x
			for c := 0; c < 3; c++ {
				m.Planes[c][i] = float32(row[4*x+c]) / 255
			}
		}
	}
	return m
}

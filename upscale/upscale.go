// Package upscale enlarges images: classic separable filters (nearest,
// bilinear, bicubic Catmull-Rom, Mitchell–Netravali, Lanczos-2, Lanczos-3)
// and the two spatial game upscalers, AMD FidelityFX Super Resolution 1
// (EASU followed by RCAS) and NVIDIA Image Scaling, ported from their
// shaders to run on any CPU, and a learned one, neural ([Neural], package
// sr's pretrained network, integer scales only).
//
// API summary:
//
//   - [Upscaler] fills a destination image from a source image; the
//     destination's size sets the scale, which may differ per axis and need
//     not be an integer. Every method upscales only (destination at least as
//     large as the source on both axes, at most [Upscaler.MaxScale] times
//     larger); none of the separable filters widens its kernel for
//     downscaling. [AreaDownscale] is the box filter for the other way;
//     [BicubicDownscale] is MATLAB's antialiased imresize bicubic on 8-bit
//     codes, the degradation of the super-resolution literature.
//   - [New] builds an upscaler by name ([Methods] lists the names) with
//     [Options] (sharpness, denoise); [Resize] and [ResizePerceptual]
//     allocate the destination; [OutputSize] turns a scale factor into a size.
//   - Rows are processed in parallel on GOMAXPROCS goroutines; every method
//     honours context cancellation between rows.
//
// Colour space: the upscalers filter the numbers they are given. FSR 1 and
// NIS are designed, as AMD and NVIDIA document, for perceptual
// (display-encoded, e.g. sRGB) values in [0,1], and the published quality of
// all resizers (x/image/draw, imaging, libvips) is on 8-bit sRGB codes, so
// [ResizePerceptual] takes a linear-light raster.Image (Trident's
// convention), encodes it to sRGB, upscales and decodes back; the trident
// commands use it for every method.
//
// Edges are clamped (the source's border pixels repeat), as a GPU sampler in
// clamp-to-edge mode does.
package upscale

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/trident-lab/trident/raster"
)

// Upscaler enlarges src into dst. dst must be allocated with the same number
// of planes as src and a size at least src's and at most MaxScale times it on
// each axis.
type Upscaler interface {
	// Name is the method's registry name, e.g. "lanczos3".
	Name() string
	// MaxScale is the largest per-axis enlargement the method supports.
	MaxScale() float64
	// Upscale fills dst from src.
	Upscale(ctx context.Context, dst, src *raster.Image) error
}

// Options tunes the methods that sharpen; the others ignore it. Start from
// [DefaultOptions]: the zero Options asks for sharpness 0, which is the
// strongest setting for fsr1 and none for nis.
type Options struct {
	// Sharpness for fsr1 is RCAS's in stops: 0 is the strongest, each +1
	// halves it (AMD's samples use 0.2). For nis it is NVIDIA's slider in
	// [0,1] (0 = no sharpening, 0.5 the SDK sample's default). NaN selects
	// the method's default.
	Sharpness float64
	// Denoise enables RCAS's noise-limited sharpening (FSR_RCAS_DENOISE).
	Denoise bool
	// Weights, for neural, is a weights file of `trident sr train` that
	// replaces the shipped network of its scale; empty for the shipped ones.
	Weights string
}

// DefaultOptions returns Options with the method defaults.
func DefaultOptions() Options { return Options{Sharpness: math.NaN()} }

// Default sharpness values: AMD's sample default for RCAS, NVIDIA's for NIS.
const (
	DefaultFSRSharpness = 0.2
	DefaultNISSharpness = 0.5
)

// constructors is the name registry; it is built on each call so that no
// package-level state can be mutated.
func constructors() map[string]func(Options) (Upscaler, error) {
	sep := func(k kernel) func(Options) (Upscaler, error) {
		return func(Options) (Upscaler, error) { return &separable{k: k}, nil }
	}
	return map[string]func(Options) (Upscaler, error){
		"nearest":  sep(nearestKernel()),
		"bilinear": sep(bilinearKernel()),
		"bicubic":  sep(catmullRomKernel()),
		"mitchell": sep(mitchellKernel()),
		"lanczos2": sep(lanczosKernel(2)),
		"lanczos3": sep(lanczosKernel(3)),
		"easu":     func(Options) (Upscaler, error) { return &FSR{EASUOnly: true}, nil },
		"neural": func(o Options) (Upscaler, error) {
			if o.Weights != "" {
				return NewNeuralWith(o.Weights)
			}
			return NewNeural()
		},
		"fsr1": func(o Options) (Upscaler, error) {
			s := o.Sharpness
			if math.IsNaN(s) {
				s = DefaultFSRSharpness
			}
			if s < 0 || s > 16 || math.IsInf(s, 0) {
				return nil, fmt.Errorf("upscale: fsr1 sharpness %g stops is outside [0, 16]", s)
			}
			return &FSR{Sharpness: s, Denoise: o.Denoise}, nil
		},
		"nis": func(o Options) (Upscaler, error) {
			s := o.Sharpness
			if math.IsNaN(s) {
				s = DefaultNISSharpness
			}
			if s < 0 || s > 1 {
				return nil, fmt.Errorf("upscale: nis sharpness %g is outside [0, 1]", s)
			}
			return NewNIS(s), nil
		},
	}
}

// Methods lists the registered method names, sorted.
func Methods() []string {
	c := constructors()
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the upscaler registered under name: nearest, bilinear, bicubic
// (Catmull-Rom), mitchell (B = C = 1/3), lanczos2, lanczos3, easu (FSR 1's
// scaler alone), fsr1 (EASU then RCAS), nis or neural (package sr's
// network, integer scales only).
func New(name string, o Options) (Upscaler, error) {
	c, ok := constructors()[name]
	if !ok {
		return nil, fmt.Errorf("upscale: unknown method %q (have %v)", name, Methods())
	}
	return c(o)
}

// MaxDim bounds each side of an output image, so that a large scale factor
// cannot ask for an absurd allocation.
const MaxDim = 1 << 15

// OutputSize returns the size of a w×h image enlarged by scale, rounded to
// the nearest pixel, or an error if scale is not finite and at least 1 or the
// result exceeds MaxDim on a side.
func OutputSize(w, h int, scale float64) (int, int, error) {
	if math.IsNaN(scale) || math.IsInf(scale, 0) || scale < 1 {
		return 0, 0, fmt.Errorf("upscale: scale %g must be a finite number >= 1", scale)
	}
	ow, oh := math.Round(float64(w)*scale), math.Round(float64(h)*scale)
	if ow > MaxDim || oh > MaxDim {
		return 0, 0, fmt.Errorf("upscale: %dx%d scaled by %g exceeds %d pixels on a side", w, h, scale, MaxDim)
	}
	return int(ow), int(oh), nil
}

// Resize allocates a w×h image with src's planes and upscales src into it.
func Resize(ctx context.Context, u Upscaler, src *raster.Image, w, h int) (*raster.Image, error) {
	if err := src.Check(); err != nil {
		return nil, fmt.Errorf("upscale %s: %w", u.Name(), err)
	}
	if err := checkSizes(u, w, h, src.Width, src.Height); err != nil {
		return nil, err
	}
	dst := raster.New(w, h, src.Channels())
	if err := u.Upscale(ctx, dst, src); err != nil {
		return nil, err
	}
	return dst, nil
}

// ResizePerceptual upscales a linear-light image the way FSR 1 and NIS are
// meant to be used: it encodes the colour planes to sRGB, clamped to [0,1],
// upscales, and decodes the result back to linear light. Alpha is filtered
// as it is.
func ResizePerceptual(ctx context.Context, u Upscaler, linear *raster.Image, w, h int) (*raster.Image, error) {
	if err := linear.Check(); err != nil {
		return nil, fmt.Errorf("upscale %s: %w", u.Name(), err)
	}
	enc := linear.ToSRGB()
	enc.Clamp(0, 1)
	out, err := Resize(ctx, u, enc, w, h)
	if err != nil {
		return nil, err
	}
	return out.ToLinear(), nil
}

// checkArgs validates the images handed to Upscale.
func checkArgs(u Upscaler, dst, src *raster.Image) error {
	if err := src.Check(); err != nil {
		return fmt.Errorf("upscale %s: source: %w", u.Name(), err)
	}
	if err := dst.Check(); err != nil {
		return fmt.Errorf("upscale %s: destination: %w", u.Name(), err)
	}
	if dst.Channels() != src.Channels() {
		return fmt.Errorf("upscale %s: destination has %d planes, source %d", u.Name(), dst.Channels(), src.Channels())
	}
	return checkSizes(u, dst.Width, dst.Height, src.Width, src.Height)
}

func checkSizes(u Upscaler, dw, dh, sw, sh int) error {
	if dw < sw || dh < sh {
		return fmt.Errorf("upscale %s: %dx%d -> %dx%d shrinks the image; the upscalers only enlarge (use AreaDownscale)", u.Name(), sw, sh, dw, dh)
	}
	// A small tolerance so that a size rounded from an allowed scale passes.
	m := u.MaxScale()
	if float64(dw) > m*float64(sw)+1 || float64(dh) > m*float64(sh)+1 {
		return fmt.Errorf("upscale %s: %dx%d -> %dx%d exceeds the method's maximum scale %g", u.Name(), sw, sh, dw, dh, m)
	}
	if dw > MaxDim || dh > MaxDim {
		return fmt.Errorf("upscale %s: output %dx%d exceeds %d pixels on a side", u.Name(), dw, dh, MaxDim)
	}
	return nil
}

// parallelRows calls fn on bands of rows [y0, y1) covering [0, n) from
// GOMAXPROCS goroutines, stopping early when ctx is cancelled.
func parallelRows(ctx context.Context, n int, fn func(y0, y1 int)) error {
	// Bands of a few rows keep the load balanced without much overhead.
	return parallelBands(ctx, n, 8, func() func(y0, y1 int) { return fn })
}

// parallelBands is parallelRows with bands of the given height and a
// function per goroutine from newWorker, which can own scratch space.
func parallelBands(ctx context.Context, n, band int, newWorker func() func(y0, y1 int)) error {
	workers := runtime.GOMAXPROCS(0)
	if bands := (n + band - 1) / band; workers > bands {
		workers = bands
	}
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || ctx.Err() != nil {
			return 0, false
		}
		y := next
		next += band
		return y, true
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn := newWorker()
			for {
				y0, ok := take()
				if !ok {
					return
				}
				fn(y0, min(y0+band, n))
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

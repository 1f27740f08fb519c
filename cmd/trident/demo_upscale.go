package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/upscale"
)

// demoPattern draws a 256×192 test card in linear light: a zone plate (all
// frequencies), a tilted dark disc, diagonal bars and a colour ramp, the
// content on which upscalers differ.
func demoPattern() *raster.Image {
	const w, h = 256, 192
	m := raster.New(w, h, 3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/w, float64(y)/h
			var r, g, b float64
			switch {
			case fx < 0.5: // zone plate
				dx, dy := fx-0.25, fy-0.5
				v := 0.5 + 0.5*math.Cos(260*(dx*dx+dy*dy))
				r, g, b = v, v, v
			case (fx-0.75)*(fx-0.75)*2+(fy-0.3)*(fy-0.3) < 0.02: // disc
				r, g, b = 0.08, 0.1, 0.35
			case fy > 0.6: // diagonal bars over a ramp
				bar := 0.2
				if int((fx+fy)*24)%2 == 0 {
					bar = 0.85
				}
				r, g, b = bar, bar*fx, bar*(1-fx)
			default:
				r, g, b = 0.9*fx, 0.6, 0.4*fy+0.3
			}
			i := y*w + x
			m.Planes[0][i] = raster.SRGBToLinear(float32(r))
			m.Planes[1][i] = raster.SRGBToLinear(float32(g))
			m.Planes[2][i] = raster.SRGBToLinear(float32(b))
		}
	}
	return m
}

// demoUpscale halves a generated test card with the area filter, enlarges
// it back with Lanczos-3, FSR 1 and NIS, and prints each method's scores
// against the original.
func demoUpscale(ctx context.Context, w io.Writer) error {
	ref := demoPattern()
	low, err := upscale.AreaDownscale(ctx, ref, ref.Width/2, ref.Height/2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test card %dx%d, halved to %dx%d (area filter), enlarged back 2x:\n", ref.Width, ref.Height, low.Width, low.Height)
	fmt.Fprintf(w, "%-10s %9s %8s %8s %8s\n", "method", "PSNR dB", "SSIM", "FLIP", "ms")
	for _, name := range []string{"bilinear", "lanczos3", "easu", "fsr1", "nis"} {
		out, ms, err := enlargeTimed(ctx, name, low, ref.Width, ref.Height)
		if err != nil {
			return err
		}
		psnr, err := quality.PSNR(ref, out)
		if err != nil {
			return err
		}
		ssim, err := quality.SSIM(ref, out)
		if err != nil {
			return err
		}
		flip, err := quality.FLIP(ref, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-10s %9.3f %8.4f %8.4f %8.1f\n", name, psnr, ssim, flip, ms)
	}
	fmt.Fprintln(w, "(trident upscale --method fsr1 --scale 2 in.png out.png does this to a file)")
	return nil
}

// enlargeTimed upscales low to width×height with the named method, as the
// commands do (on sRGB-encoded values), and reports the milliseconds taken.
func enlargeTimed(ctx context.Context, name string, low *raster.Image, width, height int) (*raster.Image, float64, error) {
	u, err := upscale.New(name, upscale.DefaultOptions())
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	out, err := upscale.ResizePerceptual(ctx, u, low, width, height)
	if err != nil {
		return nil, 0, err
	}
	return out, time.Since(start).Seconds() * 1000, nil
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/upscale"
)

// demoSR halves the upscale tour's test card and enlarges it back with the
// shipped super-resolution network and with bicubic, printing PSNR,
// PSNR-Y and time for each.
func demoSR(ctx context.Context, w io.Writer) error {
	ref := demoPattern()
	low, err := upscale.AreaDownscale(ctx, ref, ref.Width/2, ref.Height/2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "test card %dx%d, halved (area filter), enlarged back 2x by the shipped network (sr/weights/x2.safetensors):\n", ref.Width, ref.Height)
	fmt.Fprintf(w, "%-8s %9s %9s %8s\n", "method", "PSNR dB", "PSNR-Y", "ms")
	for _, name := range []string{"bicubic", "neural"} {
		out, ms, err := enlargeTimed(ctx, name, low, ref.Width, ref.Height)
		if err != nil {
			return err
		}
		psnr, err := quality.PSNR(ref, out)
		if err != nil {
			return err
		}
		psnrY, err := quality.PSNRY(ref, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %9.3f %9.3f %8.1f\n", name, psnr, psnrY, ms)
	}
	fmt.Fprintln(w, "(trident upscale --method neural --scale 2 in.png out.png does this to a file; trident sr train retrains it)")
	return nil
}

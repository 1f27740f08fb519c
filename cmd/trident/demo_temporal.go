package main

import (
	"context"
	"fmt"
	"io"

	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal/tbench"
)

// demoTemporal renders twelve small frames of the fence scene with jitter,
// motion vectors and a reference, and scores raw frames, FSR 1, TAA + FSR 1,
// the temporal upscaler and temporal neural super-sampling (the shipped
// network) on the last six.
func demoTemporal(ctx context.Context, w io.Writer) error {
	c := tbench.Config{Scenes: []string{"fence"}, Frames: 12, Warm: 6,
		Options: render.Options{RenderW: 128, RenderH: 72, DisplayW: 256, DisplayH: 144, ReferenceSPP: 8}}
	rs, err := tbench.Run(ctx, c, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "fence scene, %d frames rendered at %dx%d with Halton jitter, depth and motion vectors;\n", c.Frames, c.Options.RenderW, c.Options.RenderH)
	fmt.Fprintf(w, "reconstructed at %dx%d, scored on the last %d against an %d-spp reference:\n", c.Options.DisplayW, c.Options.DisplayH, c.Frames-c.Warm, c.Options.ReferenceSPP)
	fmt.Fprintf(w, "%-10s %8s %8s %8s %9s\n", "method", "PSNR dB", "FLIP", "flicker", "ms/frame")
	for _, r := range rs {
		fmt.Fprintf(w, "%-10s %8.2f %8.4f %8.2f %9.1f\n", r.Method, r.PSNR, r.FLIP, r.Flicker, r.MsPerFrame)
	}
	fmt.Fprintln(w, "(trident render / trident temporal --method tsr|neural / trident temporal-bench do this at full size)")
	return nil
}

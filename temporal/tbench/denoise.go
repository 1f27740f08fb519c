package tbench

import (
	"context"
	"fmt"
	"time"

	"github.com/trident-lab/trident/quality"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/temporal"
)

// DenoiseResult compares the noisy path-traced frames and their SVGF
// denoising against the converged reference, means over the scored frames.
type DenoiseResult struct {
	Scene               string
	NoisyPSNR, SVGFPSNR float64
	NoisyFLIP, SVGFFLIP float64
	SVGFMsPerFrame      float64
}

// Denoise path traces frames frames of each scene at w×h with spp paths per
// pixel (reference refSPP), denoises them in order with SVGF and scores the
// frames after warm.
func Denoise(ctx context.Context, scenes []string, w, h, spp, refSPP, frames, warm int) ([]DenoiseResult, error) {
	if frames < 1 || warm < 0 || warm >= frames || refSPP < 1 {
		return nil, fmt.Errorf("denoise bench: need 0 ≤ warm-up < frames and a reference (got %d, %d, %d)", warm, frames, refSPP)
	}
	var out []DenoiseResult
	for _, name := range scenes {
		s, err := render.NewScene(name)
		if err != nil {
			return nil, err
		}
		d, err := temporal.NewSVGF(w, h)
		if err != nil {
			return nil, err
		}
		r := DenoiseResult{Scene: name}
		k := float64(frames - warm)
		for i := 0; i < frames; i++ {
			f, err := s.PathTrace(ctx, i, w, h, spp, refSPP)
			if err != nil {
				return nil, err
			}
			start := time.Now()
			img, err := d.Process(ctx, f)
			if err != nil {
				return nil, err
			}
			el := time.Since(start)
			if i < warm {
				continue
			}
			r.SVGFMsPerFrame += float64(el.Microseconds()) / 1000 / k
			for j, m := range [2]*raster.Image{f.Color, img} {
				p, err := quality.PSNR(f.Reference, m)
				if err != nil {
					return nil, err
				}
				fl, err := quality.FLIP(f.Reference, m)
				if err != nil {
					return nil, err
				}
				if j == 0 {
					r.NoisyPSNR, r.NoisyFLIP = r.NoisyPSNR+p/k, r.NoisyFLIP+fl/k
				} else {
					r.SVGFPSNR, r.SVGFFLIP = r.SVGFPSNR+p/k, r.SVGFFLIP+fl/k
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

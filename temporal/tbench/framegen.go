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

// GenResult compares frame generation with blending the two neighbours for
// one scene and one gap (frames between the two rendered ones, the middle
// one being synthesised), averaged over the pairs.
type GenResult struct {
	Scene              string
	Gap                int
	BlendPSNR, GenPSNR float64
	BlendFLIP, GenFLIP float64
	GenMsPerFrame      float64
	// Flow is frame generation from estimated optical flow (no motion
	// vectors or depth used), as for video.
	FlowPSNR, FlowFLIP float64
	FlowMsPerFrame     float64
	// Minterp is ffmpeg's minterpolate on the same frames, when it ran.
	Minterp                  bool
	MinterpPSNR, MinterpFLIP float64
}

// FrameGen renders pairs of frames gap apart at w×h (anti-aliased: the
// spp-sample reference is the colour, as frame generation works on final
// frames), synthesises the middle frame with temporal.Interpolate (motion
// vectors and depth), with temporal.InterpolateFlow (the colour alone),
// with plain blending and, when ffmpeg is the path of an ffmpeg executable
// rather than "", with its minterpolate filter (which also sees the frames
// gap before and after the pair), and scores each against the true middle
// frame.
func FrameGen(ctx context.Context, scenes []string, w, h, spp, gap, pairs int, ffmpeg string) ([]GenResult, error) {
	if gap < 2 || gap%2 != 0 || pairs < 1 || spp < 1 {
		return nil, fmt.Errorf("framegen bench: gap %d must be even and ≥ 2, pairs %d and spp %d ≥ 1", gap, pairs, spp)
	}
	o := render.Options{RenderW: w, RenderH: h, DisplayW: w, DisplayH: h, ReferenceSPP: spp}
	var out []GenResult
	for _, name := range scenes {
		s, err := render.NewScene(name)
		if err != nil {
			return nil, err
		}
		r := GenResult{Scene: name, Gap: gap, Minterp: ffmpeg != ""}
		for k := 0; k < pairs; k++ {
			// From frame gap on, so that minterpolate's frame one gap
			// before the pair exists.
			i := gap + k*gap
			a, err := s.RenderSpan(ctx, i, gap, o)
			if err != nil {
				return nil, err
			}
			b, err := s.RenderSpan(ctx, i+gap, gap, o)
			if err != nil {
				return nil, err
			}
			mid, err := s.Reference(ctx, i+gap/2, w, h, spp)
			if err != nil {
				return nil, err
			}
			a.Color, b.Color = a.Reference, b.Reference
			start := time.Now()
			g, err := temporal.Interpolate(ctx, a, b)
			if err != nil {
				return nil, err
			}
			r.GenMsPerFrame += float64(time.Since(start).Microseconds()) / 1000 / float64(pairs)
			start = time.Now()
			fl, err := temporal.InterpolateFlow(ctx, a.Color, b.Color)
			if err != nil {
				return nil, err
			}
			r.FlowMsPerFrame += float64(time.Since(start).Microseconds()) / 1000 / float64(pairs)
			var mi *raster.Image
			if ffmpeg != "" {
				before, err := s.Reference(ctx, i-gap, w, h, spp)
				if err != nil {
					return nil, err
				}
				after, err := s.Reference(ctx, i+2*gap, w, h, spp)
				if err != nil {
					return nil, err
				}
				if mi, err = Minterpolate(ctx, ffmpeg, [4]*raster.Image{before, a.Color, b.Color, after}); err != nil {
					return nil, err
				}
			}
			bl := a.Color.Clone()
			for c := range bl.Planes {
				for j := range bl.Planes[c] {
					bl.Planes[c][j] = 0.5 * (a.Color.Planes[c][j] + b.Color.Planes[c][j])
				}
			}
			for _, m := range []struct {
				img     *raster.Image
				p, flip *float64
			}{{g, &r.GenPSNR, &r.GenFLIP}, {bl, &r.BlendPSNR, &r.BlendFLIP}, {fl, &r.FlowPSNR, &r.FlowFLIP}, {mi, &r.MinterpPSNR, &r.MinterpFLIP}} {
				if m.img == nil {
					continue
				}
				p, err := quality.PSNR(mid, m.img)
				if err != nil {
					return nil, err
				}
				f, err := quality.FLIP(mid, m.img)
				if err != nil {
					return nil, err
				}
				*m.p += p / float64(pairs)
				*m.flip += f / float64(pairs)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

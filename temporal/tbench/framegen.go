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
}

// FrameGen renders pairs of frames gap apart at w×h (anti-aliased: the
// spp-sample reference is the colour, as frame generation works on final
// frames), synthesises the middle frame with temporal.Interpolate and with
// plain blending, and scores both against the true middle frame.
func FrameGen(ctx context.Context, scenes []string, w, h, spp, gap, pairs int) ([]GenResult, error) {
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
		r := GenResult{Scene: name, Gap: gap}
		for k := 0; k < pairs; k++ {
			i := 2 + k*gap
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
			bl := a.Color.Clone()
			for c := range bl.Planes {
				for j := range bl.Planes[c] {
					bl.Planes[c][j] = 0.5 * (a.Color.Planes[c][j] + b.Color.Planes[c][j])
				}
			}
			for _, m := range []struct {
				img     *raster.Image
				p, flip *float64
			}{{g, &r.GenPSNR, &r.GenFLIP}, {bl, &r.BlendPSNR, &r.BlendFLIP}} {
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

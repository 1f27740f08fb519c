package temporal

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/trident-lab/trident/raster"
)

// Block matching parameters. Blocks of flowBlock×flowBlock pixels are
// matched every flowStride pixels, so neighbouring blocks overlap by half
// and a vector field twice as dense as the blocks comes out.
const (
	flowBlock  = 16
	flowStride = 8
	// flowCoarseRadius is the exhaustive search radius at the coarsest
	// pyramid level; with flowMaxLevels levels it reaches 2^(levels-1) times
	// as far at full size (64 pixels).
	flowCoarseRadius = 4
	flowMaxLevels    = 5
	// flowMinSize stops the pyramid before a level gets too small to hold
	// a few blocks.
	flowMinSize = 16
	// flowSmooth is the cost (mean absolute luma difference units) per
	// pixel of departure from the predicted vector: it breaks ties on flat
	// areas in favour of the coarse level's motion.
	flowSmooth = 0.004
	// flowMaxPixels bounds the images EstimateFlow accepts (8K).
	flowMaxPixels = 7680 * 4320
	// pixelRadius is the half-width of the window that picks each pixel's
	// vector (5×5 measured no better than 3×3).
	pixelRadius = 1
)

// EstimateFlow estimates the motion of to relative to from by hierarchical
// block matching, for sequences without motion vectors (video). The result
// is in the convention of render's motion vectors: two planes (x, y) such
// that to's pixel p showed at p − motion in from.
//
// Both images are reduced to a perceptual luma (tonemapped, square root)
// and a pyramid of halvings. Blocks of flowBlock pixels every flowStride
// pixels overlap by half. At the coarsest level every block searches
// exhaustively within flowCoarseRadius; each finer level starts every block
// from the doubled coarse motion of itself and its four neighbours (so that
// a block straddling a motion boundary can take either side's motion) and
// searches one pixel around the best, with a small penalty for leaving the
// coarse prediction. Every level refines to sub-pixel precision by an
// equiangular fit per axis, and its field is median filtered (3×3, per
// component) to remove outliers. Finally every pixel picks, among the
// interpolated vector and its 3×3 nearest blocks' vectors, the one that
// matches its own 3×3 neighbourhood best, which keeps motion boundaries
// sharp where interpolation alone would smear them.
func EstimateFlow(ctx context.Context, from, to *raster.Image) (*raster.Image, error) {
	if from == nil || to == nil {
		return nil, fmt.Errorf("flow: missing image")
	}
	w, h := to.Width, to.Height
	if from.Width != w || from.Height != h {
		return nil, fmt.Errorf("flow: images are %dx%d and %dx%d, want one size", from.Width, from.Height, w, h)
	}
	if w < 1 || h < 1 || w*h > flowMaxPixels {
		return nil, fmt.Errorf("flow: image size %dx%d outside 1x1 .. %d pixels", w, h, flowMaxPixels)
	}
	if len(from.Planes) < 3 || len(to.Planes) < 3 {
		return nil, fmt.Errorf("flow: images need 3 colour planes")
	}
	pf, pt := []lumaPlane{flowLuma(from)}, []lumaPlane{flowLuma(to)}
	for len(pf) < flowMaxLevels {
		last := pf[len(pf)-1]
		if last.w/2 < flowMinSize || last.h/2 < flowMinSize {
			break
		}
		pf, pt = append(pf, last.half()), append(pt, pt[len(pt)-1].half())
	}
	var f *blockField
	for l := len(pf) - 1; l >= 0; l-- {
		nf, err := matchLevel(ctx, pf[l], pt[l], f)
		if err != nil {
			return nil, err
		}
		f = nf.median()
	}
	return refinePixels(ctx, pf[0], pt[0], f)
}

// lumaPlane is one pyramid level of a perceptual luma image.
type lumaPlane struct {
	w, h int
	v    []float32
}

func flowLuma(m *raster.Image) lumaPlane {
	p := lumaPlane{w: m.Width, h: m.Height, v: make([]float32, m.Width*m.Height)}
	r, g, b := m.Planes[0], m.Planes[1], m.Planes[2]
	for i := range p.v {
		y := max(0.2126*r[i]+0.7152*g[i]+0.0722*b[i], 0)
		p.v[i] = float32(math.Sqrt(float64(y / (1 + y))))
	}
	return p
}

// half averages 2×2 pixels (the last odd row or column is dropped).
func (p lumaPlane) half() lumaPlane {
	q := lumaPlane{w: p.w / 2, h: p.h / 2}
	q.v = make([]float32, q.w*q.h)
	for y := 0; y < q.h; y++ {
		for x := 0; x < q.w; x++ {
			i := 2*y*p.w + 2*x
			q.v[y*q.w+x] = 0.25 * (p.v[i] + p.v[i+1] + p.v[i+p.w] + p.v[i+p.w+1])
		}
	}
	return q
}

func (p lumaPlane) at(x, y int) float32 {
	return p.v[clampInt(y, 0, p.h-1)*p.w+clampInt(x, 0, p.w-1)]
}

// bilinear samples at continuous pixel coordinates (pixel centres at
// integers here), edges clamped.
func (p lumaPlane) bilinear(x, y float32) float32 {
	fx, fy := float32(math.Floor(float64(x))), float32(math.Floor(float64(y)))
	ix, iy := int(fx), int(fy)
	tx, ty := x-fx, y-fy
	if ix >= 0 && iy >= 0 && ix+1 < p.w && iy+1 < p.h {
		i := iy*p.w + ix
		a := p.v[i] + tx*(p.v[i+1]-p.v[i])
		b := p.v[i+p.w] + tx*(p.v[i+p.w+1]-p.v[i+p.w])
		return a + ty*(b-a)
	}
	a := p.at(ix, iy) + tx*(p.at(ix+1, iy)-p.at(ix, iy))
	b := p.at(ix, iy+1) + tx*(p.at(ix+1, iy+1)-p.at(ix, iy+1))
	return a + ty*(b-a)
}

// blockField holds one vector per block; block (i, j) covers the pixels
// from (i·flowStride − flowBlock/2 + flowStride/2, …) on, so its centre is
// at pixel (i·flowStride + flowStride/2, j·flowStride + flowStride/2).
type blockField struct {
	gw, gh int
	vx, vy []float32
}

func newBlockField(w, h int) *blockField {
	gw, gh := (w+flowStride-1)/flowStride, (h+flowStride-1)/flowStride
	return &blockField{gw: gw, gh: gh, vx: make([]float32, gw*gh), vy: make([]float32, gw*gh)}
}

// sample returns the field's vector at continuous block coordinates by
// bilinear interpolation, edges clamped.
func (f *blockField) sample(bx, by float32) (float32, float32) {
	bx, by = min(max(bx, 0), float32(f.gw-1)), min(max(by, 0), float32(f.gh-1))
	ix, iy := int(bx), int(by)
	ix1, iy1 := min(ix+1, f.gw-1), min(iy+1, f.gh-1)
	tx, ty := bx-float32(ix), by-float32(iy)
	lerp := func(v []float32) float32 {
		a := v[iy*f.gw+ix] + tx*(v[iy*f.gw+ix1]-v[iy*f.gw+ix])
		b := v[iy1*f.gw+ix] + tx*(v[iy1*f.gw+ix1]-v[iy1*f.gw+ix])
		return a + ty*(b-a)
	}
	return lerp(f.vx), lerp(f.vy)
}

// median replaces each vector by the per-component median of its 3×3
// neighbourhood.
func (f *blockField) median() *blockField {
	g := &blockField{gw: f.gw, gh: f.gh, vx: make([]float32, len(f.vx)), vy: make([]float32, len(f.vy))}
	var xs, ys []float32
	for j := 0; j < f.gh; j++ {
		for i := 0; i < f.gw; i++ {
			xs, ys = xs[:0], ys[:0]
			for dj := -1; dj <= 1; dj++ {
				for di := -1; di <= 1; di++ {
					ii, jj := i+di, j+dj
					if ii < 0 || jj < 0 || ii >= f.gw || jj >= f.gh {
						continue
					}
					xs, ys = append(xs, f.vx[jj*f.gw+ii]), append(ys, f.vy[jj*f.gw+ii])
				}
			}
			slices.Sort(xs)
			slices.Sort(ys)
			g.vx[j*f.gw+i], g.vy[j*f.gw+i] = xs[len(xs)/2], ys[len(ys)/2]
		}
	}
	return g
}

// blockCost is the mean absolute luma difference between block (i, j) of
// to and from displaced by −v, plus the smoothness term towards pred.
func blockCost(from, to lumaPlane, i, j int, vx, vy, px, py float32) float32 {
	x0 := i*flowStride + flowStride/2 - flowBlock/2
	y0 := j*flowStride + flowStride/2 - flowBlock/2
	var s float32
	ix, iy := int(math.Floor(float64(vx))), int(math.Floor(float64(vy)))
	integer := vx == float32(ix) && vy == float32(iy)
	if integer && x0 >= 0 && y0 >= 0 && x0+flowBlock <= to.w && y0+flowBlock <= to.h &&
		x0-ix >= 0 && y0-iy >= 0 && x0-ix+flowBlock <= from.w && y0-iy+flowBlock <= from.h {
		// Inside both images: no clamping or interpolation per pixel.
		for y := y0; y < y0+flowBlock; y++ {
			rt := to.v[y*to.w+x0 : y*to.w+x0+flowBlock]
			rf := from.v[(y-iy)*from.w+x0-ix : (y-iy)*from.w+x0-ix+flowBlock]
			for k, t := range rt {
				s += abs32(t - rf[k])
			}
		}
		return s/(flowBlock*flowBlock) + flowSmooth*(abs32(vx-px)+abs32(vy-py))
	}
	for y := y0; y < y0+flowBlock; y++ {
		for x := x0; x < x0+flowBlock; x++ {
			var a float32
			if integer {
				a = from.at(x-ix, y-iy)
			} else {
				a = from.bilinear(float32(x)-vx, float32(y)-vy)
			}
			s += abs32(to.at(x, y) - a)
		}
	}
	return s/(flowBlock*flowBlock) + flowSmooth*(abs32(vx-px)+abs32(vy-py))
}

// matchLevel estimates one level's block field from the coarser level's
// (nil at the coarsest).
func matchLevel(ctx context.Context, from, to lumaPlane, coarse *blockField) (*blockField, error) {
	f := newBlockField(to.w, to.h)
	err := rows(ctx, f.gh, func(j0, j1 int) {
		for j := j0; j < j1; j++ {
			for i := 0; i < f.gw; i++ {
				var bx, by, px, py float32
				radius := 1
				type cand struct{ x, y float32 }
				cands := []cand{{0, 0}}
				if coarse == nil {
					radius = flowCoarseRadius
				} else {
					// Block centres: (i+½)·stride here, half that one level up.
					cx, cy := (float32(i)+0.5)/2-0.5, (float32(j)+0.5)/2-0.5
					for _, d := range [5][2]float32{{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
						vx, vy := coarse.sample(cx+d[0], cy+d[1])
						cands = append(cands, cand{float32(math.Round(float64(2 * vx))), float32(math.Round(float64(2 * vy)))})
					}
					vx, vy := coarse.sample(cx, cy)
					px, py = 2*vx, 2*vy
				}
				best := float32(math.Inf(1))
				for _, c := range cands {
					if k := blockCost(from, to, i, j, c.x, c.y, px, py); k < best {
						best, bx, by = k, c.x, c.y
					}
				}
				cx, cy := bx, by
				for dy := -radius; dy <= radius; dy++ {
					for dx := -radius; dx <= radius; dx++ {
						vx, vy := cx+float32(dx), cy+float32(dy)
						if k := blockCost(from, to, i, j, vx, vy, px, py); k < best {
							best, bx, by = k, vx, vy
						}
					}
				}
				// Sub-pixel: the equiangular (V-shaped) fit that suits
				// absolute differences, per axis, on the integer costs
				// around the best; bilinear sampling at fractional offsets
				// would instead favour integers by blurring.
				bx += subpixel(blockCost(from, to, i, j, bx-1, by, px, py), best, blockCost(from, to, i, j, bx+1, by, px, py))
				by += subpixel(blockCost(from, to, i, j, bx, by-1, px, py), best, blockCost(from, to, i, j, bx, by+1, px, py))
				f.vx[j*f.gw+i], f.vy[j*f.gw+i] = bx, by
			}
		}
	})
	return f, err
}

// subpixel returns the offset in [−½, ½] of the minimum of the V through
// costs l, c, r at −1, 0, +1, with c the smallest.
func subpixel(l, c, r float32) float32 {
	d := 2 * (max(l, r) - c)
	if d <= 0 {
		return 0
	}
	return min(max((l-r)/d, -0.5), 0.5)
}

// refinePixels turns the finest block field into per-pixel vectors: each
// pixel takes the candidate (the bilinearly interpolated vector or one of
// its 3×3 nearest blocks' vectors) whose 3×3 neighbourhood matches best.
func refinePixels(ctx context.Context, from, to lumaPlane, f *blockField) (*raster.Image, error) {
	w, h := to.w, to.h
	out := raster.New(w, h, 2)
	err := rows(ctx, h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < w; x++ {
				bx := (float32(x)+0.5)/flowStride - 0.5
				by := (float32(y)+0.5)/flowStride - 0.5
				ix, iy := int(math.Round(float64(bx))), int(math.Round(float64(by)))
				bestX, bestY := f.sample(bx, by)
				best := pixelCost(from, to, x, y, bestX, bestY)
				for dj := -1; dj <= 1; dj++ {
					for di := -1; di <= 1; di++ {
						ii, jj := ix+di, iy+dj
						if ii < 0 || jj < 0 || ii >= f.gw || jj >= f.gh {
							continue
						}
						vx, vy := f.vx[jj*f.gw+ii], f.vy[jj*f.gw+ii]
						// A small bias keeps the smooth vector where the
						// choice makes no real difference.
						if k := pixelCost(from, to, x, y, vx, vy) + 0.002; k < best {
							best, bestX, bestY = k, vx, vy
						}
					}
				}
				out.Planes[0][y*w+x], out.Planes[1][y*w+x] = bestX, bestY
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func pixelCost(from, to lumaPlane, x, y int, vx, vy float32) float32 {
	var s float32
	for dy := -pixelRadius; dy <= pixelRadius; dy++ {
		for dx := -pixelRadius; dx <= pixelRadius; dx++ {
			s += abs32(to.at(x+dx, y+dy) - from.bilinear(float32(x+dx)-vx, float32(y+dy)-vy))
		}
	}
	return s / ((2*pixelRadius + 1) * (2*pixelRadius + 1))
}

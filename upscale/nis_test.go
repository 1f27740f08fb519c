package upscale

import (
	"context"
	"math"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// refNIS follows NVScaler's own structure: output blocks of 32×24 pixels,
// each loading a luma tile from srcBlockStart − 2 with a clamp-to-edge
// sampler, an edge map over the tile, and per pixel the 6×6 support and 2×2
// edge weights read from them at floor(src) − srcBlockStart; colour is a
// bilinear tap at the pixel's normalised texture coordinate. The production
// code replaces the tiles with whole-image luma and a padded edge map; this
// checks the two address the same pixels.
func refNIS(n *NIS, src *raster.Image, dw, dh int) *raster.Image {
	const blockW, blockH = 32, 24
	c := &n.cfg
	sw, sh := src.Width, src.Height
	nc := src.ColourChannels()
	getY := func(x, y int) float32 {
		x, y = clampInt(x, 0, sw-1), clampInt(y, 0, sh-1)
		if nc == 1 {
			return src.At(0, x, y)
		}
		return 0.2126*src.At(0, x, y) + 0.7152*src.At(1, x, y) + 0.0722*src.At(2, x, y)
	}
	bilinear := func(pl int, u, v float32) float32 {
		x0, y0 := float32(math.Floor(float64(u))), float32(math.Floor(float64(v)))
		fx, fy := u-x0, v-y0
		at := func(x, y int) float32 { return src.At(pl, clampInt(x, 0, sw-1), clampInt(y, 0, sh-1)) }
		ix, iy := int(x0), int(y0)
		return lerp(lerp(at(ix, iy), at(ix+1, iy), fx), lerp(at(ix, iy+1), at(ix+1, iy+1), fx), fy)
	}
	kScaleX, kScaleY := float32(sw)/float32(dw), float32(sh)/float32(dh)
	out := raster.New(dw, dh, src.Channels())
	for by := 0; by*blockH < dh; by++ {
		for bx := 0; bx*blockW < dw; bx++ {
			dbx, dby := bx*blockW, by*blockH
			startX := int(math.Floor(float64((float32(dbx)+0.5)*kScaleX - 0.5)))
			startY := int(math.Floor(float64((float32(dby)+0.5)*kScaleY - 0.5)))
			endX := int(math.Ceil(float64((float32(dbx+blockW)+0.5)*kScaleX - 0.5)))
			endY := int(math.Ceil(float64((float32(dby+blockH)+0.5)*kScaleY - 0.5)))
			tw, th := endX-startX+5, endY-startY+5
			tw += tw & 1
			th += th & 1
			tile := make([][]float32, th)
			for ty := range tile {
				tile[ty] = make([]float32, tw)
				for tx := range tile[ty] {
					tile[ty][tx] = getY(startX+tx-2, startY+ty-2)
				}
			}
			ew, eh := tw-4, th-4
			edge := make([][][4]float32, eh)
			for ey := range edge {
				edge[ey] = make([][4]float32, ew)
				for ex := range edge[ey] {
					var p [3][3]float32
					for i := 0; i < 3; i++ {
						for j := 0; j < 3; j++ {
							p[i][j] = tile[ey+1+i][ex+1+j]
						}
					}
					edge[ey][ex] = c.edgeMap(&p)
				}
			}
			for k := 0; k < blockW*blockH; k++ {
				dx, dy := dbx+k%blockW, dby+k/blockW
				if dx >= dw || dy >= dh {
					continue
				}
				srcX := (0.5+float32(dx))*kScaleX - 0.5
				srcY := (0.5+float32(dy))*kScaleY - 0.5
				px := int(math.Floor(float64(srcX))) - startX
				py := int(math.Floor(float64(srcY))) - startY
				var p [6][6]float32
				for i := 0; i < 6; i++ {
					for j := 0; j < 6; j++ {
						p[i][j] = tile[py+i][px+j]
					}
				}
				fx := srcX - float32(math.Floor(float64(srcX)))
				fy := srcY - float32(math.Floor(float64(srcY)))
				fxi, fyi := int(fx*nisPhaseCount), int(fy*nisPhaseCount)
				var normal float32
				for j := 0; j < 6; j++ {
					var acc float32
					for i := 0; i < 6; i++ {
						acc += p[i][j] * nisCoefScale[fyi][i]
					}
					normal += acc * nisCoefScale[fxi][j]
				}
				dir := c.dirFilters(&p, fx, fy, fxi, fyi)
				var w [4]float32
				for q := 0; q < 4; q++ {
					h0 := lerp(edge[py][px][q], edge[py][px+1][q], fx)
					h1 := lerp(edge[py+1][px][q], edge[py+1][px+1][q], fx)
					w[q] = lerp(h0, h1, fy)
				}
				opY := dir[0]*w[0] + dir[1]*w[1] + dir[2]*w[2] + dir[3]*w[3] + normal*(1-w[0]-w[1]-w[2]-w[3])
				u := (float32(dx)+0.5)/float32(dw)*float32(sw) - 0.5
				v := (float32(dy)+0.5)/float32(dh)*float32(sh) - 0.5
				op := make([]float32, src.Channels())
				for pl := range op {
					op[pl] = bilinear(pl, u, v)
				}
				y := op[0]
				if nc == 3 {
					y = 0.2126*op[0] + 0.7152*op[1] + 0.0722*op[2]
				}
				for pl := range op {
					if pl < nc {
						op[pl] += opY - y
					}
					out.Set(pl, dx, dy, op[pl])
				}
			}
		}
	}
	return out
}

func TestNISMatchesBlockReference(t *testing.T) {
	for _, s := range []struct{ sw, sh, dw, dh, ch int }{
		{40, 30, 80, 60, 3}, // 2×, several blocks
		{23, 17, 30, 22, 3}, // 1.3×
		{20, 14, 34, 24, 4}, // 1.7× with alpha
		{16, 12, 24, 18, 1}, // 1.5× grey
		{33, 25, 33, 25, 3}, // 1×
	} {
		src := scene(s.sw, s.sh)
		if s.ch != 3 {
			m := noise(s.sw, s.sh, s.ch, 4)
			for c := 0; c < min(s.ch, 3); c++ {
				copy(m.Planes[c], src.Planes[c])
			}
			src = m
		}
		n := NewNIS(0.7)
		got, err := Resize(context.Background(), n, src, s.dw, s.dh)
		if err != nil {
			t.Fatal(err)
		}
		want := refNIS(n, src, s.dw, s.dh)
		if d := maxDiff(got, want); d > 2e-5 {
			t.Errorf("%dx%d -> %dx%d (%d planes): max difference from the block reference %g", s.sw, s.sh, s.dw, s.dh, s.ch, d)
		}
	}
}

package render

import (
	"context"
	"fmt"
	"math"

	"github.com/trident-lab/trident/raster"
)

// PathFrame is one path-traced frame with the guides a denoiser needs. All
// buffers are w×h and sampled through pixel centres (no jitter), so that
// albedo, normal, depth and motion are noise-free; only Color is noisy.
// Particles are not path traced.
type PathFrame struct {
	Index     int
	Color     *raster.Image // RGB, SPP paths per pixel
	Albedo    *raster.Image // RGB, first-hit surface colour (1 for the sky)
	Normal    *raster.Image // RGB = world-space unit normal of the first hit (0 for the sky)
	Depth     *raster.Image // as Frame.Depth
	Motion    *raster.Image // as Frame.Motion
	Reference *raster.Image // RGB, RefSPP paths per pixel; nil when RefSPP is 0
}

// sunCone is the angular radius (radians) of the sun as a light source in
// path-traced mode: it gives soft, noisy shadow edges.
const sunCone = 0.06

// PathTrace renders frame index at w×h by path tracing with spp paths per
// pixel (and a reference with refSPP independent paths, 0 for none). A path
// takes the sun as an area light with a shadow ray and one cosine-sampled
// diffuse bounce lit by the sun and the sky. Random numbers are hashed from
// pixel, sample, dimension and frame, so frames are reproducible and their
// noise changes from frame to frame.
func (s *Scene) PathTrace(ctx context.Context, index, w, h, spp, refSPP int) (*PathFrame, error) {
	if w < 1 || h < 1 || w > MaxDim || h > MaxDim || index < 0 || spp < 1 || spp > 65536 || refSPP < 0 || refSPP > 65536 {
		return nil, fmt.Errorf("render: path tracing %dx%d, frame %d, %d/%d paths per pixel out of range", w, h, index, spp, refSPP)
	}
	t, prevT := float64(index)/FPS, float64(index-1)/FPS
	cur := newView(s.camera(t), w, h)
	prev := newView(s.camera(prevT), w, h)
	now, before := s.at(t), s.at(prevT)
	f := &PathFrame{Index: index, Color: raster.New(w, h, 3), Albedo: raster.New(w, h, 3), Normal: raster.New(w, h, 3),
		Depth: raster.New(w, h, 1), Motion: raster.New(w, h, 3)}
	if refSPP > 0 {
		f.Reference = raster.New(w, h, 3)
	}
	err := tiles(ctx, w, h, func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				i := y*w + x
				px, py := float64(x)+0.5, float64(y)+0.5
				d := cur.ray(px, py)
				hit := s.intersect(cur.eye, d, now)
				var alb, n, p vec
				depth := Far
				pprev := prev.eye.add(d.mul(Far))
				if hit.shape < 0 {
					alb = vec{1, 1, 1}
				} else {
					sh := &s.shapes[hit.shape]
					n = hit.normal
					if n.dot(d) > 0 {
						n = n.mul(-1)
					}
					alb = texture(&sh.mat, hit.tu, hit.tv)
					p = cur.eye.add(d.mul(hit.t))
					depth = p.sub(cur.eye).dot(cur.fwd)
					pprev = hit.local.add(before.offs[hit.shape])
				}
				qx, qy, _ := prev.project(pprev)
				f.Depth.Planes[0][i] = float32(depth)
				f.Motion.Planes[0][i], f.Motion.Planes[1][i] = float32(px-qx), float32(py-qy)
				for k, v := range [3]float64{alb.x, alb.y, alb.z} {
					f.Albedo.Planes[k][i] = float32(v)
				}
				for k, v := range [3]float64{n.x, n.y, n.z} {
					f.Normal.Planes[k][i] = float32(v)
				}
				for _, m := range []struct {
					img  *raster.Image
					n    int
					salt uint64
				}{{f.Color, spp, 1}, {f.Reference, refSPP, 2}} {
					if m.img == nil {
						continue
					}
					var acc vec
					for k := 0; k < m.n; k++ {
						if hit.shape < 0 {
							acc = acc.add(sky(d))
							continue
						}
						rnd := func(dim int) float64 {
							return hash2(int64(i), int64(k*8+dim), uint64(index)*4+m.salt)
						}
						acc = acc.add(s.pathRadiance(now, p, n, d, &s.shapes[hit.shape].mat, alb, rnd))
					}
					acc = acc.mul(1 / float64(m.n))
					m.img.Planes[0][i], m.img.Planes[1][i], m.img.Planes[2][i] = float32(acc.x), float32(acc.y), float32(acc.z)
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// pathRadiance is one path's radiance leaving surface point p (normal n,
// albedo alb) towards the camera along -d.
func (s *Scene) pathRadiance(now *instant, p, n, d vec, mat *material, alb vec, rnd func(int) float64) vec {
	o := p.add(n.mul(1e-3))
	// Direct sunlight from a random point of the sun's disc.
	l := coneSample(sunDir, sunCone, rnd(0), rnd(1))
	var direct, spec vec
	if c := n.dot(l); c > 0 && s.intersect(o, l, now).shape < 0 {
		direct = sunCol.mul(c)
		if mat.spec > 0 {
			hv := l.sub(d).norm()
			spec = sunCol.mul(mat.spec * math.Pow(math.Max(0, n.dot(hv)), mat.shine))
		}
	}
	// One diffuse bounce: cosine-weighted, so the estimator of irradiance/π
	// is the incoming radiance itself.
	wi := cosineSample(n, rnd(2), rnd(3))
	var indirect vec
	h2 := s.intersect(o, wi, now)
	if h2.shape < 0 {
		indirect = sky(wi)
	} else {
		n2 := h2.normal
		if n2.dot(wi) > 0 {
			n2 = n2.mul(-1)
		}
		alb2 := texture(&s.shapes[h2.shape].mat, h2.tu, h2.tv)
		p2 := o.add(wi.mul(h2.t)).add(n2.mul(1e-3))
		if c := n2.dot(sunDir); c > 0 && s.intersect(p2, sunDir, now).shape < 0 {
			indirect = alb2.hadamard(sunCol.mul(c))
		}
	}
	return alb.hadamard(direct.add(indirect)).add(spec)
}

// basis returns two unit vectors orthogonal to n and each other.
func basis(n vec) (vec, vec) {
	a := vec{1, 0, 0}
	if math.Abs(n.x) > 0.9 {
		a = vec{0, 1, 0}
	}
	u := n.cross(a).norm()
	return u, n.cross(u)
}

// cosineSample draws a direction about n with density cos θ / π.
func cosineSample(n vec, u1, u2 float64) vec {
	r, phi := math.Sqrt(u1), 2*math.Pi*u2
	u, v := basis(n)
	return u.mul(r * math.Cos(phi)).add(v.mul(r * math.Sin(phi))).add(n.mul(math.Sqrt(math.Max(0, 1-u1)))).norm()
}

// coneSample draws a direction uniformly within angle a of axis c.
func coneSample(c vec, a, u1, u2 float64) vec {
	cosT := 1 - u1*(1-math.Cos(a))
	sinT := math.Sqrt(math.Max(0, 1-cosT*cosT))
	phi := 2 * math.Pi * u2
	u, v := basis(c)
	return u.mul(sinT * math.Cos(phi)).add(v.mul(sinT * math.Sin(phi))).add(c.mul(cosT)).norm()
}

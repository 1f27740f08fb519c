package render

import "math"

// view is a camera set up for one image size: rays through image positions
// and projection of world points back to image positions (pixels, origin at
// the top-left corner, y down).
type view struct {
	eye, fwd, right, up vec
	tanY, tanX          float64
	w, h                float64
}

func newView(c camera, w, h int) view {
	f := c.target.sub(c.eye).norm()
	r := f.cross(vec{0, 1, 0}).norm()
	u := r.cross(f)
	ty := math.Tan(c.fov / 2)
	return view{eye: c.eye, fwd: f, right: r, up: u, tanY: ty, tanX: ty * float64(w) / float64(h), w: float64(w), h: float64(h)}
}

func (v view) ray(px, py float64) vec {
	x := (2*px/v.w - 1) * v.tanX
	y := (1 - 2*py/v.h) * v.tanY
	return v.fwd.add(v.right.mul(x)).add(v.up.mul(y)).norm()
}

// project returns the image position of world point p and its view depth.
func (v view) project(p vec) (px, py, z float64) {
	d := p.sub(v.eye)
	z = d.dot(v.fwd)
	if z <= 1e-6 {
		z = 1e-6
	}
	px = (d.dot(v.right)/(z*v.tanX) + 1) / 2 * v.w
	py = (1 - d.dot(v.up)/(z*v.tanY)) / 2 * v.h
	return px, py, z
}

// hit is the nearest opaque surface along a ray.
type hit struct {
	t      float64
	shape  int // -1: sky
	normal vec
	local  vec // hit point in the shape's rest frame (texturing, motion)
	tu, tv float64
}

// instant is the scene posed at one time: each shape's offset and the
// particles, computed once per frame rather than per ray.
type instant struct {
	offs  []vec
	parts []placed
}

func (s *Scene) at(t float64) *instant {
	in := &instant{offs: make([]vec, len(s.shapes)), parts: s.placeParticles(t)}
	for i := range s.shapes {
		in.offs[i] = s.shapes[i].move.at(t)
	}
	return in
}

// intersect finds the nearest surface along o + t·d with the shapes posed
// at now; alpha-tested rectangles let rays through where their mask is
// clear.
func (s *Scene) intersect(o, d vec, now *instant) hit {
	best := hit{t: math.Inf(1), shape: -1}
	for i := range s.shapes {
		sh := &s.shapes[i]
		ol := o.sub(now.offs[i])
		switch sh.kind {
		case kindPlane:
			den := d.dot(sh.normal)
			if math.Abs(den) < 1e-9 {
				continue
			}
			t := sh.pos.sub(ol).dot(sh.normal) / den
			if t > 1e-4 && t < best.t {
				p := ol.add(d.mul(t))
				best = hit{t: t, shape: i, normal: sh.normal, local: p, tu: p.x, tv: p.z}
			}
		case kindSphere:
			oc := ol.sub(sh.pos)
			b := oc.dot(d)
			c := oc.dot(oc) - sh.radius*sh.radius
			disc := b*b - c
			if disc < 0 {
				continue
			}
			sq := math.Sqrt(disc)
			t := -b - sq
			if t < 1e-4 {
				t = -b + sq
			}
			if t > 1e-4 && t < best.t {
				p := ol.add(d.mul(t))
				n := p.sub(sh.pos).mul(1 / sh.radius)
				u := (math.Atan2(n.z, n.x) + math.Pi) * sh.radius
				v := math.Acos(math.Max(-1, math.Min(1, n.y))) * sh.radius
				best = hit{t: t, shape: i, normal: n, local: p, tu: u, tv: v}
			}
		case kindBox:
			lo, hi := sh.pos.sub(sh.half), sh.pos.add(sh.half)
			tmin, tmax := 1e-4, best.t
			axis, sign := -1, 0.0
			ok := true
			for a := 0; a < 3 && ok; a++ {
				oa, da, l, h := comp(ol, a), comp(d, a), comp(lo, a), comp(hi, a)
				if math.Abs(da) < 1e-12 {
					if oa < l || oa > h {
						ok = false
					}
					continue
				}
				t0, t1 := (l-oa)/da, (h-oa)/da
				sgn := -1.0
				if t0 > t1 {
					t0, t1 = t1, t0
					sgn = 1
				}
				if t0 > tmin {
					tmin, axis, sign = t0, a, sgn
				}
				if t1 < tmax {
					tmax = t1
				}
				if tmin > tmax {
					ok = false
				}
			}
			if !ok || axis < 0 {
				continue
			}
			p := ol.add(d.mul(tmin))
			var n vec
			var u, v float64
			switch axis {
			case 0:
				n, u, v = vec{sign, 0, 0}, p.z, p.y
			case 1:
				n, u, v = vec{0, sign, 0}, p.x, p.z
			default:
				n, u, v = vec{0, 0, sign}, p.x, p.y
			}
			best = hit{t: tmin, shape: i, normal: n, local: p, tu: u, tv: v}
		case kindQuad:
			n := sh.normal
			den := d.dot(n)
			if math.Abs(den) < 1e-9 {
				continue
			}
			t := sh.pos.sub(ol).dot(n) / den
			if t <= 1e-4 || t >= best.t {
				continue
			}
			p := ol.add(d.mul(t))
			rel := p.sub(sh.pos)
			fu, fv := rel.dot(sh.u)/(sh.ulen*sh.ulen), rel.dot(sh.v)/(sh.vlen*sh.vlen)
			if fu < 0 || fu > 1 || fv < 0 || fv > 1 {
				continue
			}
			u, v := fu*sh.ulen, fv*sh.vlen
			if !alphaPass(sh.mat.alpha, u*sh.mat.alphaScale, v*sh.mat.alphaScale) {
				continue
			}
			if den > 0 {
				n = n.mul(-1) // two-sided: face the viewer
			}
			best = hit{t: t, shape: i, normal: n, local: p, tu: u, tv: v}
		}
	}
	return best
}

func comp(v vec, a int) float64 {
	switch a {
	case 0:
		return v.x
	case 1:
		return v.y
	}
	return v.z
}

// alphaPass reports whether an alpha-tested surface is solid at (u, v),
// given in alpha-pattern cells.
func alphaPass(a alphaTest, u, v float64) bool {
	switch a {
	case alphaFence:
		const w = 0.1
		return frac(u+v) < w || frac(u-v) < w
	case alphaWires:
		return frac(v) < 0.02 && int(math.Floor(v))%2 == 0
	case alphaLeaves:
		// One leaf per cell, kept inside its cell so that one test decides.
		cx, cy := math.Floor(u), math.Floor(v)
		x, y := int64(cx), int64(cy)
		// A random orientation without trigonometry: the rational
		// parametrisation of the half circle (an ellipse repeats after π).
		r := 2*hash2(x, y, 13) - 1
		ca, sa := (1-r*r)/(1+r*r), 2*r/(1+r*r)
		ex, ey := u-cx-0.5, v-cy-0.5
		lu, lv := (ex*ca+ey*sa)/0.48, (-ex*sa+ey*ca)/0.16
		return lu*lu+lv*lv < 1 && hash2(x, y, 11) < 0.8
	}
	return true
}

// glyphs holds the digits 0–9 in a 3×5 font, one 15-bit row-major mask each
// (top row in the high bits); patText draws them as text.
var glyphs = [10]uint16{
	0b111101101101111, 0b010110010010111, 0b111001111100111, 0b111001111001111, 0b101101111001001,
	0b111100111001111, 0b111100111101111, 0b111001001010010, 0b111101111101111, 0b111101111001111,
}

func texture(m *material, u, v float64) vec {
	su, sv := u*m.scale, v*m.scale
	switch m.pat {
	case patChecker:
		if (int64(math.Floor(su))+int64(math.Floor(sv)))&1 == 0 {
			return m.a
		}
		return m.b
	case patText:
		// Glyph cells are 4×7 pixels (3×5 glyph plus spacing); every
		// fourth line and random gaps stay blank, like paragraphs.
		gx, gy := int64(math.Floor(su)), int64(math.Floor(-sv))
		cx, cy := floorDiv(gx, 4), floorDiv(gy, 7)
		px, py := gx-cx*4, gy-cy*7
		if px > 2 || py < 1 || py > 5 || cy%4 == 3 || hash2(cx, cy, 5) < 0.15 {
			return m.a
		}
		g := glyphs[int(hash2(cx, cy, 6)*10)]
		if g>>(14-uint((py-1)*3+px))&1 == 1 {
			return m.b
		}
		return m.a
	case patStripes:
		if frac(su) < 0.3 {
			return m.b
		}
		return m.a
	case patBricks:
		row := math.Floor(sv)
		bu := su/2 + 0.5*math.Mod(math.Abs(row), 2)
		if frac(sv) < 0.08 || frac(bu) < 0.04 {
			return m.b
		}
		k := hash2(int64(math.Floor(bu)), int64(row), 9)
		return m.a.mul(0.8 + 0.4*k)
	case patGrass:
		return m.a.lerp(m.b, hash2(int64(math.Floor(su)), int64(math.Floor(sv)), 4))
	}
	return m.a
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

var (
	sunDir = vec{0.4, 0.8, 0.3}.norm()
	sunCol = vec{1.0, 0.95, 0.85}
)

func sky(d vec) vec {
	t := math.Max(0, d.y)
	return vec{0.75, 0.8, 0.9}.lerp(vec{0.25, 0.45, 0.8}, math.Sqrt(t))
}

// sample is one ray's worth of everything a frame stores.
type sample struct {
	col      vec
	depth    float64
	world    vec // hit point at the current time
	prev     vec // the same surface point at the previous frame's time
	reactive float64
}

// placed is a particle's centre and opacity at one time.
type placed struct {
	c, col vec
	r, a   float64
}

// placeParticles positions the particles at time t, once per frame.
func (s *Scene) placeParticles(t float64) []placed {
	ps := make([]placed, 0, len(s.particles))
	for _, p := range s.particles {
		c, a := p.at(t)
		if a > 0 {
			ps = append(ps, placed{c: c, col: p.col, r: p.radius, a: a})
		}
	}
	return ps
}

// trace shades the ray through image position (px, py) of v with the scene
// posed at now; prev is the previous frame's pose, for the motion of the hit
// surface.
func (s *Scene) trace(v view, px, py float64, now, prev *instant) sample {
	d := v.ray(px, py)
	h := s.intersect(v.eye, d, now)
	var out sample
	if h.shape < 0 {
		out.col = sky(d)
		out.depth = Far
		out.world = v.eye.add(d.mul(Far))
		out.prev = out.world // moves with the camera, handled by the caller
		h.t = math.Inf(1)
	} else {
		sh := &s.shapes[h.shape]
		n := h.normal
		if n.dot(d) > 0 {
			n = n.mul(-1)
		}
		alb := texture(&sh.mat, h.tu, h.tv)
		diff := math.Max(0, n.dot(sunDir))
		amb := 0.25 * (0.6 + 0.4*n.y)
		c := alb.hadamard(sunCol.mul(diff).add(vec{0.6, 0.7, 0.9}.mul(amb)))
		if sh.mat.spec > 0 && diff > 0 {
			hv := sunDir.sub(d).norm()
			c = c.add(sunCol.mul(sh.mat.spec * math.Pow(math.Max(0, n.dot(hv)), sh.mat.shine)))
		}
		out.col = c
		out.world = v.eye.add(d.mul(h.t))
		out.depth = out.world.sub(v.eye).dot(v.fwd)
		out.prev = h.local.add(prev.offs[h.shape])
	}
	// Particles in front of the surface, blended back to front.
	var hits [16]particleHit
	n := 0
	for i := range now.parts {
		p := &now.parts[i]
		oc := p.c.sub(v.eye)
		tc := oc.dot(d)
		if tc <= 0 || tc >= h.t {
			continue
		}
		d2 := oc.dot(oc) - tc*tc
		r2 := p.r * p.r
		if d2 >= r2 || n == len(hits) {
			continue
		}
		hits[n] = particleHit{tc: tc, a: p.a * (1 - d2/r2), col: p.col}
		n++
	}
	if n > 0 {
		sort2(hits[:n])
		trans := 1.0
		for i := 0; i < n; i++ {
			a := hits[i].a
			out.col = out.col.mul(1 - a).add(hits[i].col.mul(a))
			trans *= 1 - a
		}
		out.reactive = 1 - trans
	}
	return out
}

type particleHit struct {
	tc, a float64
	col   vec
}

// sort2 orders particle hits far to near (insertion sort; a handful).
func sort2(h []particleHit) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].tc > h[j-1].tc; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

package render

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// FPS is the frame rate of the built-in animations: frame i shows time i/FPS
// seconds.
const FPS = 30

// Far is the depth written where a ray hits nothing (the sky).
const Far = 1e4

type shapeKind int

const (
	kindPlane shapeKind = iota
	kindSphere
	kindBox
	kindQuad
)

type pattern int

const (
	patSolid   pattern = iota
	patChecker         // fine two-colour checkerboard (aliases at distance)
	patText            // rows of 3×5-pixel glyphs, like signage or a HUD
	patStripes         // thin parallel stripes (moiré)
	patBricks          // bricks with thin mortar lines
	patGrass           // per-cell random blend of two colours
)

type alphaTest int

const (
	alphaNone   alphaTest = iota
	alphaFence            // diagonal chain-link mesh
	alphaWires            // a few thin horizontal wires
	alphaLeaves           // scattered elliptic leaves (foliage cards)
)

type material struct {
	pat        pattern
	a, b       vec     // the pattern's two colours (linear RGB)
	scale      float64 // pattern cells per world unit
	spec       float64 // specular strength (Blinn-Phong)
	shine      float64 // specular exponent
	alpha      alphaTest
	alphaScale float64 // alpha-pattern cells per world unit
}

// motion is a rigid translation over time t in seconds:
// vel·t + amp·sin(freq·t + phase).
type motion struct {
	vel, amp    vec
	freq, phase float64
}

func (m motion) at(t float64) vec {
	return m.vel.mul(t).add(m.amp.mul(math.Sin(m.freq*t + m.phase)))
}

// shape is one primitive: an infinite plane (pos, normal), a sphere (pos,
// radius), an axis-aligned box (pos = centre, half = half extents) or a
// rectangle (pos = corner, edges u and v) that may be alpha-tested.
type shape struct {
	kind   shapeKind
	pos    vec
	normal vec
	radius float64
	half   vec
	u, v   vec
	// Derived for rectangles by NewScene: the normal and edge lengths.
	ulen, vlen float64
	mat        material
	move       motion
}

// particle is a soft translucent puff that rises and fades: it blends over
// the opaque surface behind it and writes the reactive mask, not depth or
// motion, as engines do for particles.
type particle struct {
	base          vec
	radius, alpha float64
	col           vec
	rise, height  float64 // world units per second; height of the loop
	phase         float64 // seconds
}

func (p particle) at(t float64) (vec, float64) {
	f := frac((t + p.phase) * p.rise / p.height)
	c := p.base.add(vec{0.3 * math.Sin(3*f+p.phase), f * p.height, 0})
	return c, p.alpha * math.Sin(math.Pi*f)
}

// camera is a pinhole looking from eye at target; fov is vertical, radians.
type camera struct {
	eye, target vec
	fov         float64
}

// Scene is one built-in animated scene. Render draws its frames.
type Scene struct {
	name      string
	about     string
	shapes    []shape
	particles []particle
	camera    func(t float64) camera
}

// Name is the scene's registry name.
func (s *Scene) Name() string { return s.name }

// About says in one line what the scene stresses.
func (s *Scene) About() string { return s.about }

var sceneBuilders = map[string]func() *Scene{
	"fence":   fenceScene,
	"foliage": foliageScene,
	"city":    cityScene,
}

// Scenes lists the built-in scene names, sorted.
func Scenes() []string {
	names := make([]string, 0, len(sceneBuilders))
	for n := range sceneBuilders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewScene returns the built-in scene called name.
func NewScene(name string) (*Scene, error) {
	b, ok := sceneBuilders[name]
	if !ok {
		return nil, fmt.Errorf("render: unknown scene %q (have %s)", name, strings.Join(Scenes(), ", "))
	}
	s := b()
	for i := range s.shapes {
		if sh := &s.shapes[i]; sh.kind == kindQuad {
			sh.normal = sh.u.cross(sh.v).norm()
			sh.ulen, sh.vlen = sh.u.length(), sh.v.length()
		}
	}
	return s, nil
}

func rgb(r, g, b float64) vec { return vec{r, g, b} }

// fenceScene: a chain-link fence and three thin wires in front of a text
// wall, two glossy balls moving behind the fence, and a camera that sways
// sideways, so thin features and disocclusions move every frame.
func fenceScene() *Scene {
	ground := material{pat: patChecker, a: rgb(0.55, 0.55, 0.5), b: rgb(0.12, 0.12, 0.13), scale: 4}
	wall := material{pat: patText, a: rgb(0.8, 0.78, 0.7), b: rgb(0.05, 0.05, 0.08), scale: 28}
	fence := material{pat: patSolid, a: rgb(0.7, 0.72, 0.75), spec: 0.6, shine: 40, alpha: alphaFence, alphaScale: 5}
	wires := material{pat: patSolid, a: rgb(0.04, 0.04, 0.04), alpha: alphaWires, alphaScale: 2.5}
	red := material{pat: patSolid, a: rgb(0.6, 0.05, 0.04), spec: 1.5, shine: 120}
	blue := material{pat: patStripes, a: rgb(0.1, 0.2, 0.7), b: rgb(0.8, 0.85, 0.9), scale: 6, spec: 1.2, shine: 90}
	return &Scene{
		name:  "fence",
		about: "chain-link fence and thin wires over a text wall, glossy balls moving behind, swaying camera",
		shapes: []shape{
			{kind: kindPlane, pos: vec{}, normal: vec{0, 1, 0}, mat: ground},
			{kind: kindQuad, pos: vec{-8, 0, -7}, u: vec{16, 0, 0}, v: vec{0, 5, 0}, mat: wall},
			{kind: kindQuad, pos: vec{-5, 0, -2.5}, u: vec{10, 0, 0}, v: vec{0, 2, 0}, mat: fence},
			{kind: kindQuad, pos: vec{-6, 2.3, -1.5}, u: vec{12, 0, 0}, v: vec{0, 1.2, 0}, mat: wires},
			{kind: kindSphere, pos: vec{0, 0.7, -4.5}, radius: 0.7, mat: red, move: motion{amp: vec{2.5, 0, 0}, freq: 1.3}},
			{kind: kindSphere, pos: vec{1.5, 1.4, -5.5}, radius: 0.5, mat: blue, move: motion{amp: vec{0, 0.8, 0}, freq: 2.1, phase: 1}},
		},
		camera: func(t float64) camera {
			return camera{eye: vec{0.8 * math.Sin(0.7*t), 1.5, 3}, target: vec{0, 1.2, -4}, fov: 55 * math.Pi / 180}
		},
	}
}

// foliageScene: alpha-tested leaf cards swaying at several depths, a brick
// crate sliding across them (disocclusion) and a camera dollying forward
// while turning.
func foliageScene() *Scene {
	grass := material{pat: patGrass, a: rgb(0.08, 0.2, 0.04), b: rgb(0.2, 0.35, 0.08), scale: 12}
	crate := material{pat: patBricks, a: rgb(0.55, 0.25, 0.15), b: rgb(0.75, 0.72, 0.65), scale: 5, spec: 0.3, shine: 20}
	ball := material{pat: patSolid, a: rgb(0.8, 0.7, 0.1), spec: 1.5, shine: 150}
	s := &Scene{
		name:  "foliage",
		about: "alpha-tested foliage cards swaying at several depths, a crate sliding through, camera dolly and turn",
		shapes: []shape{
			{kind: kindPlane, pos: vec{}, normal: vec{0, 1, 0}, mat: grass},
			{kind: kindBox, pos: vec{-3, 0.6, -3.5}, half: vec{0.6, 0.6, 0.6}, mat: crate, move: motion{vel: vec{1.8, 0, 0}}},
			{kind: kindSphere, pos: vec{1.2, 0.45, -2.2}, radius: 0.45, mat: ball, move: motion{amp: vec{0, 0, 0.8}, freq: 1.7}},
		},
		camera: func(t float64) camera {
			return camera{eye: vec{0.3 * math.Sin(0.5*t), 1.3, 3 - 0.6*t}, target: vec{0.8 * math.Sin(0.4*t), 1.0, -6}, fov: 60 * math.Pi / 180}
		},
	}
	for i := 0; i < 9; i++ {
		x := -4 + float64(i)*1.1 + 0.4*hash2(int64(i), 1, 7)
		z := -1.5 - 4*hash2(int64(i), 2, 7)
		w, h := 1.2+0.8*hash2(int64(i), 3, 7), 1.4+1.2*hash2(int64(i), 4, 7)
		leaf := material{pat: patGrass, a: rgb(0.05, 0.25, 0.03), b: rgb(0.3, 0.5, 0.08), scale: 9, spec: 0.25, shine: 30, alpha: alphaLeaves, alphaScale: 7}
		s.shapes = append(s.shapes, shape{kind: kindQuad, pos: vec{x, 0.2, z}, u: vec{w, 0, 0.3 * w}, v: vec{0, h, 0}, mat: leaf,
			move: motion{amp: vec{0.08, 0, 0.03}, freq: 2 + hash2(int64(i), 5, 7), phase: float64(i)}})
	}
	return s
}

// cityScene: text-covered buildings and a fine checker street under an
// orbiting camera, a glossy ball rolling down the street and a column of
// translucent smoke puffs (reactive mask).
func cityScene() *Scene {
	street := material{pat: patChecker, a: rgb(0.3, 0.3, 0.32), b: rgb(0.6, 0.6, 0.6), scale: 6}
	signs := material{pat: patText, a: rgb(0.1, 0.1, 0.12), b: rgb(0.9, 0.6, 0.1), scale: 24}
	stripes := material{pat: patStripes, a: rgb(0.7, 0.7, 0.72), b: rgb(0.15, 0.2, 0.3), scale: 10}
	bricks := material{pat: patBricks, a: rgb(0.45, 0.18, 0.12), b: rgb(0.7, 0.7, 0.66), scale: 7}
	ball := material{pat: patSolid, a: rgb(0.05, 0.3, 0.1), spec: 2, shine: 200}
	s := &Scene{
		name:  "city",
		about: "buildings covered in text and stripes, fine checker street, rolling glossy ball, translucent smoke, orbiting camera",
		shapes: []shape{
			{kind: kindPlane, pos: vec{}, normal: vec{0, 1, 0}, mat: street},
			{kind: kindBox, pos: vec{-3.5, 2, -5}, half: vec{1.5, 2, 1.5}, mat: signs},
			{kind: kindBox, pos: vec{3.2, 1.5, -6}, half: vec{1.2, 1.5, 2}, mat: stripes},
			{kind: kindBox, pos: vec{0, 3, -11}, half: vec{4, 3, 1}, mat: bricks},
			{kind: kindSphere, pos: vec{-1, 0.5, -7}, radius: 0.5, mat: ball, move: motion{vel: vec{0.2, 0, 1.4}}},
		},
		camera: func(t float64) camera {
			a := 0.35 * math.Sin(0.6*t)
			return camera{eye: vec{5 * math.Sin(a), 1.7, -5 + 7*math.Cos(a)}, target: vec{0, 1.4, -6}, fov: 60 * math.Pi / 180}
		},
	}
	for i := 0; i < 10; i++ {
		s.particles = append(s.particles, particle{
			base: vec{0.6 + 0.6*hash2(int64(i), 1, 3), 0, -4 - 1.5*hash2(int64(i), 2, 3)}, radius: 0.35 + 0.25*hash2(int64(i), 3, 3),
			alpha: 0.55, col: rgb(0.8, 0.8, 0.85), rise: 0.8, height: 3.5, phase: float64(i) * 0.45,
		})
	}
	return s
}

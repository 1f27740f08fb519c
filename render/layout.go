package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trident-lab/trident/internal/atomicfile"
	"github.com/trident-lab/trident/raster"
)

// A sequence directory holds one rendered (or engine-captured) clip:
//
//	DIR/scene.json                 Meta, below
//	DIR/frame0000/color.exr        RGB, render size, linear light, jittered
//	DIR/frame0000/depth.exr        Y, render size, linear view depth (Far = sky)
//	DIR/frame0000/motion.exr       RGB, render size: R = dx, G = dy in render
//	                               pixels, current minus previous position
//	DIR/frame0000/reactive.exr     Y, render size, [0,1]
//	DIR/frame0000/reference.exr    RGB, display size (optional: all or none)
//	DIR/frame0001/...
//
// A path-traced sequence (scene.json "path_spp" > 0, display size = render
// size) holds instead color.exr (noisy, path_spp paths per pixel),
// albedo.exr (RGB), normal.exr (RGB, world-space unit normal, 0 for the
// sky), depth.exr, motion.exr and optionally reference.exr (converged);
// see PathFrame.
//
// Every buffer is uncompressed scan-line OpenEXR, float32 (HALF is also
// read); see Frame for the conventions.

// Buffer file names inside a frame directory.
const (
	ColorFile     = "color.exr"
	DepthFile     = "depth.exr"
	MotionFile    = "motion.exr"
	ReactiveFile  = "reactive.exr"
	ReferenceFile = "reference.exr"
	AlbedoFile    = "albedo.exr"
	NormalFile    = "normal.exr"
	MetaFile      = "scene.json"
)

// MaxFrames bounds the frame count a sequence may declare.
const MaxFrames = 100000

// Meta is scene.json: the clip's sizes and per-frame jitter.
type Meta struct {
	Scene        string  `json:"scene"`
	Frames       int     `json:"frames"`
	Render       [2]int  `json:"render"`  // width, height
	Display      [2]int  `json:"display"` // width, height
	FPS          float64 `json:"fps"`
	ReferenceSPP int     `json:"reference_spp"` // 0: no reference
	// PathSPP > 0 marks a path-traced sequence with that many paths per
	// pixel in color.exr.
	PathSPP int          `json:"path_spp,omitempty"`
	Jitter  [][2]float64 `json:"jitter"` // per frame, render pixels
}

// FrameDir is the directory of frame i inside a sequence directory.
func FrameDir(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("frame%04d", i)) }

// ParseMeta decodes and validates scene.json.
func ParseMeta(data []byte) (Meta, error) {
	var m Meta
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%s: %w", MetaFile, err)
	}
	o := Options{RenderW: m.Render[0], RenderH: m.Render[1], DisplayW: m.Display[0], DisplayH: m.Display[1], ReferenceSPP: m.ReferenceSPP}
	if err := o.Check(); err != nil {
		return m, fmt.Errorf("%s: %w", MetaFile, err)
	}
	switch {
	case m.Frames < 1 || m.Frames > MaxFrames:
		return m, fmt.Errorf("%s: frames %d outside 1..%d", MetaFile, m.Frames, MaxFrames)
	case len(m.Jitter) != m.Frames:
		return m, fmt.Errorf("%s: %d jitter entries for %d frames", MetaFile, len(m.Jitter), m.Frames)
	case !(m.FPS > 0 && m.FPS <= 1000):
		return m, fmt.Errorf("%s: fps %g outside (0, 1000]", MetaFile, m.FPS)
	}
	if m.PathSPP < 0 || m.PathSPP > 65536 {
		return m, fmt.Errorf("%s: path_spp %d outside 0..65536", MetaFile, m.PathSPP)
	}
	if m.PathSPP > 0 && m.Display != m.Render {
		return m, fmt.Errorf("%s: a path-traced sequence has display size = render size, got %v and %v", MetaFile, m.Display, m.Render)
	}
	for i, j := range m.Jitter {
		if !(j[0] >= -0.5 && j[0] <= 0.5 && j[1] >= -0.5 && j[1] <= 0.5) {
			return m, fmt.Errorf("%s: frame %d jitter %v outside [-0.5, 0.5]", MetaFile, i, j)
		}
	}
	return m, nil
}

// WriteMeta writes dir/scene.json atomically.
func WriteMeta(dir string, m Meta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, MetaFile), append(data, '\n'))
}

// WriteFrame writes f's buffers into frame f.Index's directory of dir.
func WriteFrame(dir string, f *Frame) error {
	fd := FrameDir(dir, f.Index)
	if err := os.MkdirAll(fd, 0o755); err != nil {
		return err
	}
	bufs := []struct {
		name string
		m    *raster.Image
	}{{ColorFile, f.Color}, {DepthFile, f.Depth}, {MotionFile, f.Motion}, {ReactiveFile, f.Reactive}, {ReferenceFile, f.Reference}}
	for _, b := range bufs {
		if b.m == nil {
			continue
		}
		if err := raster.Save(filepath.Join(fd, b.name), b.m); err != nil {
			return fmt.Errorf("frame %d: %w", f.Index, err)
		}
	}
	return nil
}

// Sequence is an opened sequence directory.
type Sequence struct {
	Dir          string
	Meta         Meta
	HasReference bool
}

// Open reads dir/scene.json and checks that every frame directory holds
// every required buffer (and a reference in all frames or none), so that a
// missing file is reported before any work starts.
func Open(dir string) (*Sequence, error) {
	data, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, fmt.Errorf("sequence %s: %w", dir, err)
	}
	m, err := ParseMeta(data)
	if err != nil {
		return nil, fmt.Errorf("sequence %s: %w", dir, err)
	}
	s := &Sequence{Dir: dir, Meta: m}
	for i := 0; i < m.Frames; i++ {
		need := []string{ColorFile, DepthFile, MotionFile, ReactiveFile}
		if m.PathSPP > 0 {
			need = []string{ColorFile, AlbedoFile, NormalFile, DepthFile, MotionFile}
		}
		for _, name := range need {
			p := filepath.Join(FrameDir(dir, i), name)
			if _, err := os.Stat(p); err != nil {
				return nil, fmt.Errorf("frame %d: missing %s", i, p)
			}
		}
		_, err := os.Stat(filepath.Join(FrameDir(dir, i), ReferenceFile))
		has := err == nil
		if i == 0 {
			s.HasReference = has
		} else if has != s.HasReference {
			return nil, fmt.Errorf("frame %d: %s present in some frames but not others", i, ReferenceFile)
		}
	}
	return s, nil
}

// Frame loads frame i of a rasterised sequence and checks every buffer's
// size and channel count.
func (s *Sequence) Frame(i int) (*Frame, error) {
	if i < 0 || i >= s.Meta.Frames {
		return nil, fmt.Errorf("frame %d outside 0..%d", i, s.Meta.Frames-1)
	}
	if s.Meta.PathSPP > 0 {
		return nil, fmt.Errorf("%s is a path-traced sequence (read it with PathFrame)", s.Dir)
	}
	rw, rh := s.Meta.Render[0], s.Meta.Render[1]
	load := s.loader(i)
	f := &Frame{Index: i, Jitter: s.Meta.Jitter[i]}
	var err error
	if f.Color, err = load(ColorFile, rw, rh, true); err != nil {
		return nil, err
	}
	if f.Depth, err = load(DepthFile, rw, rh, false); err != nil {
		return nil, err
	}
	if f.Motion, err = load(MotionFile, rw, rh, true); err != nil {
		return nil, err
	}
	if f.Reactive, err = load(ReactiveFile, rw, rh, false); err != nil {
		return nil, err
	}
	if s.HasReference {
		if f.Reference, err = load(ReferenceFile, s.Meta.Display[0], s.Meta.Display[1], true); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// PathFrame loads frame i of a path-traced sequence and checks every
// buffer's size and channel count.
func (s *Sequence) PathFrame(i int) (*PathFrame, error) {
	if i < 0 || i >= s.Meta.Frames {
		return nil, fmt.Errorf("frame %d outside 0..%d", i, s.Meta.Frames-1)
	}
	if s.Meta.PathSPP == 0 {
		return nil, fmt.Errorf("%s is not a path-traced sequence (%s has no path_spp)", s.Dir, MetaFile)
	}
	w, h := s.Meta.Render[0], s.Meta.Render[1]
	load := s.loader(i)
	f := &PathFrame{Index: i}
	for _, b := range []struct {
		name   string
		dst    **raster.Image
		colour bool
	}{{ColorFile, &f.Color, true}, {AlbedoFile, &f.Albedo, true}, {NormalFile, &f.Normal, true}, {DepthFile, &f.Depth, false}, {MotionFile, &f.Motion, true}} {
		m, err := load(b.name, w, h, b.colour)
		if err != nil {
			return nil, err
		}
		*b.dst = m
	}
	if s.HasReference {
		m, err := load(ReferenceFile, w, h, true)
		if err != nil {
			return nil, err
		}
		f.Reference = m
	}
	return f, nil
}

// loader returns a function that loads one buffer of frame i, refusing
// files larger than w×h before decoding and naming the file and frame in
// every error.
func (s *Sequence) loader(i int) func(name string, w, h int, colour bool) (*raster.Image, error) {
	fd := FrameDir(s.Dir, i)
	return func(name string, w, h int, colour bool) (*raster.Image, error) {
		p := filepath.Join(fd, name)
		m, err := raster.Load(p, w*h)
		if errors.Is(err, raster.ErrTooLarge) {
			return nil, fmt.Errorf("frame %d: %s is larger than %dx%d", i, p, w, h)
		}
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", i, err)
		}
		if m.Width != w || m.Height != h {
			return nil, fmt.Errorf("frame %d: %s is %dx%d, want %dx%d", i, p, m.Width, m.Height, w, h)
		}
		want := 1
		if colour {
			want = 3
		}
		if m.ColourChannels() != want {
			return nil, fmt.Errorf("frame %d: %s has %d colour channels, want %d", i, p, m.ColourChannels(), want)
		}
		if m.HasAlpha() {
			m.Planes = m.Planes[:want]
		}
		return m, nil
	}
}

// WritePathFrame writes f's buffers into frame f.Index's directory of dir.
func WritePathFrame(dir string, f *PathFrame) error {
	fd := FrameDir(dir, f.Index)
	if err := os.MkdirAll(fd, 0o755); err != nil {
		return err
	}
	for _, b := range []struct {
		name string
		m    *raster.Image
	}{{ColorFile, f.Color}, {AlbedoFile, f.Albedo}, {NormalFile, f.Normal}, {DepthFile, f.Depth}, {MotionFile, f.Motion}, {ReferenceFile, f.Reference}} {
		if b.m == nil {
			continue
		}
		if err := raster.Save(filepath.Join(fd, b.name), b.m); err != nil {
			return fmt.Errorf("frame %d: %w", f.Index, err)
		}
	}
	return nil
}

// NewMeta describes a clip of frames frames of the built-in scene rendered
// with o, including each frame's jitter.
func NewMeta(scene string, frames int, o Options) Meta {
	m := Meta{Scene: scene, Frames: frames, Render: [2]int{o.RenderW, o.RenderH}, Display: [2]int{o.DisplayW, o.DisplayH}, FPS: FPS, ReferenceSPP: o.ReferenceSPP}
	ph := JitterPhases(o.RenderW, o.DisplayW)
	for i := 0; i < frames; i++ {
		m.Jitter = append(m.Jitter, Jitter(i, ph))
	}
	return m
}

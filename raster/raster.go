// Package raster holds float32 planar images in linear light, the buffers
// that Trident's upscalers, renderer and metrics exchange.
//
// API summary:
//
//   - [Image] is Width×Height with one []float32 plane per channel: 1 = grey,
//     2 = grey+alpha, 3 = RGB, 4 = RGBA. Colour planes hold linear-light values
//     (nominally [0,1], unclamped); alpha is straight (not premultiplied).
//     [New], [Image.Clone], [Image.Crop], [Image.Clamp], [Image.Luma] (Rec. 709
//     luminance), [Image.Grey], [Image.ToSRGB] / [Image.ToLinear] and
//     [Image.Check] cover the usual plumbing.
//   - [Load] / [Decode] read PNG (8/16-bit grey, grey+alpha, RGB, RGBA,
//     paletted), JPEG, PFM and uncompressed scan-line OpenEXR, refusing
//     images over a pixel limit ([DefaultMaxPixels] when the limit passed is
//     0) from the header, before any pixel is decoded. [Save] /
//     [SaveFormat] / [Encode] write PNG 8 or 16 bit, JPEG, PFM and EXR (the
//     last two lossless float32); Save writes atomically (temp file, fsync,
//     rename) and picks the format from the extension.
//   - [FromImage] and [Image.ToImage] convert to and from the standard
//     library's image.Image (sRGB-encoded integers).
//   - [SRGBToLinear] and [LinearToSRGB] are the exact IEC 61966-2-1 piecewise
//     curves; [SRGB8ToLinear] and [LinearToSRGB8] are exact table-driven
//     fast paths for 8-bit data.
package raster

import (
	"fmt"
	"image"
)

// Image is a planar float32 image. Plane c holds channel c row by row,
// Width*Height values each. Colour images are linear-light RGB (and alpha as
// a fourth plane); grey images have one plane (and alpha as a second).
type Image struct {
	Width, Height int
	Planes        [][]float32
}

// New returns a black image of the given size and channel count.
func New(width, height, channels int) *Image {
	m := &Image{Width: width, Height: height, Planes: make([][]float32, channels)}
	for c := range m.Planes {
		m.Planes[c] = make([]float32, width*height)
	}
	return m
}

// Channels reports the number of planes.
func (m *Image) Channels() int { return len(m.Planes) }

// At returns channel c of the pixel at (x, y).
func (m *Image) At(c, x, y int) float32 { return m.Planes[c][y*m.Width+x] }

// Set sets channel c of the pixel at (x, y).
func (m *Image) Set(c, x, y int, v float32) { m.Planes[c][y*m.Width+x] = v }

// HasAlpha reports whether the last plane is alpha (2 or 4 channels).
func (m *Image) HasAlpha() bool { return len(m.Planes) == 2 || len(m.Planes) == 4 }

// ColourChannels reports the number of planes that are not alpha: 1 for grey,
// 3 for RGB.
func (m *Image) ColourChannels() int {
	if m.HasAlpha() {
		return len(m.Planes) - 1
	}
	return len(m.Planes)
}

// Check reports whether m is well formed: positive size, 1 to 4 planes, each
// of Width*Height values. Encoders and metrics call it so that a hand-built
// Image gives an error rather than an index panic.
func (m *Image) Check() error {
	if m == nil {
		return fmt.Errorf("raster: nil image")
	}
	if m.Width <= 0 || m.Height <= 0 {
		return fmt.Errorf("raster: image size %dx%d is not positive", m.Width, m.Height)
	}
	if n := len(m.Planes); n < 1 || n > 4 {
		return fmt.Errorf("raster: image has %d planes, want 1 to 4", n)
	}
	for c, p := range m.Planes {
		if len(p) != m.Width*m.Height {
			return fmt.Errorf("raster: plane %d has %d values, want %dx%d = %d", c, len(p), m.Width, m.Height, m.Width*m.Height)
		}
	}
	return nil
}

// Clone returns a deep copy of m.
func (m *Image) Clone() *Image {
	out := &Image{Width: m.Width, Height: m.Height, Planes: make([][]float32, len(m.Planes))}
	for c, p := range m.Planes {
		out.Planes[c] = append([]float32(nil), p...)
	}
	return out
}

// Crop returns a copy of the part of m inside r, which must be a non-empty
// rectangle within (0,0)-(Width,Height).
func (m *Image) Crop(r image.Rectangle) (*Image, error) {
	if r.Empty() || !r.In(image.Rect(0, 0, m.Width, m.Height)) {
		return nil, fmt.Errorf("raster: crop %v is empty or outside the %dx%d image", r, m.Width, m.Height)
	}
	w, h := r.Dx(), r.Dy()
	out := New(w, h, len(m.Planes))
	for c, p := range m.Planes {
		for y := 0; y < h; y++ {
			src := p[(r.Min.Y+y)*m.Width+r.Min.X:]
			copy(out.Planes[c][y*w:(y+1)*w], src[:w])
		}
	}
	return out, nil
}

// Clamp limits every value of every plane to [lo, hi] in place; NaN becomes lo.
func (m *Image) Clamp(lo, hi float32) {
	for _, p := range m.Planes {
		for i, v := range p {
			switch {
			case v >= lo && v <= hi:
			case v > hi:
				p[i] = hi
			default: // below lo, or NaN
				p[i] = lo
			}
		}
	}
}

// Rec. 709 / sRGB primaries: the luminance weights of linear R, G and B.
const (
	lumaR = 0.2126
	lumaG = 0.7152
	lumaB = 0.0722
)

// Luma returns a one-plane image of the relative luminance of m:
// 0.2126 R + 0.7152 G + 0.0722 B on the linear planes (Rec. 709 / sRGB
// primaries). For a grey image it is a copy of the grey plane. Alpha is
// dropped.
func (m *Image) Luma() *Image {
	out := &Image{Width: m.Width, Height: m.Height, Planes: [][]float32{make([]float32, m.Width*m.Height)}}
	y := out.Planes[0]
	if m.ColourChannels() == 1 {
		copy(y, m.Planes[0])
		return out
	}
	r, g, b := m.Planes[0], m.Planes[1], m.Planes[2]
	for i := range y {
		y[i] = lumaR*r[i] + lumaG*g[i] + lumaB*b[i]
	}
	return out
}

// Grey returns m converted to grey: the luminance plane of [Image.Luma],
// followed by m's alpha plane if it has one. A grey image is copied.
func (m *Image) Grey() *Image {
	out := m.Luma()
	if m.HasAlpha() {
		out.Planes = append(out.Planes, append([]float32(nil), m.Planes[len(m.Planes)-1]...))
	}
	return out
}

// ToSRGB returns a copy of m whose colour planes are sRGB-encoded with the
// exact curve of [LinearToSRGB] (values outside [0,1] are extended, not
// clamped); alpha is copied unchanged.
func (m *Image) ToSRGB() *Image { return m.mapColour(LinearToSRGB) }

// ToLinear is the inverse of [Image.ToSRGB]: it treats m's colour planes as
// sRGB-encoded and returns a copy in linear light.
func (m *Image) ToLinear() *Image { return m.mapColour(SRGBToLinear) }

func (m *Image) mapColour(f func(float32) float32) *Image {
	out := m.Clone()
	for c := 0; c < m.ColourChannels(); c++ {
		p := out.Planes[c]
		for i, v := range p {
			p[i] = f(v)
		}
	}
	return out
}

// Package raster holds float32 planar images in linear light, the buffers
// that Trident's upscalers, renderer and metrics exchange.
package raster

// Image is a planar float32 image. Plane c holds channel c row by row,
// Width*Height values each. Colour images are linear-light RGB (and alpha as
// a fourth plane); grey images have one plane.
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

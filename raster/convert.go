package raster

import (
	"fmt"
	"image"
	"image/color"
)

// FromImage converts a standard library image, whose colours are
// sRGB-encoded integers, to a linear-light Image. Grey images (image.Gray,
// image.Gray16) give one plane; other images give RGB, plus straight alpha
// when the image is not opaque. Premultiplied colours are un-premultiplied.
func FromImage(img image.Image) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch src := img.(type) {
	case *image.Gray:
		m := New(w, h, 1)
		for y := 0; y < h; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+w]
			dst := m.Planes[0][y*w : (y+1)*w]
			for x, v := range row {
				dst[x] = srgb8[v]
			}
		}
		return m
	case *image.Gray16:
		m := New(w, h, 1)
		t := srgb16()
		for y := 0; y < h; y++ {
			row := src.Pix[y*src.Stride : y*src.Stride+2*w]
			dst := m.Planes[0][y*w : (y+1)*w]
			for x := range dst {
				dst[x] = t[uint16(row[2*x])<<8|uint16(row[2*x+1])]
			}
		}
		return m
	case *image.NRGBA:
		return fromBytes4(src.Pix, src.Stride, w, h, src.Opaque(), false)
	case *image.RGBA:
		return fromBytes4(src.Pix, src.Stride, w, h, src.Opaque(), true)
	case *image.YCbCr:
		m := New(w, h, 3)
		r, g, bl := m.Planes[0], m.Planes[1], m.Planes[2]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi := src.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := src.COffset(b.Min.X+x, b.Min.Y+y)
				rr, gg, bb := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				i := y*w + x
				r[i], g[i], bl[i] = srgb8[rr], srgb8[gg], srgb8[bb]
			}
		}
		return m
	}
	return fromGeneric(img)
}

// fromBytes4 converts 8-bit RGBA-ordered pixels, premultiplied or not.
func fromBytes4(pix []uint8, stride, w, h int, opaque, premultiplied bool) *Image {
	channels := 4
	if opaque {
		channels = 3
	}
	m := New(w, h, channels)
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+4*w]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4]
			i := y*w + x
			r, g, b, a := p[0], p[1], p[2], p[3]
			if premultiplied && !opaque && a != 255 {
				r, g, b = unpremultiply8(r, a), unpremultiply8(g, a), unpremultiply8(b, a)
			}
			m.Planes[0][i], m.Planes[1][i], m.Planes[2][i] = srgb8[r], srgb8[g], srgb8[b]
			if !opaque {
				m.Planes[3][i] = float32(a) / 255
			}
		}
	}
	return m
}

func unpremultiply8(c, a uint8) uint8 {
	if a == 0 {
		return 0
	}
	return uint8((uint32(c)*255 + uint32(a)/2) / uint32(a))
}

// fromGeneric handles every other image type through color.NRGBA64Model,
// at 16-bit precision.
func fromGeneric(img image.Image) *Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	opaque := false
	if o, ok := img.(interface{ Opaque() bool }); ok {
		opaque = o.Opaque()
	}
	channels := 4
	if opaque {
		channels = 3
	}
	m := New(w, h, channels)
	t := srgb16()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA64Model.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			i := y*w + x
			m.Planes[0][i], m.Planes[1][i], m.Planes[2][i] = t[c.R], t[c.G], t[c.B]
			if !opaque {
				m.Planes[3][i] = float32(c.A) / 65535
			}
		}
	}
	return m
}

// ToImage converts m to a standard library image with sRGB-encoded integer
// colours of the given bit depth (8 or 16), rounding to nearest and clamping
// to [0,1]. Grey gives image.Gray / image.Gray16, grey+alpha and colour give
// image.NRGBA / image.NRGBA64 (grey replicated to R, G and B).
func (m *Image) ToImage(bitDepth int) (image.Image, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if bitDepth != 8 && bitDepth != 16 {
		return nil, fmt.Errorf("raster: bit depth %d not supported, want 8 or 16", bitDepth)
	}
	w, h := m.Width, m.Height
	colour := m.Planes[:m.ColourChannels()]
	var alpha []float32
	if m.HasAlpha() {
		alpha = m.Planes[len(m.Planes)-1]
	}
	grey := len(colour) == 1
	r, g, b := colour[0], colour[0], colour[0]
	if !grey {
		g, b = colour[1], colour[2]
	}
	rect := image.Rect(0, 0, w, h)
	switch {
	case grey && alpha == nil && bitDepth == 8:
		out := image.NewGray(rect)
		for i, v := range r {
			out.Pix[i] = LinearToSRGB8(v)
		}
		return out, nil
	case grey && alpha == nil:
		out := image.NewGray16(rect)
		for i, v := range r {
			c := LinearToSRGB16(v)
			out.Pix[2*i], out.Pix[2*i+1] = uint8(c>>8), uint8(c)
		}
		return out, nil
	case bitDepth == 8:
		out := image.NewNRGBA(rect)
		for i := range r {
			p := out.Pix[4*i : 4*i+4]
			p[0], p[1], p[2], p[3] = LinearToSRGB8(r[i]), LinearToSRGB8(g[i]), LinearToSRGB8(b[i]), 255
			if alpha != nil {
				p[3] = uint8(quantize(alpha[i], 255))
			}
		}
		return out, nil
	default:
		out := image.NewNRGBA64(rect)
		for i := range r {
			p := out.Pix[8*i : 8*i+8]
			put16(p[0:], LinearToSRGB16(r[i]))
			put16(p[2:], LinearToSRGB16(g[i]))
			put16(p[4:], LinearToSRGB16(b[i]))
			a := uint16(65535)
			if alpha != nil {
				a = quantize(alpha[i], 65535)
			}
			put16(p[6:], a)
		}
		return out, nil
	}
}

func put16(p []uint8, v uint16) { p[0], p[1] = uint8(v>>8), uint8(v) }

// quantize maps a straight alpha value in [0,1] to an integer code in
// [0,max], clamping first; NaN gives 0.
func quantize(v float32, max float32) uint16 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return uint16(max)
	}
	return uint16(v*max + 0.5)
}

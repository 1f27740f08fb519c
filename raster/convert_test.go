package raster

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestFromImage(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 10)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 2, 1))
	copy(rgba.Pix, []uint8{64, 0, 32, 128, 10, 20, 30, 255}) // premultiplied
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.NRGBA{200, 100, 0, 255}, color.NRGBA{0, 0, 255, 255}})
	pal.Pix[1] = 1
	g16 := image.NewGray16(image.Rect(0, 0, 1, 1))
	g16.SetGray16(0, 0, color.Gray16{Y: 0x8000})

	tests := []struct {
		name     string
		img      image.Image
		channels int
		// want holds sRGB-encoded 8-bit codes (or alpha·255) of pixel (0,0) per channel.
		want []float64
	}{
		{"gray sub-image", gray.SubImage(image.Rect(1, 2, 3, 4)), 1, []float64{90}},
		{"premultiplied RGBA", rgba, 4, []float64{128, 0, 64, 128}},
		{"paletted", pal, 3, []float64{200, 100, 0}},
		{"gray16", g16, 1, []float64{float64(0x8000) / 65535 * 255}},
	}
	for _, tt := range tests {
		m := FromImage(tt.img)
		if m.Channels() != tt.channels || m.Width != tt.img.Bounds().Dx() || m.Height != tt.img.Bounds().Dy() {
			t.Errorf("%s: %dx%d×%d", tt.name, m.Width, m.Height, m.Channels())
			continue
		}
		for c, want := range tt.want {
			v := float64(m.At(c, 0, 0))
			if !(m.HasAlpha() && c == m.Channels()-1) {
				v = linearToSRGB64(v)
			}
			if math.Abs(v*255-want) > 1e-3 {
				t.Errorf("%s: channel %d = %v (×255), want %v", tt.name, c, v*255, want)
			}
		}
	}
}

func TestToImageRejects(t *testing.T) {
	if _, err := New(2, 2, 3).ToImage(12); err == nil {
		t.Error("bit depth 12 accepted")
	}
	if _, err := (&Image{Width: 1, Height: 1}).ToImage(8); err == nil {
		t.Error("image without planes accepted")
	}
}

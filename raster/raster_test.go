package raster

import (
	"image"
	"math"
	"strings"
	"testing"
)

// ramp returns a w×h image with distinct values in every sample.
func ramp(w, h, channels int) *Image {
	m := New(w, h, channels)
	for c := range m.Planes {
		for i := range m.Planes[c] {
			m.Planes[c][i] = float32((i*7+c*13)%101) / 100
		}
	}
	return m
}

// smooth returns a w×h image of gentle gradients, which JPEG keeps well.
func smooth(w, h, channels int) *Image {
	m := New(w, h, channels)
	for c := range m.Planes {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				m.Set(c, x, y, SRGBToLinear(0.2+0.6*float32(x+y+c)/float32(w+h+channels)))
			}
		}
	}
	return m
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		m    *Image
		want string
	}{
		{"ok", New(3, 2, 3), ""},
		{"nil", nil, "nil image"},
		{"zero width", New(0, 2, 1), "not positive"},
		{"no planes", New(2, 2, 0), "0 planes"},
		{"five planes", New(2, 2, 5), "5 planes"},
		{"short plane", &Image{Width: 2, Height: 2, Planes: [][]float32{make([]float32, 3)}}, "plane 0 has 3 values"},
	}
	for _, tt := range tests {
		err := tt.m.Check()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	m := ramp(4, 3, 3)
	c := m.Clone()
	c.Set(1, 2, 1, 42)
	if m.At(1, 2, 1) == 42 {
		t.Fatal("Clone shares planes with the original")
	}
}

func TestCrop(t *testing.T) {
	m := ramp(5, 4, 2)
	tests := []struct {
		r  image.Rectangle
		ok bool
	}{
		{image.Rect(1, 1, 4, 3), true},
		{image.Rect(0, 0, 5, 4), true},
		{image.Rect(4, 3, 5, 4), true},
		{image.Rect(3, 3, 6, 4), false},
		{image.Rect(-1, 0, 2, 2), false},
		{image.Rect(2, 2, 2, 3), false},
	}
	for _, tt := range tests {
		got, err := m.Crop(tt.r)
		if (err == nil) != tt.ok {
			t.Errorf("Crop(%v): err = %v, want ok=%v", tt.r, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if got.Width != tt.r.Dx() || got.Height != tt.r.Dy() || got.Channels() != 2 {
			t.Fatalf("Crop(%v) gave %dx%d×%d", tt.r, got.Width, got.Height, got.Channels())
		}
		for c := 0; c < 2; c++ {
			for y := 0; y < got.Height; y++ {
				for x := 0; x < got.Width; x++ {
					if got.At(c, x, y) != m.At(c, x+tt.r.Min.X, y+tt.r.Min.Y) {
						t.Fatalf("Crop(%v) pixel (%d,%d,%d) differs", tt.r, c, x, y)
					}
				}
			}
		}
	}
}

func TestClamp(t *testing.T) {
	m := &Image{Width: 5, Height: 1, Planes: [][]float32{{-1, 0.5, 2, float32(math.NaN()), float32(math.Inf(1))}}}
	m.Clamp(0, 1)
	want := []float32{0, 0.5, 1, 0, 1}
	for i, v := range m.Planes[0] {
		if v != want[i] {
			t.Errorf("value %d = %v, want %v", i, v, want[i])
		}
	}
}

func TestLumaAndGrey(t *testing.T) {
	tests := []struct {
		name     string
		planes   [][]float32
		wantY    float32
		wantGrey int
	}{
		{"red", [][]float32{{1}, {0}, {0}}, 0.2126, 1},
		{"green", [][]float32{{0}, {1}, {0}}, 0.7152, 1},
		{"blue+alpha", [][]float32{{0}, {0}, {1}, {0.5}}, 0.0722, 2},
		{"white", [][]float32{{1}, {1}, {1}}, 1, 1},
		{"grey", [][]float32{{0.3}}, 0.3, 1},
		{"grey+alpha", [][]float32{{0.3}, {0.25}}, 0.3, 2},
	}
	for _, tt := range tests {
		m := &Image{Width: 1, Height: 1, Planes: tt.planes}
		if y := m.Luma(); y.Channels() != 1 || math.Abs(float64(y.Planes[0][0]-tt.wantY)) > 1e-6 {
			t.Errorf("%s: Luma = %v, want %v", tt.name, y.Planes, tt.wantY)
		}
		g := m.Grey()
		if g.Channels() != tt.wantGrey {
			t.Errorf("%s: Grey has %d channels, want %d", tt.name, g.Channels(), tt.wantGrey)
		}
		if m.HasAlpha() && g.Planes[1][0] != tt.planes[len(tt.planes)-1][0] {
			t.Errorf("%s: Grey lost alpha", tt.name)
		}
	}
}

func TestToSRGBKeepsAlpha(t *testing.T) {
	m := &Image{Width: 1, Height: 1, Planes: [][]float32{{0.5}, {0.5}, {0.5}, {0.5}}}
	s := m.ToSRGB()
	if s.Planes[3][0] != 0.5 {
		t.Errorf("alpha changed to %v", s.Planes[3][0])
	}
	if math.Abs(float64(s.Planes[0][0])-0.7353569830524495) > 1e-6 {
		t.Errorf("sRGB(0.5) = %v", s.Planes[0][0])
	}
	back := s.ToLinear()
	if math.Abs(float64(back.Planes[0][0])-0.5) > 1e-6 {
		t.Errorf("round trip gave %v", back.Planes[0][0])
	}
}

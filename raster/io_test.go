package raster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const imagesDir = "../../shared/data/images"

func encoded(t testing.TB, m *Image, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, m, f); err != nil {
		t.Fatalf("Encode %v: %v", f, err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		format   Format
		channels int
		tol      float64 // on sRGB-encoded values
	}{
		{PNG, 1, 0.5 / 255}, {PNG, 2, 0.5 / 255}, {PNG, 3, 0.5 / 255}, {PNG, 4, 0.5 / 255},
		{PNG16, 1, 0.5 / 65535}, {PNG16, 2, 0.5 / 65535}, {PNG16, 3, 0.5 / 65535}, {PNG16, 4, 0.5 / 65535},
		{JPEG, 1, 0.05}, {JPEG, 3, 0.08},
		{PFM, 1, 0}, {PFM, 3, 0},
	}
	for _, tt := range tests {
		m := ramp(23, 17, tt.channels)
		if tt.format == JPEG {
			m = smooth(23, 17, tt.channels)
		}
		data := encoded(t, m, tt.format)
		got, f, err := Decode(bytes.NewReader(data), 0)
		if err != nil {
			t.Fatalf("%v/%d: Decode: %v", tt.format, tt.channels, err)
		}
		if f != tt.format {
			t.Errorf("%v/%d: decoded format %v", tt.format, tt.channels, f)
		}
		wantCh := tt.channels
		if tt.channels == 2 && (tt.format == PNG || tt.format == PNG16) {
			wantCh = 4 // PNG grey+alpha comes back as RGBA from image/png
		}
		if got.Width != m.Width || got.Height != m.Height || got.Channels() != wantCh {
			t.Fatalf("%v/%d: got %dx%d×%d", tt.format, tt.channels, got.Width, got.Height, got.Channels())
		}
		worst := 0.0
		for c := 0; c < wantCh; c++ {
			src := c
			if c >= tt.channels-1 && m.HasAlpha() {
				src = tt.channels - 1
				if c < wantCh-1 {
					src = 0 // replicated grey
				}
			} else if tt.channels == 2 {
				src = 0
			}
			isAlpha := got.HasAlpha() && c == wantCh-1
			for i := range got.Planes[c] {
				a, b := float64(m.Planes[src][i]), float64(got.Planes[c][i])
				if !isAlpha && tt.format != PFM {
					a, b = linearToSRGB64(a), linearToSRGB64(b)
				}
				worst = math.Max(worst, math.Abs(a-b))
			}
		}
		if worst > tt.tol+1e-7 {
			t.Errorf("%v/%d: worst error %v, want <= %v", tt.format, tt.channels, worst, tt.tol)
		}
	}
}

func TestLoadSharedImages(t *testing.T) {
	tests := []struct {
		file          string
		w, h, ch      int
		format        Format
		pixelX, pixY  int
		wantSRGBPixel uint8
	}{
		{"camera.png", 512, 512, 1, PNG, 0, 0, 0},
		{"astronaut.png", 512, 512, 3, PNG, 0, 0, 0},
		{"chelsea.png", 451, 300, 3, PNG, 0, 0, 0},
	}
	for _, tt := range tests {
		path := filepath.Join(imagesDir, tt.file)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("shared images not present: %v", err)
		}
		m, err := Load(path, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m.Width != tt.w || m.Height != tt.h || m.Channels() != tt.ch {
			t.Errorf("%s: %dx%d×%d, want %dx%d×%d", tt.file, m.Width, m.Height, m.Channels(), tt.w, tt.h, tt.ch)
		}
		// Re-encoding an 8-bit image to PNG must give back the same bytes of
		// pixel data: the linear round trip is exact at 8 bits.
		img, _ := m.ToImage(8)
		back := FromImage(img)
		for c := range m.Planes {
			for i := range m.Planes[c] {
				if m.Planes[c][i] != back.Planes[c][i] {
					t.Fatalf("%s: 8-bit round trip changed sample %d of plane %d", tt.file, i, c)
				}
			}
		}
	}
}

// pngHeader builds a PNG signature and IHDR chunk announcing w×h, followed
// by nothing: enough for the size check, never decodable.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	body := make([]byte, 17)
	copy(body, "IHDR")
	binary.BigEndian.PutUint32(body[4:], w)
	binary.BigEndian.PutUint32(body[8:], h)
	body[12], body[13] = 8, 2 // 8-bit RGB
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(body)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(body))
	return b.Bytes()
}

func TestDecodeRefusesBadInput(t *testing.T) {
	png := encoded(t, ramp(40, 30, 3), PNG)
	jpg := encoded(t, ramp(40, 30, 3), JPEG)
	pfm := encoded(t, ramp(40, 30, 3), PFM)
	corrupt := append([]byte(nil), png...)
	for i := 60; i < len(corrupt)-20; i += 3 {
		corrupt[i] ^= 0x5a
	}
	tests := []struct {
		name  string
		data  []byte
		limit int
		want  string
	}{
		{"empty", nil, 0, "empty file"},
		{"unknown", []byte("GIF89a......"), 0, "unrecognised image format"},
		{"png bomb", pngHeader(200000, 200000), 0, "exceeds the pixel limit: 200000x200000 = 40000.0 megapixels, limit 100.0"},
		{"png over custom limit", png, 1000, "exceeds the pixel limit"},
		{"png truncated", png[:len(png)/2], 0, "PNG data is corrupt or truncated"},
		{"png header truncated", png[:20], 0, "truncated"},
		{"png corrupt", corrupt, 0, "PNG data is corrupt or truncated"},
		{"jpeg truncated", jpg[:len(jpg)/3], 0, "JPEG data is corrupt or truncated"},
		{"jpeg header truncated", jpg[:30], 0, "JPEG header: file is truncated"},
		{"jpeg over limit", jpg, 1000, "exceeds the pixel limit"},
		{"pfm truncated", pfm[:len(pfm)-5], 0, "truncated after 29 of 30 rows"},
		{"pfm bomb", []byte("PF\n100000 100000\n-1.0\n"), 0, "exceeds the pixel limit"},
		{"pfm bad width", []byte("PF\nabc 3\n-1.0\n"), 0, "bad width"},
		{"pfm zero scale", []byte("PF\n2 2\n0\n"), 0, "bad scale"},
		{"pfm negative size", []byte("Pf\n-2 2\n-1\n"), 0, "not positive"},
		{"pfm header truncated", []byte("PF\n2 2"), 0, "truncated"},
		{"pfm long token", []byte("PF\n" + strings.Repeat("9", 100)), 0, "too long"},
	}
	for _, tt := range tests {
		_, _, err := Decode(bytes.NewReader(tt.data), tt.limit)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, _, err := Decode(bytes.NewReader(pngHeader(200000, 200000)), 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("bomb error %v does not wrap ErrTooLarge", err)
	}
}

func TestLoadNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bomb.png")
	if err := os.WriteFile(path, pngHeader(50000, 50000), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, 0)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("Load error %v should name %s and wrap ErrTooLarge", err, path)
	}
	if _, err := Load(filepath.Join(dir, "missing.png"), 0); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing file error %v should name the file", err)
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	m := ramp(8, 6, 4)
	tests := []struct {
		file string
		m    *Image
		ok   bool
	}{
		{"a.png", m, true},
		{"b.PNG", m, true},
		{"c.jpg", m, false}, // alpha
		{"d.pfm", m, false}, // alpha
		{"e.pfm", ramp(8, 6, 3), true},
		{"e.exr", m, true},
		{"f.jpeg", ramp(8, 6, 1), true},
		{"g.gif", m, false},
		{"h.png", &Image{Width: 2, Height: 2}, false},
		{"missing/dir/i.png", m, false},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.file)
		err := Save(path, tt.m)
		if (err == nil) != tt.ok {
			t.Errorf("Save(%s): err = %v, want ok=%v", tt.file, err, tt.ok)
		}
		_, statErr := os.Stat(path)
		if tt.ok != (statErr == nil) {
			t.Errorf("Save(%s): file exists = %v, want %v", tt.file, statErr == nil, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.file[strings.LastIndex(tt.file, "/")+1:]) {
			t.Errorf("Save(%s): error %v does not name the file", tt.file, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	// An existing file is replaced whole.
	path := filepath.Join(dir, "a.png")
	if err := SaveFormat(path, ramp(3, 3, 1), PNG16); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, 0)
	if err != nil || got.Width != 3 || got.Channels() != 1 {
		t.Fatalf("replaced file: %v, %+v", err, got)
	}
}

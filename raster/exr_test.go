package raster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEXRRoundTripIsExact(t *testing.T) {
	for ch := 1; ch <= 4; ch++ {
		m := ramp(13, 9, ch)
		m.Planes[0][3] = float32(math.Inf(1))
		m.Planes[0][4] = -2.5e-30
		m.Planes[ch-1][5] = 1e6
		got, f, err := Decode(bytes.NewReader(encoded(t, m, EXR)), 0)
		if err != nil {
			t.Fatalf("%d channels: %v", ch, err)
		}
		if f != EXR || got.Channels() != ch || got.Width != 13 || got.Height != 9 {
			t.Fatalf("%d channels: got %v %dx%d×%d", ch, f, got.Width, got.Height, got.Channels())
		}
		for c := range m.Planes {
			for i, v := range m.Planes[c] {
				if math.Float32bits(v) != math.Float32bits(got.Planes[c][i]) {
					t.Fatalf("%d channels: plane %d sample %d: %v -> %v", ch, c, i, v, got.Planes[c][i])
				}
			}
		}
	}
}

func TestHalfToFloat32(t *testing.T) {
	tests := []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125},
		{0x7bff, 65504}, {0x0001, 1.0 / (1 << 24)}, {0x03ff, 1023.0 / (1 << 24)}, {0x0400, 1.0 / (1 << 14)},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	}
	for _, tt := range tests {
		if got := halfToFloat32(tt.h); got != tt.want {
			t.Errorf("half %#04x = %v, want %v", tt.h, got, tt.want)
		}
	}
	if v := halfToFloat32(0x7e00); !math.IsNaN(float64(v)) {
		t.Errorf("half NaN = %v", v)
	}
	if v := halfToFloat32(0x8000); v != 0 || !math.Signbit(float64(v)) {
		t.Errorf("half -0 = %v", v)
	}
}

// exrPatched rewrites the header of a valid EXR file: edit gets the
// attribute bytes (after magic and version) and returns replacements.
func exrPatched(t *testing.T, version uint32, edit func(hdr []byte) []byte) []byte {
	t.Helper()
	data := encoded(t, ramp(6, 4, 3), EXR)
	end := bytes.Index(data, []byte("screenWindowWidth\x00float\x00\x04\x00\x00\x00")) + len("screenWindowWidth\x00float\x00\x04\x00\x00\x00") + 4
	hdr := edit(append([]byte(nil), data[8:end]...))
	out := binary.LittleEndian.AppendUint32(nil, exrMagic)
	out = binary.LittleEndian.AppendUint32(out, version)
	out = append(out, hdr...)
	return append(out, data[end:]...)
}

func TestEXRRefusesBadInput(t *testing.T) {
	good := encoded(t, ramp(6, 4, 3), EXR)
	setByte := func(attr string, v byte) func([]byte) []byte {
		return func(h []byte) []byte {
			i := bytes.Index(h, []byte(attr)) + len(attr) + 4
			h[i] = v
			return h
		}
	}
	bigWindow := func(h []byte) []byte {
		i := bytes.Index(h, []byte("dataWindow\x00box2i\x00")) + len("dataWindow\x00box2i\x00") + 4
		binary.LittleEndian.PutUint32(h[i+8:], 0x7ffffffe)
		binary.LittleEndian.PutUint32(h[i+12:], 0x7ffffffe)
		return h
	}
	renameRGB := func(h []byte) []byte { return bytes.ReplaceAll(h, []byte("R\x00\x02"), []byte("Z\x00\x02")) }
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated data", good[:len(good)-10], "truncated in line 3 of 4"},
		{"truncated header", good[:60], "truncated"},
		{"ZIP compression", exrPatched(t, 2, setByte("compression\x00compression\x00", 3)), "ZIP compression is not supported"},
		{"tiled", exrPatched(t, 2|exrFlagTiled, func(h []byte) []byte { return h }), "tiled"},
		{"multi-part", exrPatched(t, 2|exrFlagMulti, func(h []byte) []byte { return h }), "multi-part"},
		{"version 1", exrPatched(t, 1, func(h []byte) []byte { return h }), "version 1"},
		{"bomb", exrPatched(t, 2, bigWindow), "exceeds the pixel limit"},
		{"no RGB", exrPatched(t, 2, renameRGB), "hold neither R, G, B nor Y"},
		{"decreasing line order read by y", exrPatched(t, 2, setByte("lineOrder\x00lineOrder\x00", 1)), ""},
	}
	for _, tt := range tests {
		_, _, err := Decode(bytes.NewReader(tt.data), 0)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, _, err := Decode(bytes.NewReader(exrPatched(t, 2, bigWindow)), 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("EXR bomb error %v does not wrap ErrTooLarge", err)
	}
}

// TestEXRInteroperates hands a Trident EXR to the OpenEXR library (Debian's
// openexr tools, when installed): exrmakepreview decodes every pixel and
// writes a new file with an added preview attribute, which Trident must read
// back bit for bit.
func TestEXRInteroperates(t *testing.T) {
	tool, err := exec.LookPath("exrmakepreview")
	if err != nil {
		t.Skip("openexr tools not installed")
	}
	dir := t.TempDir()
	for _, ch := range []int{1, 3, 4} {
		m := ramp(37, 21, ch)
		in, out := filepath.Join(dir, "in.exr"), filepath.Join(dir, "out.exr")
		if err := Save(in, m); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command(tool, in, out).CombinedOutput(); err != nil {
			t.Fatalf("%d channels: exrmakepreview: %v: %s", ch, err, msg)
		}
		got, err := Load(out, 0)
		if err != nil {
			t.Fatalf("%d channels: reading OpenEXR's file: %v", ch, err)
		}
		for c := range m.Planes {
			for i, v := range m.Planes[c] {
				if v != got.Planes[c][i] {
					t.Fatalf("%d channels: plane %d sample %d: %v -> %v", ch, c, i, v, got.Planes[c][i])
				}
			}
		}
		os.Remove(out)
	}
}

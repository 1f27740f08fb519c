package raster

import (
	"bytes"
	"math"
	"testing"
)

// fuzzLimit keeps fuzzed images small so that a header announcing a huge
// image is refused rather than allocated.
const fuzzLimit = 1 << 16

// FuzzDecode feeds arbitrary bytes through the loader's PNG, JPEG, PFM and
// OpenEXR paths: it must return an image or an error, never panic or allocate past
// the limit.
func FuzzDecode(f *testing.F) {
	for _, fm := range []Format{PNG, PNG16, JPEG, PFM, EXR} {
		f.Add(encoded(f, smooth(9, 7, 3), fm))
	}
	f.Add(encoded(f, ramp(5, 4, 4), PNG))
	f.Add(encoded(f, ramp(5, 4, 1), PFM))
	f.Add(encoded(f, ramp(3, 2, 2), EXR))
	f.Add(pngHeader(1<<20, 1<<20))
	f.Add([]byte("Pf\n3 2\n1.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := Decode(bytes.NewReader(data), fuzzLimit)
		if err != nil {
			return
		}
		if cerr := m.Check(); cerr != nil {
			t.Fatalf("decoded image is malformed: %v", cerr)
		}
		if m.Width*m.Height > fuzzLimit {
			t.Fatalf("decoded %dx%d past the limit", m.Width, m.Height)
		}
	})
}

// FuzzPFM checks the PFM parser on arbitrary input and, when it accepts
// the input, that writing and reading the image again is bit-exact.
func FuzzPFM(f *testing.F) {
	f.Add(encoded(f, ramp(4, 3, 3), PFM))
	f.Add(encoded(f, ramp(4, 3, 1), PFM))
	f.Add([]byte("PF\n1 1\n1.0\n\x3f\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("Pf 2 1 -1 \x00\x00\x80\x7f\x00\x00\xc0\x7f"))
	f.Fuzz(func(t *testing.T, data []byte) { reencodeExact(t, data, PFM) })
}

// FuzzEXR is FuzzPFM for the OpenEXR reader.
func FuzzEXR(f *testing.F) {
	for ch := 1; ch <= 4; ch++ {
		f.Add(encoded(f, ramp(3, 2, ch), EXR))
	}
	f.Fuzz(func(t *testing.T, data []byte) { reencodeExact(t, data, EXR) })
}

// reencodeExact decodes data and, if it is an image of format want, checks
// that encoding it again in that format and decoding gives the same bits.
func reencodeExact(t *testing.T, data []byte, want Format) {
	m, format, err := Decode(bytes.NewReader(data), fuzzLimit)
	if err != nil || format != want {
		return
	}
	var buf bytes.Buffer
	if err := Encode(&buf, m, want); err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	back, _, err := Decode(&buf, fuzzLimit)
	if err != nil {
		t.Fatalf("decode of re-encoded image: %v", err)
	}
	for c := range m.Planes {
		for i, v := range m.Planes[c] {
			if math.Float32bits(v) != math.Float32bits(back.Planes[c][i]) {
				t.Fatalf("sample %d of plane %d changed: %v -> %v", i, c, v, back.Planes[c][i])
			}
		}
	}
}

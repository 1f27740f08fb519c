package raster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/trident-lab/trident/internal/atomicfile"
)

// DefaultMaxPixels is the pixel limit that Load and Decode apply when they
// are given 0: 100 megapixels, enough for a 12K frame, small enough that a
// decompression bomb is refused before it allocates gigabytes.
const DefaultMaxPixels = 100_000_000

// JPEGQuality is the quality Trident writes JPEG at.
const JPEGQuality = 95

// ErrTooLarge is wrapped by the error Decode and Load return for an image
// whose header announces more pixels than the limit.
var ErrTooLarge = errors.New("image exceeds the pixel limit")

// Format is an image file format.
type Format int

// The formats Trident reads and writes.
const (
	PNG   Format = iota + 1 // PNG, 8 bits per sample
	PNG16                   // PNG, 16 bits per sample
	JPEG                    // baseline JPEG, no alpha
	PFM                     // Portable Float Map: float32 grey or RGB, lossless
	EXR                     // OpenEXR scan-line, uncompressed: float32, any of grey/RGB with alpha, lossless
)

func (f Format) String() string {
	switch f {
	case PNG:
		return "PNG"
	case PNG16:
		return "PNG (16-bit)"
	case JPEG:
		return "JPEG"
	case PFM:
		return "PFM"
	case EXR:
		return "OpenEXR"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatForPath picks the format for a file name from its extension: .png
// (8-bit), .jpg / .jpeg, .pfm, .exr.
func FormatForPath(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return PNG, nil
	case ".jpg", ".jpeg":
		return JPEG, nil
	case ".pfm":
		return PFM, nil
	case ".exr":
		return EXR, nil
	}
	return 0, fmt.Errorf("%s: unknown image extension %q (want .png, .jpg, .jpeg, .pfm or .exr)", path, filepath.Ext(path))
}

// Load reads the image file at path (PNG, JPEG, PFM or uncompressed
// scan-line OpenEXR, recognised by its content; grey+alpha PNG comes back
// as RGBA), refusing an image of more than maxPixels pixels before decoding
// it; maxPixels 0 means DefaultMaxPixels. Errors name the file.
func Load(path string, maxPixels int) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := Decode(f, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Decode reads a PNG, JPEG, PFM or OpenEXR image from r, recognised by its first
// bytes, and returns it in linear light with the format it was stored in.
// The image size is read from the header first and an image of more than
// maxPixels pixels (0 means DefaultMaxPixels) is refused with an error
// wrapping ErrTooLarge before any pixel data is decoded.
func Decode(r io.Reader, maxPixels int) (*Image, Format, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	br := bufio.NewReader(r)
	magic, err := br.Peek(8)
	if len(magic) == 0 {
		if err == nil || err == io.EOF {
			return nil, 0, errors.New("empty file")
		}
		return nil, 0, err
	}
	switch {
	case bytes.HasPrefix(magic, []byte("\x89PNG\r\n\x1a\n")):
		return decodeStd(br, maxPixels, PNG, png.DecodeConfig, png.Decode)
	case bytes.HasPrefix(magic, []byte{0xff, 0xd8, 0xff}):
		return decodeStd(br, maxPixels, JPEG, jpeg.DecodeConfig, jpeg.Decode)
	case bytes.HasPrefix(magic, []byte{0x76, 0x2f, 0x31, 0x01}):
		m, err := decodeEXR(br, maxPixels)
		return m, EXR, err
	case len(magic) >= 3 && magic[0] == 'P' && (magic[1] == 'F' || magic[1] == 'f') && isSpace(magic[2]):
		m, err := decodePFM(br, maxPixels)
		return m, PFM, err
	}
	return nil, 0, errors.New("unrecognised image format (want PNG, JPEG, PFM or OpenEXR)")
}

// decodeStd checks the header of a PNG or JPEG stream against the pixel
// limit, then decodes the whole stream: the header bytes read by the first
// pass are replayed to the decoder.
func decodeStd(r io.Reader, maxPixels int, f Format,
	config func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) (*Image, Format, error) {
	var header bytes.Buffer
	cfg, err := config(io.TeeReader(r, &header))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, f, fmt.Errorf("%v header: file is truncated (%w)", f, err)
		}
		return nil, f, fmt.Errorf("%v header is corrupt: %w", f, err)
	}
	if err := checkSize(int64(cfg.Width), int64(cfg.Height), maxPixels); err != nil {
		return nil, f, err
	}
	if f == PNG {
		switch cfg.ColorModel {
		case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
			f = PNG16
		}
	}
	img, err := decode(io.MultiReader(&header, r))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, f, fmt.Errorf("%v data: file is truncated (%w)", f, err)
		}
		// The decoders report a cut-off stream as a format error too.
		return nil, f, fmt.Errorf("%v data is corrupt or truncated: %w", f, err)
	}
	return FromImage(img), f, nil
}

func checkSize(w, h int64, maxPixels int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image size %dx%d is not positive", w, h)
	}
	if w > int64(maxPixels)/h { // w*h > maxPixels, without overflow
		return fmt.Errorf("%w: %dx%d = %s, limit %s", ErrTooLarge, w, h, pixels(float64(w)*float64(h)), pixels(float64(maxPixels)))
	}
	return nil
}

// pixels formats a pixel count for an error message.
func pixels(n float64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f megapixels", n/1e6)
	}
	return fmt.Sprintf("%.0f pixels", n)
}

// Save writes m to path in the format its extension names (PNG at 8 bits,
// JPEG at JPEGQuality, PFM), atomically: into a temporary file in the same
// folder, synced, then renamed over path, so a failed or interrupted save
// never leaves a half-written file.
func Save(path string, m *Image) error {
	f, err := FormatForPath(path)
	if err != nil {
		return err
	}
	return SaveFormat(path, m, f)
}

// SaveFormat is Save with an explicit format, e.g. PNG16.
func SaveFormat(path string, m *Image, f Format) error {
	if err := m.Check(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	// atomicfile's errors name the path.
	if err := atomicfile.Write(path, func(w io.Writer) error { return Encode(w, m, f) }); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return nil
}

// Encode writes m to w in format f. PNG and JPEG store sRGB-encoded
// integers (values clamped to [0,1]); PFM stores the float32 values as they
// are, and so does EXR (FLOAT samples, uncompressed). JPEG and PFM refuse
// alpha (PFM holds grey or RGB only).
func Encode(w io.Writer, m *Image, f Format) error {
	if err := m.Check(); err != nil {
		return err
	}
	switch f {
	case PNG, PNG16:
		depth := 8
		if f == PNG16 {
			depth = 16
		}
		img, err := m.ToImage(depth)
		if err != nil {
			return err
		}
		return png.Encode(w, img)
	case JPEG:
		if m.HasAlpha() {
			return errors.New("JPEG cannot store an alpha channel; save as PNG")
		}
		img, err := m.ToImage(8)
		if err != nil {
			return err
		}
		return jpeg.Encode(w, img, &jpeg.Options{Quality: JPEGQuality})
	case PFM:
		return encodePFM(w, m)
	case EXR:
		return encodeEXR(w, m)
	}
	return fmt.Errorf("unknown format %v", f)
}

package raster

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// PFM (Portable Float Map) is a header of three text tokens, "PF" (RGB) or
// "Pf" (grey), "width height" and a scale whose sign gives the byte order
// (negative: little-endian), then one whitespace byte and raw float32
// samples, rows bottom to top, channels interleaved. Trident keeps linear
// light in it unchanged, so it is lossless for intermediate buffers.

// maxPFMToken bounds a header token so garbage input cannot make the reader
// scan far before failing.
const maxPFMToken = 32

func decodePFM(r *bufio.Reader, maxPixels int) (*Image, error) {
	tag, err := pfmToken(r)
	if err != nil {
		return nil, err
	}
	channels := 3
	if tag == "Pf" {
		channels = 1
	}
	var dims [2]int
	for i, name := range []string{"width", "height"} {
		tok, err := pfmToken(r)
		if err != nil {
			return nil, err
		}
		v, err := strconv.Atoi(tok)
		if err != nil {
			return nil, fmt.Errorf("PFM header: bad %s %q", name, tok)
		}
		dims[i] = v
	}
	w, h := dims[0], dims[1]
	if err := checkSize(int64(w), int64(h), maxPixels); err != nil {
		return nil, err
	}
	tok, err := pfmToken(r)
	if err != nil {
		return nil, err
	}
	scale, err := strconv.ParseFloat(tok, 64)
	if err != nil || scale == 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("PFM header: bad scale %q (want a non-zero number)", tok)
	}
	var order binary.ByteOrder = binary.BigEndian
	if scale < 0 {
		order = binary.LittleEndian
	}
	m := New(w, h, channels)
	row := make([]byte, 4*channels*w)
	for y := h - 1; y >= 0; y-- {
		if _, err := io.ReadFull(r, row); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("PFM data: file is truncated after %d of %d rows", h-1-y, h)
			}
			return nil, fmt.Errorf("PFM data: %w", err)
		}
		base := y * w
		for x := 0; x < w; x++ {
			for c := 0; c < channels; c++ {
				m.Planes[c][base+x] = math.Float32frombits(order.Uint32(row[4*(x*channels+c):]))
			}
		}
	}
	return m, nil
}

// pfmToken reads one whitespace-delimited header token and the single
// whitespace byte that ends it (after the scale that byte is the last one
// before the samples, so no more may be consumed).
func pfmToken(r *bufio.Reader) (string, error) {
	var tok []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("PFM header: file is truncated")
			}
			return "", fmt.Errorf("PFM header: %w", err)
		}
		if isSpace(b) {
			if len(tok) == 0 {
				continue
			}
			return string(tok), nil
		}
		if len(tok) == maxPFMToken {
			return "", fmt.Errorf("PFM header: token %q... too long", tok)
		}
		tok = append(tok, b)
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\r' || b == '\t' }

func encodePFM(w io.Writer, m *Image) error {
	var tag string
	switch m.Channels() {
	case 1:
		tag = "Pf"
	case 3:
		tag = "PF"
	default:
		return fmt.Errorf("PFM holds grey or RGB, not %d channels (alpha cannot be stored)", m.Channels())
	}
	if _, err := fmt.Fprintf(w, "%s\n%d %d\n-1.0\n", tag, m.Width, m.Height); err != nil {
		return err
	}
	ch := m.Channels()
	row := make([]byte, 4*ch*m.Width)
	for y := m.Height - 1; y >= 0; y-- {
		base := y * m.Width
		for x := 0; x < m.Width; x++ {
			for c := 0; c < ch; c++ {
				binary.LittleEndian.PutUint32(row[4*(x*ch+c):], math.Float32bits(m.Planes[c][base+x]))
			}
		}
		if _, err := w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

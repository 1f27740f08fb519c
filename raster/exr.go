package raster

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// OpenEXR, the subset Trident needs for lossless float buffers: single-part
// scan-line files without compression. The writer stores FLOAT samples in
// channels R, G, B, A (colour) or Y, A (grey); the reader also takes HALF
// and UINT samples, ignores channels it has no plane for, and refuses
// compressed, tiled, deep and multi-part files with an error saying so.
// Layout (all little-endian): magic 20000630, version 2 with flags, header
// attributes (name, type, size, value) ended by an empty name, one uint64
// offset per scan line, then per line: y, byte count, and the line's
// samples channel by channel in the header's (alphabetical) order.

const (
	exrMagic       = 20000630
	exrVersion     = 2
	exrFlagTiled   = 0x200
	exrFlagLong    = 0x400
	exrFlagDeep    = 0x800
	exrFlagMulti   = 0x1000
	exrMaxHeader   = 1 << 20 // bytes of header attributes accepted
	exrPixelUint   = 0
	exrPixelHalf   = 1
	exrPixelFloat  = 2
	exrCompression = 0 // NO_COMPRESSION, the only one read or written
)

var exrCompressionNames = []string{"none", "RLE", "ZIPS", "ZIP", "PIZ", "PXR24", "B44", "B44A", "DWAA", "DWAB"}

type exrChannel struct {
	name      string
	pixelType int32
	plane     int // destination plane, -1 to skip
}

func (c exrChannel) size() int {
	if c.pixelType == exrPixelHalf {
		return 2
	}
	return 4
}

// exrHeader is what the reader keeps of the header.
type exrHeader struct {
	channels               []exrChannel
	compression            int
	haveChannels, haveData bool
	xMin, yMin, xMax, yMax int32
}

// exrReader reads little-endian values and counts the header bytes.
type exrReader struct {
	r    *bufio.Reader
	read int
}

func (e *exrReader) bytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(e.r, b); err != nil {
		return nil, exrEOF(err)
	}
	e.read += n
	return b, nil
}

func (e *exrReader) cstring(limit int) (string, error) {
	var s []byte
	for {
		b, err := e.r.ReadByte()
		if err != nil {
			return "", exrEOF(err)
		}
		e.read++
		if b == 0 {
			return string(s), nil
		}
		if len(s) == limit {
			return "", fmt.Errorf("EXR header: name %q... longer than %d bytes", s, limit)
		}
		s = append(s, b)
	}
}

func exrEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("EXR: file is truncated")
	}
	return fmt.Errorf("EXR: %w", err)
}

func decodeEXR(r *bufio.Reader, maxPixels int) (*Image, error) {
	e := &exrReader{r: r}
	pre, err := e.bytes(8)
	if err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(pre) != exrMagic {
		return nil, errors.New("EXR: bad magic number")
	}
	version := binary.LittleEndian.Uint32(pre[4:])
	switch {
	case version&0xff != exrVersion:
		return nil, fmt.Errorf("EXR: file format version %d not supported (want 2)", version&0xff)
	case version&exrFlagTiled != 0:
		return nil, errors.New("EXR: tiled files are not supported (scan-line only)")
	case version&(exrFlagDeep|exrFlagMulti) != 0:
		return nil, errors.New("EXR: deep and multi-part files are not supported")
	}
	nameLimit := 31
	if version&exrFlagLong != 0 {
		nameLimit = 255
	}
	h, err := readEXRHeader(e, nameLimit)
	if err != nil {
		return nil, err
	}
	w64, h64 := int64(h.xMax)-int64(h.xMin)+1, int64(h.yMax)-int64(h.yMin)+1
	if w64 <= 0 || h64 <= 0 {
		return nil, fmt.Errorf("EXR header: empty data window (%d,%d)-(%d,%d)", h.xMin, h.yMin, h.xMax, h.yMax)
	}
	if err := checkSize(w64, h64, maxPixels); err != nil {
		return nil, err
	}
	width, height := int(w64), int(h64)
	if h.compression != exrCompression {
		name := fmt.Sprint(h.compression)
		if h.compression < len(exrCompressionNames) {
			name = exrCompressionNames[h.compression]
		}
		return nil, fmt.Errorf("EXR: %s compression is not supported (only uncompressed files)", name)
	}
	channels, err := exrPlanes(h.channels)
	if err != nil {
		return nil, err
	}
	// The offset table: one entry per line. Lines follow it in file order,
	// each naming its own y, so the table itself is not needed.
	if _, err := e.r.Discard(8 * height); err != nil {
		return nil, exrEOF(err)
	}
	lineBytes := 0
	for _, c := range h.channels {
		lineBytes += c.size() * width
	}
	m := New(width, height, channels)
	seen := make([]bool, height)
	line := make([]byte, lineBytes)
	var head [8]byte
	for i := 0; i < height; i++ {
		if _, err := io.ReadFull(e.r, head[:]); err != nil {
			return nil, fmt.Errorf("EXR data: file is truncated after %d of %d lines", i, height)
		}
		y := int64(int32(binary.LittleEndian.Uint32(head[:]))) - int64(h.yMin)
		size := int32(binary.LittleEndian.Uint32(head[4:]))
		if y < 0 || y >= int64(height) || seen[y] {
			return nil, fmt.Errorf("EXR data: line %d: bad or repeated y coordinate", i)
		}
		if int(size) != lineBytes {
			return nil, fmt.Errorf("EXR data: line %d holds %d bytes, want %d", i, size, lineBytes)
		}
		seen[y] = true
		if _, err := io.ReadFull(e.r, line); err != nil {
			return nil, fmt.Errorf("EXR data: file is truncated in line %d of %d", i, height)
		}
		off := 0
		for _, c := range h.channels {
			n := c.size() * width
			if c.plane >= 0 {
				dst := m.Planes[c.plane][int(y)*width : (int(y)+1)*width]
				src := line[off : off+n]
				for x := range dst {
					switch c.pixelType {
					case exrPixelHalf:
						dst[x] = halfToFloat32(binary.LittleEndian.Uint16(src[2*x:]))
					case exrPixelFloat:
						dst[x] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*x:]))
					default:
						dst[x] = float32(binary.LittleEndian.Uint32(src[4*x:]))
					}
				}
			}
			off += n
		}
	}
	return m, nil
}

func readEXRHeader(e *exrReader, nameLimit int) (*exrHeader, error) {
	h := &exrHeader{compression: -1}
	for {
		if e.read > exrMaxHeader {
			return nil, fmt.Errorf("EXR header: longer than %d bytes", exrMaxHeader)
		}
		name, err := e.cstring(nameLimit)
		if err != nil {
			return nil, err
		}
		if name == "" {
			break
		}
		typ, err := e.cstring(nameLimit)
		if err != nil {
			return nil, err
		}
		sz, err := e.bytes(4)
		if err != nil {
			return nil, err
		}
		size := int32(binary.LittleEndian.Uint32(sz))
		if size < 0 || int(size) > exrMaxHeader-e.read {
			return nil, fmt.Errorf("EXR header: attribute %q has bad size %d", name, size)
		}
		value, err := e.bytes(int(size))
		if err != nil {
			return nil, err
		}
		switch {
		case name == "channels" && typ == "chlist":
			if h.channels, err = parseChlist(value); err != nil {
				return nil, err
			}
			h.haveChannels = true
		case name == "compression" && typ == "compression" && size == 1:
			h.compression = int(value[0])
		case name == "dataWindow" && typ == "box2i" && size == 16:
			h.xMin = int32(binary.LittleEndian.Uint32(value))
			h.yMin = int32(binary.LittleEndian.Uint32(value[4:]))
			h.xMax = int32(binary.LittleEndian.Uint32(value[8:]))
			h.yMax = int32(binary.LittleEndian.Uint32(value[12:]))
			h.haveData = true
		case name == "channels" || name == "compression" || name == "dataWindow":
			return nil, fmt.Errorf("EXR header: attribute %q has type %q and size %d", name, typ, size)
		}
	}
	switch {
	case !h.haveChannels:
		return nil, errors.New("EXR header: no channels attribute")
	case !h.haveData:
		return nil, errors.New("EXR header: no dataWindow attribute")
	case h.compression < 0:
		return nil, errors.New("EXR header: no compression attribute")
	}
	return h, nil
}

func parseChlist(v []byte) ([]exrChannel, error) {
	var out []exrChannel
	for len(v) > 0 && v[0] != 0 {
		end := bytes.IndexByte(v, 0)
		if end < 0 || len(v) < end+1+16 {
			return nil, errors.New("EXR header: channel list is truncated")
		}
		c := exrChannel{name: string(v[:end]), plane: -1}
		rest := v[end+1:]
		c.pixelType = int32(binary.LittleEndian.Uint32(rest))
		xs, ys := int32(binary.LittleEndian.Uint32(rest[8:])), int32(binary.LittleEndian.Uint32(rest[12:]))
		if c.pixelType < exrPixelUint || c.pixelType > exrPixelFloat {
			return nil, fmt.Errorf("EXR header: channel %q has unknown pixel type %d", c.name, c.pixelType)
		}
		if xs != 1 || ys != 1 {
			return nil, fmt.Errorf("EXR header: channel %q is subsampled (%d,%d), not supported", c.name, xs, ys)
		}
		out = append(out, c)
		v = rest[16:]
	}
	if len(out) == 0 {
		return nil, errors.New("EXR header: no channels")
	}
	return out, nil
}

// exrPlanes assigns planes to the channels Trident knows (R, G, B, A or Y,
// A) and returns the plane count.
func exrPlanes(chs []exrChannel) (int, error) {
	idx := map[string]int{}
	for i, c := range chs {
		idx[c.name] = i
	}
	_, r := idx["R"]
	_, g := idx["G"]
	_, b := idx["B"]
	_, y := idx["Y"]
	_, a := idx["A"]
	var names []string
	switch {
	case r && g && b:
		names = []string{"R", "G", "B"}
	case y && !r && !g && !b:
		names = []string{"Y"}
	default:
		have := make([]string, len(chs))
		for i, c := range chs {
			have[i] = c.name
		}
		return 0, fmt.Errorf("EXR: channels %v hold neither R, G, B nor Y", have)
	}
	if a {
		names = append(names, "A")
	}
	for p, n := range names {
		chs[idx[n]].plane = p
	}
	return len(names), nil
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0:
		v := float32(mant) / (1 << 24) // subnormal or zero
		if sign != 0 {
			v = -v
		}
		return v
	case 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

func encodeEXR(w io.Writer, m *Image) error {
	var names []string
	switch m.Channels() {
	case 1:
		names = []string{"Y"}
	case 2:
		names = []string{"Y", "A"}
	case 3:
		names = []string{"R", "G", "B"}
	default:
		names = []string{"R", "G", "B", "A"}
	}
	order := slices.Clone(names)
	slices.Sort(order) // channels are stored in alphabetical order
	planeOf := map[string]int{}
	for p, n := range names {
		planeOf[n] = p
	}

	var hdr bytes.Buffer
	le := func(v any) { binary.Write(&hdr, binary.LittleEndian, v) }
	attr := func(name, typ string, value []byte) {
		hdr.WriteString(name + "\x00" + typ + "\x00")
		le(int32(len(value)))
		hdr.Write(value)
	}
	le(uint32(exrMagic))
	le(uint32(exrVersion))
	var chl bytes.Buffer
	for _, n := range order {
		chl.WriteString(n + "\x00")
		binary.Write(&chl, binary.LittleEndian, [4]int32{exrPixelFloat, 0, 1, 1}) // type, pLinear+reserved, x/y sampling
	}
	chl.WriteByte(0)
	attr("channels", "chlist", chl.Bytes())
	attr("compression", "compression", []byte{exrCompression})
	box := func(x0, y0, x1, y1 int32) []byte {
		b := make([]byte, 16)
		for i, v := range []int32{x0, y0, x1, y1} {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
		}
		return b
	}
	win := box(0, 0, int32(m.Width-1), int32(m.Height-1))
	attr("dataWindow", "box2i", win)
	attr("displayWindow", "box2i", win)
	attr("lineOrder", "lineOrder", []byte{0}) // increasing y
	f32 := func(vs ...float32) []byte {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		return b
	}
	attr("pixelAspectRatio", "float", f32(1))
	attr("screenWindowCenter", "v2f", f32(0, 0))
	attr("screenWindowWidth", "float", f32(1))
	hdr.WriteByte(0)

	lineBytes := 4 * len(names) * m.Width
	offsets := make([]byte, 8*m.Height)
	first := uint64(hdr.Len() + len(offsets))
	for y := 0; y < m.Height; y++ {
		binary.LittleEndian.PutUint64(offsets[8*y:], first+uint64(y)*uint64(8+lineBytes))
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	if _, err := w.Write(offsets); err != nil {
		return err
	}
	line := make([]byte, 8+lineBytes)
	binary.LittleEndian.PutUint32(line[4:], uint32(lineBytes))
	for y := 0; y < m.Height; y++ {
		binary.LittleEndian.PutUint32(line, uint32(y))
		off := 8
		for _, n := range order {
			for _, v := range m.Planes[planeOf[n]][y*m.Width : (y+1)*m.Width] {
				binary.LittleEndian.PutUint32(line[off:], math.Float32bits(v))
				off += 4
			}
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

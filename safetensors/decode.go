package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trident-lab/trident/internal/textclip"
)

// Info describes one tensor as a header declares it.
type Info struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are the data_offsets: the tensor's bytes are
	// [Begin, End) of the byte buffer that follows the header.
	Begin, End int64
}

// Header is a validated safetensors header.
type Header struct {
	// Tensors in file order, that is by Begin.
	Tensors []Info
	// Metadata is the "__metadata__" map; nil when the header has none.
	Metadata map[string]string
	// Len is N, the length in bytes of the JSON header, padding included.
	Len int64
	// DataLen is the length in bytes of the byte buffer after the header.
	DataLen int64
}

// FileSize returns the size in bytes of the file the header describes.
func (h *Header) FileSize() int64 { return 8 + h.Len + h.DataLen }

// ReadHeader reads and validates the header of the safetensors file at path
// against the file's size, without reading tensor data: the way to list the
// tensors of a large checkpoint.
func ReadHeader(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return nil, err
	}
	h, err := readHeader(f, size)
	return h, withPath(err, path)
}

// ReadFile reads and validates the safetensors file at path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := fileSize(f)
	if err != nil {
		return nil, err
	}
	file, err := decode(f, size)
	return file, withPath(err, path)
}

// fileSize returns the size of a regular file, or -1 for a pipe or device,
// whose size is known only at EOF.
func fileSize(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !st.Mode().IsRegular() {
		return -1, nil
	}
	return st.Size(), nil
}

// Decode reads one safetensors file from r, which must end where the file
// ends. Memory grows only as data actually arrives, so a header that declares
// more data than r holds costs no more than what r holds; to bound the memory
// an untrusted stream may cost, pass an io.LimitReader.
func Decode(r io.Reader) (*File, error) {
	return decode(r, -1)
}

// withPath puts path into a *FormatError; errors from package os name the
// file already.
func withPath(err error, path string) error {
	var fe *FormatError
	if errors.As(err, &fe) && fe.Path == "" {
		fe.Path = path
	}
	return err
}

// decode reads a whole file from r. size is the file's size, or -1 when it is
// unknown and r is read until EOF.
func decode(r io.Reader, size int64) (*File, error) {
	h, err := readHeader(r, size)
	if err != nil {
		return nil, err
	}
	data, err := readFull(r, h.DataLen, size >= 0)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("", "file ends after %d of the %d data bytes the header declares", len(data), h.DataLen)
		}
		return nil, fmt.Errorf("safetensors: reading tensor data: %w", err)
	}
	if size < 0 {
		var one [1]byte
		switch _, err := io.ReadFull(r, one[:]); {
		case err == nil:
			return nil, formatErr("", "trailing bytes after the %d data bytes the tensors cover", h.DataLen)
		case err != io.EOF:
			return nil, fmt.Errorf("safetensors: reading past tensor data: %w", err)
		}
	}
	f := &File{Tensors: make([]Tensor, len(h.Tensors)), Metadata: h.Metadata}
	for i, in := range h.Tensors {
		// A full slice expression, so that appending to one tensor's Data
		// cannot overwrite its neighbour's.
		f.Tensors[i] = Tensor{Name: in.Name, DType: in.DType, Shape: in.Shape, Data: data[in.Begin:in.End:in.End]}
	}
	return f, nil
}

// readFull reads exactly n bytes. With exact set, n is known to be present
// (it was checked against the file size) and is allocated at once; otherwise
// the buffer grows with the data read, so a lying length cannot force a large
// allocation.
func readFull(r io.Reader, n int64, exact bool) ([]byte, error) {
	if exact {
		buf := make([]byte, n)
		k, err := io.ReadFull(r, buf)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return buf[:k], err
	}
	const chunk = 1 << 20
	buf := make([]byte, 0, min(n, chunk))
	for int64(len(buf)) < n {
		want := int(min(n-int64(len(buf)), max(chunk, int64(len(buf)))))
		buf = slices.Grow(buf, want)
		k, err := io.ReadFull(r, buf[len(buf):len(buf)+want])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// readHeader reads the length field and the header from r and validates them.
// size is the file's size, or -1 when unknown.
func readHeader(r io.Reader, size int64) (*Header, error) {
	if size >= 0 && size < 8 {
		return nil, formatErr("", "file is %d bytes, too short for the 8-byte header length", size)
	}
	var lenField [8]byte
	if k, err := io.ReadFull(r, lenField[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, formatErr("", "file is %d bytes, too short for the 8-byte header length", k)
		}
		return nil, fmt.Errorf("safetensors: reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenField[:])
	if n > MaxHeaderSize {
		return nil, formatErr("", "header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if size >= 0 && n > uint64(size-8) {
		return nil, formatErr("", "header length %d is larger than the %d bytes that follow it in the file", n, size-8)
	}
	hdr, err := readFull(r, int64(n), size >= 0)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr("", "header length is %d but the file ends after %d header bytes", n, len(hdr))
		}
		return nil, fmt.Errorf("safetensors: reading header: %w", err)
	}
	dataLen := int64(-1)
	if size >= 0 {
		dataLen = size - 8 - int64(n)
	}
	h, err := parseHeader(hdr, dataLen)
	if err != nil {
		return nil, err
	}
	h.Len = int64(n)
	return h, nil
}

// parseHeader parses and validates the JSON header. dataLen is the length of
// the byte buffer, or -1 when unknown; then the tensors alone define it.
func parseHeader(hdr []byte, dataLen int64) (*Header, error) {
	if len(hdr) == 0 {
		return nil, formatErr("", "header is empty")
	}
	if !utf8.Valid(hdr) {
		return nil, formatErr("", "header is not valid UTF-8")
	}
	if hdr[0] != '{' {
		return nil, formatErr("", "header does not start with '{' (first byte %q)", hdr[0])
	}
	p := &headerParser{dec: json.NewDecoder(bytes.NewReader(hdr))}
	p.dec.UseNumber()
	h, err := p.parse()
	if err != nil {
		return nil, err
	}
	if err := checkLayout(h, dataLen); err != nil {
		return nil, err
	}
	return h, nil
}

// headerParser walks the header token by token, so that duplicate keys,
// unknown fields and values of the wrong kind are seen (encoding/json's
// Unmarshal would silently keep the last duplicate) and nesting never goes
// deeper than the format's.
type headerParser struct {
	dec *json.Decoder
}

func (p *headerParser) token(tensor string) (json.Token, error) {
	t, err := p.dec.Token()
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, formatErr(tensor, "header JSON ends before its closing '}'")
	}
	if err != nil {
		return nil, formatErr(tensor, "header is not valid JSON (near byte %d): %v", p.dec.InputOffset(), err)
	}
	return t, nil
}

// delim reads a token that must be the delimiter want; what names the value
// expected, for the error.
func (p *headerParser) delim(tensor string, want json.Delim, what string) error {
	t, err := p.token(tensor)
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return formatErr(tensor, "%s must be a JSON %s, found %s", what, kindOf(want), describe(t))
	}
	return nil
}

func kindOf(d json.Delim) string {
	if d == '{' {
		return "object"
	}
	return "array"
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("the string %q", truncate(v))
	case json.Number:
		return "the number " + truncate(string(v))
	case bool:
		return fmt.Sprintf("%v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}

func truncate(s string) string { return textclip.Clip(s, 120) }

func (p *headerParser) key(tensor string) (string, error) {
	t, err := p.token(tensor)
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok { // json.Decoder reports a syntax error first; this is a safeguard
		return "", formatErr(tensor, "object key must be a string, found %s", describe(t))
	}
	return k, nil
}

func (p *headerParser) parse() (*Header, error) {
	if err := p.delim("", '{', "header"); err != nil {
		return nil, err
	}
	h := &Header{}
	seen := make(map[string]bool)
	for p.dec.More() {
		name, err := p.key("")
		if err != nil {
			return nil, err
		}
		if seen[name] {
			if name == metadataKey {
				return nil, formatErr("", "%s appears twice", metadataKey)
			}
			return nil, formatErr(name, "appears twice in the header")
		}
		seen[name] = true
		if name == metadataKey {
			if h.Metadata, err = p.metadata(); err != nil {
				return nil, err
			}
			continue
		}
		info, err := p.info(name)
		if err != nil {
			return nil, err
		}
		h.Tensors = append(h.Tensors, info)
	}
	if _, err := p.token(""); err != nil { // the closing '}'
		return nil, err
	}
	switch t, err := p.dec.Token(); {
	case err == io.EOF:
	case err != nil:
		return nil, formatErr("", "unexpected data after the header's closing '}' (near byte %d)", p.dec.InputOffset())
	default:
		return nil, formatErr("", "found %s after the header's closing '}'", describe(t))
	}
	return h, nil
}

func (p *headerParser) metadata() (map[string]string, error) {
	t, err := p.token("")
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, nil
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, formatErr("", "%s must be a JSON object, found %s", metadataKey, describe(t))
	}
	m := make(map[string]string)
	for p.dec.More() {
		k, err := p.key("")
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, formatErr("", "%s key %q appears twice", metadataKey, truncate(k))
		}
		t, err := p.token("")
		if err != nil {
			return nil, err
		}
		v, ok := t.(string)
		if !ok {
			return nil, formatErr("", "%s value of %q must be a string, found %s", metadataKey, truncate(k), describe(t))
		}
		m[k] = v
	}
	if _, err := p.token(""); err != nil {
		return nil, err
	}
	return m, nil
}

func (p *headerParser) info(name string) (Info, error) {
	in := Info{Name: name}
	if err := p.delim(name, '{', "entry"); err != nil {
		return in, err
	}
	var haveDType, haveShape, haveOffsets bool
	for p.dec.More() {
		field, err := p.key(name)
		if err != nil {
			return in, err
		}
		var dup bool
		switch field {
		case "dtype":
			dup, haveDType = haveDType, true
			if !dup {
				err = p.dtype(&in)
			}
		case "shape":
			dup, haveShape = haveShape, true
			if !dup {
				err = p.shape(&in)
			}
		case "data_offsets":
			dup, haveOffsets = haveOffsets, true
			if !dup {
				err = p.offsets(&in)
			}
		default:
			return in, formatErr(name, "unknown field %q (want dtype, shape, data_offsets)", truncate(field))
		}
		if dup {
			return in, formatErr(name, "field %q appears twice", field)
		}
		if err != nil {
			return in, err
		}
	}
	if _, err := p.token(name); err != nil {
		return in, err
	}
	switch {
	case !haveDType:
		return in, formatErr(name, "missing dtype")
	case !haveShape:
		return in, formatErr(name, "missing shape")
	case !haveOffsets:
		return in, formatErr(name, "missing data_offsets")
	}
	return in, nil
}

func (p *headerParser) dtype(in *Info) error {
	t, err := p.token(in.Name)
	if err != nil {
		return err
	}
	s, ok := t.(string)
	if !ok {
		return formatErr(in.Name, "dtype must be a string, found %s", describe(t))
	}
	if in.DType, err = ParseDType(s); err != nil {
		return formatErr(in.Name, "unknown dtype %q", truncate(s))
	}
	return nil
}

// uint reads a non-negative JSON integer no larger than limit.
func (p *headerParser) uint(in *Info, what string, limit uint64) (uint64, error) {
	t, err := p.token(in.Name)
	if err != nil {
		return 0, err
	}
	num, ok := t.(json.Number)
	if !ok {
		return 0, formatErr(in.Name, "%s must hold integers, found %s", what, describe(t))
	}
	s := string(num)
	if strings.HasPrefix(s, "-") {
		return 0, formatErr(in.Name, "%s has a negative value %s", what, truncate(s))
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, formatErr(in.Name, "%s value %s is too large", what, truncate(s))
		}
		return 0, formatErr(in.Name, "%s value %s is not an integer", what, truncate(s))
	}
	if v > limit {
		return 0, formatErr(in.Name, "%s value %s is too large", what, s)
	}
	return v, nil
}

func (p *headerParser) shape(in *Info) error {
	if err := p.delim(in.Name, '[', "shape"); err != nil {
		return err
	}
	in.Shape = []int{}
	for p.dec.More() {
		d, err := p.uint(in, "shape", math.MaxInt)
		if err != nil {
			return err
		}
		in.Shape = append(in.Shape, int(d))
	}
	_, err := p.token(in.Name)
	return err
}

func (p *headerParser) offsets(in *Info) error {
	if err := p.delim(in.Name, '[', "data_offsets"); err != nil {
		return err
	}
	var v []int64
	for p.dec.More() {
		if len(v) == 2 {
			return formatErr(in.Name, "data_offsets must hold exactly 2 integers, found more")
		}
		o, err := p.uint(in, "data_offsets", math.MaxInt64)
		if err != nil {
			return err
		}
		v = append(v, int64(o))
	}
	if _, err := p.token(in.Name); err != nil {
		return err
	}
	if len(v) != 2 {
		return formatErr(in.Name, "data_offsets must hold exactly 2 integers, found %d", len(v))
	}
	in.Begin, in.End = v[0], v[1]
	return nil
}

// checkLayout checks every tensor's byte range against its dtype and shape and
// against the data buffer, puts the tensors in file order, and checks that they
// tile the buffer exactly. It sets h.DataLen.
func checkLayout(h *Header, dataLen int64) error {
	for _, in := range h.Tensors {
		n, err := ByteSize(in.DType, in.Shape)
		if err != nil {
			return formatErr(in.Name, "%v", err)
		}
		if in.End < in.Begin {
			return formatErr(in.Name, "data_offsets [%d, %d] end before they begin", in.Begin, in.End)
		}
		if in.End-in.Begin != int64(n) {
			return formatErr(in.Name, "data_offsets [%d, %d] span %d bytes, but %v %v needs %d",
				in.Begin, in.End, in.End-in.Begin, in.DType, in.Shape, n)
		}
		if dataLen >= 0 && in.End > dataLen {
			return formatErr(in.Name, "data_offsets [%d, %d] run past the end of the %d-byte data buffer",
				in.Begin, in.End, dataLen)
		}
	}
	slices.SortStableFunc(h.Tensors, func(a, b Info) int {
		return cmp.Or(cmp.Compare(a.Begin, b.Begin), cmp.Compare(a.End, b.End))
	})
	var pos int64
	for i, in := range h.Tensors {
		switch {
		case in.Begin > pos:
			return formatErr(in.Name, "data starts at offset %d, leaving bytes [%d, %d) of the data buffer to no tensor",
				in.Begin, pos, in.Begin)
		case in.Begin < pos:
			prev := h.Tensors[i-1]
			return formatErr(in.Name, "data_offsets [%d, %d] overlap those of tensor %q [%d, %d]",
				in.Begin, in.End, prev.Name, prev.Begin, prev.End)
		}
		pos = in.End
	}
	if dataLen >= 0 && pos != dataLen {
		return formatErr("", "%d unclaimed bytes after the last tensor's data (the tensors cover %d of the %d data bytes)",
			dataLen-pos, pos, dataLen)
	}
	h.DataLen = pos
	return nil
}

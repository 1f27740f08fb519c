// Package safetensors reads and writes the safetensors tensor file format of
// Hugging Face, the checkpoint format of Trident, so that weights move to and
// from PyTorch, JAX, candle and other tools.
//
// A file is an 8-byte little-endian unsigned header length N, N bytes of UTF-8
// JSON (starting with '{', possibly padded with trailing spaces), then the byte
// buffer. The header maps each tensor name to its dtype, shape and
// data_offsets [begin, end) relative to the start of the byte buffer, plus an
// optional "__metadata__" object of string values. Tensor data is raw,
// row-major and little-endian.
//
// The reader treats every file as hostile: the header length, the JSON, each
// dtype, shape and offset pair are checked against each other and against the
// size of the file before any tensor data is read, the tensors must cover the
// byte buffer exactly (no holes, no overlaps, nothing after the last tensor),
// and no allocation is larger than the data actually present. A malformed file
// is refused with one *FormatError naming the problem and the tensor.
//
// The writer produces what the reference implementation produces byte for
// byte: tensors ordered by descending dtype alignment then name, compact JSON
// with "__metadata__" first, the header padded with spaces to a multiple of 8
// bytes so that every tensor's data is aligned to its element size. WriteFile
// replaces its target atomically.
//
// The package knows nothing of any tensor library: a Tensor is a name, a
// dtype, a shape and its raw bytes. Float32 and FromFloat32 convert between
// those bytes and []float32.
package safetensors

import (
	"fmt"
	"math"
	"math/bits"
)

// MaxHeaderSize is the largest header accepted or written, in bytes. It is the
// reference implementation's limit; real headers are at most a few megabytes.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key of the free-form string metadata.
const metadataKey = "__metadata__"

// Tensor is one named tensor: its element type, its shape (outermost dimension
// first; an empty shape is a scalar) and its raw little-endian row-major bytes.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// File is the content of a safetensors file.
type File struct {
	// Tensors in file order when decoded; any order when encoding (the
	// writer sorts). Names are unique.
	Tensors []Tensor
	// Metadata is the optional "__metadata__" map; nil when the file has none.
	Metadata map[string]string
}

// Tensor returns the tensor called name and whether there is one.
func (f *File) Tensor(name string) (Tensor, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// FormatError reports a malformed file, or a File that cannot be written.
type FormatError struct {
	Path   string // the file, when known
	Tensor string // the tensor concerned, or "" when the problem is not one tensor's
	Msg    string
}

// Error returns the problem on one line: file, tensor, what is wrong.
func (e *FormatError) Error() string {
	s := "safetensors: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	if e.Tensor != "" {
		s += fmt.Sprintf("tensor %q: ", truncate(e.Tensor))
	}
	return s + e.Msg
}

func formatErr(tensor, format string, args ...any) error {
	return &FormatError{Tensor: tensor, Msg: fmt.Sprintf(format, args...)}
}

// NumElements returns the product of the dims of shape (1 for a scalar). It
// fails on a negative dim or when the product does not fit in an int.
func NumElements(shape []int) (int, error) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, fmt.Errorf("shape %v has more elements than fit in an int", shape)
		}
		n = lo
	}
	return int(n), nil
}

// ByteSize returns the number of data bytes of a tensor of type d and shape
// shape. Sub-byte types must fill whole bytes (an even number of F4 elements,
// a multiple of four FP6 elements).
func ByteSize(d DType, shape []int) (int, error) {
	if !d.Valid() {
		return 0, fmt.Errorf("invalid dtype %v", d)
	}
	n, err := NumElements(shape)
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(uint64(n), uint64(d.Bits()))
	if hi != 0 || lo/8 > math.MaxInt {
		return 0, fmt.Errorf("%v %v needs more bytes than fit in an int", d, shape)
	}
	if lo%8 != 0 {
		return 0, fmt.Errorf("%d elements of %v (%d bits each) do not fill whole bytes", n, d, d.Bits())
	}
	return int(lo / 8), nil
}

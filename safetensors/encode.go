package safetensors

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/trident-lab/trident/internal/atomicfile"
)

// Encode writes f to w as a safetensors file, laid out as the reference
// implementation lays it out: tensors sorted by descending DType (which is
// descending alignment) and then by name, data in that order, compact JSON
// with "__metadata__" first and its keys sorted, header padded with spaces to
// a multiple of 8 bytes. Metadata nil omits "__metadata__"; an empty non-nil
// map writes it empty.
//
// f is checked completely before anything is written: names unique, valid
// UTF-8 and not "__metadata__"; dtypes valid; shapes non-negative; each
// Data exactly as long as its dtype and shape require.
func Encode(w io.Writer, f *File) error {
	order, hdr, err := prepare(f)
	if err != nil {
		return err
	}
	var lenField [8]byte
	binary.LittleEndian.PutUint64(lenField[:], uint64(len(hdr)))
	if _, err := w.Write(lenField[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for _, i := range order {
		if _, err := w.Write(f.Tensors[i].Data); err != nil {
			return err
		}
	}
	return nil
}

// prepare validates f and returns the order in which its tensors' data is
// written and the padded header.
func prepare(f *File) ([]int, []byte, error) {
	if f == nil {
		return nil, nil, formatErr("", "no File to encode (nil)")
	}
	seen := make(map[string]bool, len(f.Tensors))
	for _, t := range f.Tensors {
		switch {
		case !utf8.ValidString(t.Name):
			return nil, nil, formatErr(t.Name, "name is not valid UTF-8")
		case t.Name == metadataKey:
			return nil, nil, formatErr(t.Name, "name is reserved for the metadata")
		case seen[t.Name]:
			return nil, nil, formatErr(t.Name, "name used by two tensors")
		case !t.DType.Valid():
			return nil, nil, formatErr(t.Name, "invalid dtype %v", t.DType)
		}
		seen[t.Name] = true
		n, err := ByteSize(t.DType, t.Shape)
		if err != nil {
			return nil, nil, formatErr(t.Name, "%v", err)
		}
		if len(t.Data) != n {
			return nil, nil, formatErr(t.Name, "has %d data bytes, but %v %v needs %d", len(t.Data), t.DType, t.Shape, n)
		}
	}
	for k, v := range f.Metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, formatErr("", "%s entry %q is not valid UTF-8", metadataKey, truncate(k))
		}
	}

	order := make([]int, len(f.Tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ta, tb := &f.Tensors[a], &f.Tensors[b]
		return cmp.Or(cmp.Compare(tb.DType, ta.DType), cmp.Compare(ta.Name, tb.Name))
	})

	hdr := []byte{'{'}
	if f.Metadata != nil {
		hdr = appendString(hdr, metadataKey)
		hdr = append(hdr, ":{"...)
		keys := make([]string, 0, len(f.Metadata))
		for k := range f.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				hdr = append(hdr, ',')
			}
			hdr = appendString(hdr, k)
			hdr = append(hdr, ':')
			hdr = appendString(hdr, f.Metadata[k])
		}
		hdr = append(hdr, '}')
	}
	var offset int64
	for i, ti := range order {
		t := &f.Tensors[ti]
		if i > 0 || f.Metadata != nil {
			hdr = append(hdr, ',')
		}
		hdr = appendString(hdr, t.Name)
		hdr = append(hdr, `:{"dtype":"`...)
		hdr = append(hdr, t.DType.String()...)
		hdr = append(hdr, `","shape":[`...)
		for j, d := range t.Shape {
			if j > 0 {
				hdr = append(hdr, ',')
			}
			hdr = strconv.AppendInt(hdr, int64(d), 10)
		}
		hdr = append(hdr, `],"data_offsets":[`...)
		hdr = strconv.AppendInt(hdr, offset, 10)
		hdr = append(hdr, ',')
		offset += int64(len(t.Data))
		hdr = strconv.AppendInt(hdr, offset, 10)
		hdr = append(hdr, "]}"...)
	}
	hdr = append(hdr, '}')
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	if len(hdr) > MaxHeaderSize {
		return nil, nil, formatErr("", "header of %d bytes exceeds the limit of %d bytes", len(hdr), MaxHeaderSize)
	}
	return order, hdr, nil
}

// appendString appends s as a JSON string escaped as serde_json (the reference
// implementation's JSON library) escapes it: quote, backslash and control
// characters only, with lower-case hex.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// WriteFile writes f to path atomically: into a temporary file in the same
// directory, flushed to disk, then renamed over path, and the directory
// synced. A crash leaves either the old file or the complete new one, never
// a partial checkpoint. A new file gets mode 0644; an existing one keeps its
// mode.
func WriteFile(path string, f *File) error {
	var formatErr *FormatError
	err := atomicfile.Write(path, func(w io.Writer) error {
		err := Encode(w, f)
		if errors.As(err, &formatErr) {
			formatErr.Path = path
		}
		return err
	})
	switch {
	case formatErr != nil:
		return formatErr
	case err != nil:
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

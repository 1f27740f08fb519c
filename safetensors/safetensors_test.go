package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// sameFile reports how a and b differ as files of tensors (tensor order
// ignored), or "" when they hold the same tensors bit for bit and the same
// metadata.
func sameFile(a, b *File) string {
	if len(a.Tensors) != len(b.Tensors) {
		return "different numbers of tensors"
	}
	for _, ta := range a.Tensors {
		tb, ok := b.Tensor(ta.Name)
		switch {
		case !ok:
			return "missing tensor " + ta.Name
		case ta.DType != tb.DType:
			return "dtype of " + ta.Name
		case !slices.Equal(ta.Shape, tb.Shape):
			return "shape of " + ta.Name
		case !bytes.Equal(ta.Data, tb.Data):
			return "data of " + ta.Name
		}
	}
	if (a.Metadata == nil) != (b.Metadata == nil) || len(a.Metadata) != len(b.Metadata) {
		return "metadata presence or size"
	}
	for k, v := range a.Metadata {
		if w, ok := b.Metadata[k]; !ok || v != w {
			return "metadata " + k
		}
	}
	return ""
}

func encode(t *testing.T, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

// randomFile holds one tensor of every dtype with random bytes (so NaNs with
// payloads, signed zeros, infinities and subnormals all occur), plus F32
// special values written explicitly.
func randomFile(rng *rand.Rand) *File {
	f := &File{Metadata: map[string]string{"format": "pt", "step": "12", "": "empty key"}}
	for d := BOOL; d <= U64; d++ {
		shape := []int{1 + rng.IntN(3), 8}
		n, _ := ByteSize(d, shape)
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		f.Tensors = append(f.Tensors, Tensor{Name: "t/" + d.String(), DType: d, Shape: shape, Data: data})
	}
	special := []float32{
		float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffbfffff), // quiet NaN with payload, signalling NaN
		math.Float32frombits(1), math.MaxFloat32, -math.SmallestNonzeroFloat32,
	}
	f.Tensors = append(f.Tensors,
		FromFloat32("special", []int{2, 4}, special),
		FromFloat32("scalar", nil, []float32{3}),
		Tensor{Name: "empty", DType: F16, Shape: []int{3, 0, 2}, Data: []byte{}},
	)
	rng.Shuffle(len(f.Tensors), func(i, j int) { f.Tensors[i], f.Tensors[j] = f.Tensors[j], f.Tensors[i] })
	return f
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		f := randomFile(rng)
		if i%2 == 1 {
			f.Metadata = nil
		}
		b := encode(t, f)
		g, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if d := sameFile(f, g); d != "" {
			t.Fatalf("round trip changed %s", d)
		}
		if b2 := encode(t, g); !bytes.Equal(b, b2) {
			t.Fatal("re-encoding a decoded file gives different bytes")
		}
		// Header padded to 8 and every tensor aligned to its element size.
		n := binary.LittleEndian.Uint64(b)
		if n%8 != 0 {
			t.Errorf("header length %d is not a multiple of 8", n)
		}
		h, err := parseHeader(b[8:8+n], int64(len(b))-8-int64(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range h.Tensors {
			if align := int64(max(1, in.DType.Bits()/8)); in.Begin%align != 0 {
				t.Errorf("tensor %s (%v) starts at %d, not aligned to %d", in.Name, in.DType, in.Begin, align)
			}
		}
	}
}

func TestWriteFileReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	f := randomFile(rand.New(rand.NewPCG(3, 4)))
	if err := WriteFile(path, f); err != nil {
		t.Fatal(err)
	}
	g, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameFile(f, g); d != "" {
		t.Fatalf("ReadFile(WriteFile(f)) changed %s", d)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	h, err := ReadHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.FileSize() != st.Size() || len(h.Tensors) != len(f.Tensors) {
		t.Errorf("ReadHeader: size %d with %d tensors, want %d with %d", h.FileSize(), len(h.Tensors), st.Size(), len(f.Tensors))
	}

	// A file that cannot be encoded leaves the old checkpoint untouched and
	// no temporary file behind; an existing file keeps its mode.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := &File{Tensors: []Tensor{{Name: "w", DType: F32, Shape: []int{2}, Data: make([]byte, 7)}}}
	err = WriteFile(path, bad)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Tensor != "w" || fe.Path != path {
		t.Fatalf("WriteFile of a bad tensor: %v, want a FormatError naming the file and tensor w", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("failed WriteFile changed the existing file")
	}
	if err := WriteFile(path, &File{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten file mode %v, want 0600 kept", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after writes, want only the checkpoint", len(entries))
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.safetensors"), f); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

// TestReferenceLayout checks the writer against byte layouts the reference
// implementation's own tests pin down.
func TestReferenceLayout(t *testing.T) {
	tests := []struct {
		name   string
		f      *File
		header string
	}{
		{"one tensor", &File{Tensors: []Tensor{FromFloat32("attn.0", []int{1, 2, 3}, []float32{0, 1, 2, 3, 4, 5})}},
			`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`},
		{"padding", &File{Tensors: []Tensor{FromFloat32("attn0", []int{1, 1, 2, 3}, []float32{0, 1, 2, 3, 4, 5})}},
			`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       `},
		{"empty", &File{}, `{}      `},
		{"metadata only", &File{Metadata: map[string]string{"framework": "pt"}},
			`{"__metadata__":{"framework":"pt"}}     `},
		{"dtype order", &File{Tensors: []Tensor{
			{Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}},
			{Name: "b", DType: F16, Shape: []int{1}, Data: []byte{0, 0x3c}},
			{Name: "c", DType: U8, Shape: []int{1}, Data: []byte{2}},
			FromFloat32("d", []int{1}, []float32{1}),
		}}, `{"d":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[1],"data_offsets":[4,6]},` +
			`"a":{"dtype":"U8","shape":[1],"data_offsets":[6,7]},"c":{"dtype":"U8","shape":[1],"data_offsets":[7,8]}}     `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := encode(t, tc.f)
			n := binary.LittleEndian.Uint64(b)
			if got := string(b[8 : 8+n]); got != tc.header {
				t.Fatalf("header\n got %q\nwant %q", got, tc.header)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/golden.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ReadFile("testdata/golden.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if got := encode(t, f); !bytes.Equal(got, want) {
		t.Errorf("Encode does not reproduce the reference layout of golden.safetensors (%d vs %d bytes)", len(got), len(want))
	}
	if f.Metadata["format"] != "pt" || f.Metadata["note"] != "trident golden file, é \"quoted\"\n" {
		t.Errorf("metadata %q", f.Metadata)
	}
	get := func(name string) []float32 {
		t.Helper()
		tt, ok := f.Tensor(name)
		if !ok {
			t.Fatalf("no tensor %q", name)
		}
		v, err := Float32(tt)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	bitsOf := func(v []float32) []uint32 {
		out := make([]uint32, len(v))
		for i, x := range v {
			out[i] = math.Float32bits(x)
		}
		return out
	}
	wantF32 := []uint32{0x3fc00000, 0x80000000, 0x7f800000, 0xff800000, 0x7f7fffff, 0x7fc00001}
	if got := bitsOf(get("f32")); !slices.Equal(got, wantF32) {
		t.Errorf("f32 bits %#x, want %#x", got, wantF32)
	}
	for _, conv := range []string{"f16", "bf16", "f64"} {
		if got, want := bitsOf(get(conv)), bitsOf(get(conv+"_as_f32")); !slices.Equal(got, want) {
			t.Errorf("%s as float32: bits %#x, Python gives %#x", conv, got, want)
		}
	}
	if tt, _ := f.Tensor("i64"); !bytes.Equal(tt.Data[:8], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("i64 starts % x", tt.Data[:8])
	}
	if v := get("scalar"); len(v) != 1 || v[0] != 42 {
		t.Errorf("scalar %v", v)
	}
	if tt, _ := f.Tensor("empty"); !slices.Equal(tt.Shape, []int{0, 3}) || len(tt.Data) != 0 {
		t.Errorf("empty: shape %v, %d bytes", tt.Shape, len(tt.Data))
	}
	if tt, ok := f.Tensor("odd \"name\" é\\\n\t\x01"); !ok || !bytes.Equal(tt.Data, []byte{7, 9}) {
		t.Error("tensor with escaped name missing or wrong")
	}

	// Appending to one tensor's data must not clobber its neighbour's.
	for _, tt := range f.Tensors {
		_ = append(tt.Data, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA)
	}
	if got := encode(t, f); !bytes.Equal(got, want) {
		t.Error("appending to decoded tensors' Data changed other tensors")
	}

	// The same content written another way.
	g, err := ReadFile("testdata/foreign.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if d := sameFile(f, g); d != "" {
		t.Errorf("foreign.safetensors differs from golden.safetensors: %s", d)
	}
}

func TestFloat32(t *testing.T) {
	// Every half value against a slow reference built from the definition.
	for h := range 1 << 16 {
		sign := 1.0
		if h>>15 == 1 {
			sign = -1
		}
		exp, man := (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case exp == 0x1f && man == 0:
			want = math.Inf(int(sign))
		case exp == 0x1f:
			want = math.NaN()
		case exp == 0:
			want = sign * math.Ldexp(float64(man), -24)
		default:
			want = sign * math.Ldexp(float64(man|0x400), exp-25)
		}
		got := halfToFloat32(uint16(h))
		if math.IsNaN(want) {
			// NaN keeps sign and payload: mantissa bits move up by 13.
			if g := math.Float32bits(got); g != uint32(h>>15)<<31|0x7f800000|uint32(man)<<13 {
				t.Fatalf("half %#04x -> %#08x, want NaN with payload kept", h, g)
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != (sign < 0) {
			t.Fatalf("half %#04x -> %v, want %v", h, got, want)
		}
	}

	f64 := func(vs ...float64) Tensor {
		b := make([]byte, 8*len(vs))
		for i, v := range vs {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return Tensor{Name: "x", DType: F64, Shape: []int{len(vs)}, Data: b}
	}
	got, err := Float32(f64(1e300, -1e300, 1e-300, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(float64(got[0]), 1) || !math.IsInf(float64(got[1]), -1) || got[2] != 0 || got[3] != float32(0.1) {
		t.Errorf("F64 -> float32 %v", got)
	}

	for _, bad := range []Tensor{
		{Name: "ints", DType: I64, Shape: []int{1}, Data: make([]byte, 8)},
		{Name: "short", DType: F32, Shape: []int{2}, Data: make([]byte, 4)},
		{Name: "neg", DType: F32, Shape: []int{-1}},
	} {
		if _, err := Float32(bad); err == nil || !strings.Contains(err.Error(), bad.Name) {
			t.Errorf("Float32(%s): error %v, want one naming the tensor", bad.Name, err)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	ok := FromFloat32("ok", []int{1}, []float32{1})
	tests := []struct {
		name string
		f    *File
		want string
	}{
		{"zero dtype", &File{Tensors: []Tensor{{Name: "w", Shape: []int{1}, Data: []byte{0}}}}, `tensor "w": invalid dtype`},
		{"duplicate", &File{Tensors: []Tensor{ok, ok}}, `tensor "ok": name used by two tensors`},
		{"reserved", &File{Tensors: []Tensor{{Name: "__metadata__", DType: U8, Shape: []int{0}}}}, "reserved"},
		{"utf8 name", &File{Tensors: []Tensor{{Name: "\xff", DType: U8, Shape: []int{0}}}}, "not valid UTF-8"},
		{"utf8 metadata", &File{Metadata: map[string]string{"k": "\xc3"}}, "not valid UTF-8"},
		{"short data", &File{Tensors: []Tensor{FromFloat32("w", []int{2, 2}, []float32{1, 2, 3})}}, "has 12 data bytes, but F32 [2 2] needs 16"},
		{"negative dim", &File{Tensors: []Tensor{{Name: "w", DType: U8, Shape: []int{-2}}}}, "negative"},
		{"odd F4", &File{Tensors: []Tensor{{Name: "w", DType: F4, Shape: []int{3}, Data: []byte{0, 0}}}}, "whole bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Encode(&buf, tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode: %v, want error containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Encode wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// raw builds a file from a header string (not padded) and data bytes.
func raw(header string, data ...byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// malformed lists files every reader must refuse, each with the error it must
// give. stream is the error Decode gives where it differs, not knowing the
// file's size in advance.
var malformed = []struct {
	name         string
	file         []byte
	want, stream string
}{
	{"empty file", nil, "file is 0 bytes, too short", ""},
	{"short length field", []byte{2, 0, 0}, "file is 3 bytes, too short", ""},
	{"header over limit", binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1), "header length 100000001 exceeds the limit", ""},
	{"header length past end", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...),
		"header length 100 is larger than the 2 bytes that follow", "header length is 100 but the file ends after 2 header bytes"},
	{"zero header", raw(""), "header is empty", ""},
	{"not an object", raw(`[{"a":1}]`), "header does not start with '{'", ""},
	{"leading space", raw(` {}`), "header does not start with '{'", ""},
	{"bad utf8", raw("{\"\xff\":1}"), "not valid UTF-8", ""},
	{"truncated JSON", raw(`{"w":{"dtype":"F32"`), `tensor "w": header JSON ends before its closing '}'`, ""},
	{"syntax error", raw(`{"w" {}}`), "header is not valid JSON", ""},
	{"trailing JSON", raw(`{}{}`), "found an object after the header's closing '}'", ""},
	{"trailing garbage", raw(`{} x`), "unexpected data after the header's closing '}'", ""},
	{"entry not object", raw(`{"w":[1]}`), `tensor "w": entry must be a JSON object, found an array`, ""},
	{"unknown dtype", raw(`{"w":{"dtype":"F128","shape":[],"data_offsets":[0,16]}}`, make([]byte, 16)...), `tensor "w": unknown dtype "F128"`, ""},
	{"lower-case dtype", raw(`{"w":{"dtype":"f32","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4)...), `unknown dtype "f32"`, ""},
	{"dtype not string", raw(`{"w":{"dtype":32,"shape":[],"data_offsets":[0,4]}}`), `tensor "w": dtype must be a string, found the number 32`, ""},
	{"missing dtype", raw(`{"w":{"shape":[],"data_offsets":[0,0]}}`), `tensor "w": missing dtype`, ""},
	{"missing shape", raw(`{"w":{"dtype":"U8","data_offsets":[0,0]}}`), `tensor "w": missing shape`, ""},
	{"missing offsets", raw(`{"w":{"dtype":"U8","shape":[0]}}`), `tensor "w": missing data_offsets`, ""},
	{"unknown field", raw(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"offsets":[0,0]}}`), `tensor "w": unknown field "offsets"`, ""},
	{"duplicate field", raw(`{"w":{"dtype":"U8","dtype":"I8","shape":[0],"data_offsets":[0,0]}}`), `tensor "w": field "dtype" appears twice`, ""},
	{"duplicate tensor", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, 0, 0, 0, 0),
		`tensor "w": appears twice in the header`, ""},
	{"duplicate metadata", raw(`{"__metadata__":{},"__metadata__":{}}`), "__metadata__ appears twice", ""},
	{"metadata not object", raw(`{"__metadata__":"pt"}`), `__metadata__ must be a JSON object, found the string "pt"`, ""},
	{"metadata number", raw(`{"__metadata__":{"step":3}}`), `__metadata__ value of "step" must be a string, found the number 3`, ""},
	{"metadata nested", raw(`{"__metadata__":{"a":{"b":"c"}}}`), `__metadata__ value of "a" must be a string, found an object`, ""},
	{"metadata duplicate key", raw(`{"__metadata__":{"a":"1","a":"2"}}`), `__metadata__ key "a" appears twice`, ""},
	{"negative dim", raw(`{"w":{"dtype":"U8","shape":[2,-1],"data_offsets":[0,0]}}`), `tensor "w": shape has a negative value -1`, ""},
	{"fractional dim", raw(`{"w":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}}`), `tensor "w": shape value 1.5 is not an integer`, ""},
	{"exponent dim", raw(`{"w":{"dtype":"U8","shape":[1e2],"data_offsets":[0,100]}}`), `shape value 1e2 is not an integer`, ""},
	{"nested shape", raw(`{"w":{"dtype":"U8","shape":[[1]],"data_offsets":[0,1]}}`), `tensor "w": shape must hold integers, found an array`, ""},
	{"shape not array", raw(`{"w":{"dtype":"U8","shape":4,"data_offsets":[0,4]}}`), `tensor "w": shape must be a JSON array, found the number 4`, ""},
	{"huge dim", raw(`{"w":{"dtype":"U8","shape":[100000000000000000000],"data_offsets":[0,0]}}`), `shape value 100000000000000000000 is too large`, ""},
	{"element count overflow", raw(`{"w":{"dtype":"U8","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}`),
		`tensor "w": shape [4294967296 4294967296 4] has more elements than fit in an int`, ""},
	{"byte count overflow", raw(`{"w":{"dtype":"F64","shape":[4294967296,536870912],"data_offsets":[0,0]}}`),
		`tensor "w": F64 [4294967296 536870912] needs more bytes than fit in an int`, ""},
	{"F4 half byte", raw(`{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}}`, 0), `tensor "w": 3 elements of F4 (4 bits each) do not fill whole bytes`, ""},
	{"one offset", raw(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[0]}}`), `tensor "w": data_offsets must hold exactly 2 integers, found 1`, ""},
	{"three offsets", raw(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0,0]}}`), `data_offsets must hold exactly 2 integers, found more`, ""},
	{"negative offset", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}`, 0), `tensor "w": data_offsets has a negative value -1`, ""},
	{"offset over int64", raw(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[9223372036854775808,9223372036854775808]}}`),
		`data_offsets value 9223372036854775808 is too large`, ""},
	{"size mismatch", raw(`{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}`, make([]byte, 12)...),
		`tensor "w": data_offsets [0, 12] span 12 bytes, but F32 [2 2] needs 16`, ""},
	{"end before begin", raw(`{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, make([]byte, 4)...), `tensor "w": data_offsets [4, 0] end before they begin`, ""},
	{"past end", raw(`{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, make([]byte, 8)...),
		`tensor "w": data_offsets [0, 16] run past the end of the 8-byte data buffer`, "file ends after 8 of the 16 data bytes"},
	{"lying size", raw(`{"w":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, 1, 2, 3),
		`data_offsets [0, 1099511627776] run past the end of the 3-byte data buffer`, "file ends after 3 of the 1099511627776 data bytes"},
	{"hole at start", raw(`{"w":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, 0, 0, 0, 0),
		`tensor "w": data starts at offset 2, leaving bytes [0, 2) of the data buffer to no tensor`, ""},
	{"hole between", raw(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}`, 0, 0, 0),
		`tensor "b": data starts at offset 2, leaving bytes [1, 2)`, ""},
	{"overlap", raw(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, 0, 0, 0, 0),
		`tensor "b": data_offsets [2, 4] overlap those of tensor "a" [0, 4]`, ""},
	{"same range twice", raw(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}`, 0, 0, 0, 0),
		`tensor "b": data_offsets [0, 4] overlap those of tensor "a" [0, 4]`, ""},
	{"empty tensor inside another", raw(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[0],"data_offsets":[2,2]}}`, 0, 0, 0, 0),
		`tensor "b": data_offsets [2, 2] overlap those of tensor "a" [0, 4]`, ""},
	{"trailing bytes", raw(`{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, 0, 0, 0),
		`1 unclaimed bytes after the last tensor's data (the tensors cover 2 of the 3 data bytes)`, "trailing bytes after the 2 data bytes the tensors cover"},
	{"data without tensors", raw(`{}`, 0), `1 unclaimed bytes after the last tensor's data`, "trailing bytes after the 0 data bytes"},
}

func TestMalformed(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "case"+string(rune('a'+i%26))+".safetensors")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			check := func(how string, err error, want string) {
				t.Helper()
				var fe *FormatError
				switch {
				case err == nil:
					t.Fatalf("%s accepted the file", how)
				case !errors.As(err, &fe):
					t.Fatalf("%s: %v is not a *FormatError", how, err)
				case !strings.Contains(err.Error(), want):
					t.Fatalf("%s:\n got %v\nwant it to contain %q", how, err, want)
				case strings.Contains(err.Error(), "\n"):
					t.Fatalf("%s: error spans lines: %q", how, err)
				}
			}
			_, err := ReadFile(path)
			check("ReadFile", err, tc.want)
			if !strings.Contains(err.Error(), path) {
				t.Errorf("ReadFile error %q does not name the file", err)
			}
			// Every case is visible in the header and the file size alone.
			_, err = ReadHeader(path)
			check("ReadHeader", err, tc.want)
			want := tc.want
			if tc.stream != "" {
				want = tc.stream
			}
			_, err = Decode(bytes.NewReader(tc.file))
			check("Decode", err, want)
		})
	}
}

// TestLyingHeaderAllocations checks that a header promising far more than the
// stream holds costs memory in proportion to what the stream holds.
func TestLyingHeaderAllocations(t *testing.T) {
	cases := map[string][]byte{
		"huge tensor": raw(`{"w":{"dtype":"U8","shape":[1099511627776],"data_offsets":[0,1099511627776]}}`, 1, 2, 3),
		"huge header": append(binary.LittleEndian.AppendUint64(nil, MaxHeaderSize), `{"w":`...),
	}
	for name, file := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Decode(bytes.NewReader(file))
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
			t.Errorf("%s: Decode allocated %d bytes for a %d-byte input", name, n, len(file))
		}
	}
}

func TestHeaderTolerance(t *testing.T) {
	// Valid variations other writers produce: whitespace inside and after
	// the JSON, escapes, metadata anywhere, scalars, zero-size tensors at
	// either end, null metadata.
	tests := []struct {
		name string
		file []byte
		n    int
	}{
		{"padding", raw(`{}        `), 0},
		{"newlines", raw("{\n \"w\" : {\"dtype\" :\"U8\",\r\n\t\"shape\":[1], \"data_offsets\":[0,1]}}\n"), 1},
		{"escaped name", raw(`{"\u00e9\"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`), 1},
		{"metadata last", raw(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"__metadata__":{"a":"b"}}`), 1},
		{"null metadata", raw(`{"__metadata__":null}`), 0},
		{"empty tensors", raw(`{"z":{"dtype":"F32","shape":[0],"data_offsets":[1,1]},"a":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`), 3},
		{"F6 four elements", raw(`{"w":{"dtype":"F6_E2M3","shape":[2,2],"data_offsets":[0,3]}}`), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Each case's data buffer: as many zero bytes as its tensors cover.
			data := tc.file
			h, err := parseHeader(data[8:], -1)
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, make([]byte, h.DataLen)...)
			f, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Tensors) != tc.n {
				t.Fatalf("%d tensors, want %d", len(f.Tensors), tc.n)
			}
			if _, err := Decode(bytes.NewReader(encode(t, f))); err != nil {
				t.Fatalf("re-encoded file does not decode: %v", err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range malformed {
		f.Add(tc.file)
	}
	for _, name := range []string{"testdata/golden.safetensors", "testdata/foreign.safetensors"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, randomFile(rand.New(rand.NewPCG(5, 6)))); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Decode(bytes.NewReader(data))
		h, errSized := decode(bytes.NewReader(data), int64(len(data)))
		if (err == nil) != (errSized == nil) {
			t.Fatalf("streaming and sized decoding disagree: %v vs %v", err, errSized)
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.As(errSized, &fe) {
				t.Fatalf("error is not a *FormatError: %v / %v", err, errSized)
			}
			if strings.Contains(err.Error(), "\n") || strings.Contains(errSized.Error(), "\n") {
				t.Fatalf("error spans lines: %q / %q", err, errSized)
			}
			return
		}
		if d := sameFile(g, h); d != "" {
			t.Fatalf("streaming and sized decoding differ in %s", d)
		}
		// Anything accepted re-encodes to a file that decodes to the same
		// tensors, and is canonical from then on.
		var b1 bytes.Buffer
		if err := Encode(&b1, g); err != nil {
			t.Fatalf("decoded file does not encode: %v", err)
		}
		g2, err := Decode(bytes.NewReader(b1.Bytes()))
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		if d := sameFile(g, g2); d != "" {
			t.Fatalf("re-encoding changed %s", d)
		}
		var b2 bytes.Buffer
		if err := Encode(&b2, g2); err != nil || !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("encoding is not canonical (err %v)", err)
		}
		for _, tt := range g.Tensors {
			switch tt.DType {
			case F32, F16, BF16, F64:
				if _, err := Float32(tt); err != nil {
					t.Fatalf("Float32 of decoded tensor: %v", err)
				}
			}
		}
	})
}

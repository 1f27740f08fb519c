package safetensors

import (
	"bytes"
	"path/filepath"
	"testing"
)

// benchFile is a 64 MiB checkpoint of 64 F32 tensors of 1 MiB elements each.
func benchFile() *File {
	f := &File{Metadata: map[string]string{"format": "pt"}}
	v := make([]float32, 1<<18)
	for i := range v {
		v[i] = float32(i)
	}
	for i := range 64 {
		f.Tensors = append(f.Tensors, FromFloat32("layer"+string(rune('A'+i%26))+string(rune('a'+i/26))+".weight", []int{512, 512}, v))
	}
	return f
}

func BenchmarkEncode(b *testing.B) {
	f := benchFile()
	var buf bytes.Buffer
	b.SetBytes(64 << 20)
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFile(b *testing.B) {
	f := benchFile()
	path := filepath.Join(b.TempDir(), "bench.safetensors")
	b.SetBytes(64 << 20)
	for b.Loop() {
		if err := WriteFile(path, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.safetensors")
	if err := WriteFile(path, benchFile()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(64 << 20)
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFloat32(b *testing.B) {
	for _, d := range []DType{F32, F16, BF16, F64} {
		b.Run(d.String(), func(b *testing.B) {
			n := 1 << 20
			t := Tensor{Name: "x", DType: d, Shape: []int{n}, Data: make([]byte, n*d.Bits()/8)}
			b.SetBytes(int64(len(t.Data)))
			for b.Loop() {
				if _, err := Float32(t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

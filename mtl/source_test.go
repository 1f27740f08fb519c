package mtl

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCSVErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	var sb strings.Builder
	sb.WriteString("x,c,y\n")
	for i := 0; i < 40; i++ {
		sb.WriteString("1,a,0\n2,b,1\n")
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  SourceOptions
		want string
	}{
		{"no task", SourceOptions{}, "--task"},
		{"no kind", SourceOptions{Tasks: []string{"y"}}, `--task "y"`},
		{"no name", SourceOptions{Tasks: []string{":binary"}}, `--task ":binary"`},
		{"unknown kind", SourceOptions{Tasks: []string{"y:ordinal"}}, "ordinal"},
		{"repeated task", SourceOptions{Tasks: []string{"y:binary", "y:regression"}}, "already a target"},
		{"unknown task column", SourceOptions{Tasks: []string{"z:binary"}}, `"z"`},
		{"unknown dense", SourceOptions{Tasks: []string{"y:binary"}, Dense: []string{"w"}}, `"w"`},
		{"unknown drop", SourceOptions{Tasks: []string{"y:binary"}, Drop: []string{"w"}}, `"w"`},
		{"unknown categorical", SourceOptions{Tasks: []string{"y:binary"}, Categorical: []string{"w"}}, "--categorical w"},
		{"categorical and dense", SourceOptions{Tasks: []string{"y:binary"}, Dense: []string{"x"}, Categorical: []string{"x"}}, "--categorical x"},
		{"categorical target", SourceOptions{Tasks: []string{"y:binary"}, Categorical: []string{"y"}}, "--categorical y"},
	}
	for _, tt := range tests {
		_, err := OpenSource("csv:"+path, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	sp, err := OpenSource("csv:"+path, SourceOptions{Tasks: []string{"y:binary"}, Categorical: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Train.Categorical) != 2 || len(sp.Train.DenseNames) != 0 {
		t.Fatalf("--categorical x: dense %v, categorical %v", sp.Train.DenseNames, sp.Train.Categorical)
	}
}

func TestParseSynthetic(t *testing.T) {
	cfg, err := parseSynthetic("p=-0.25,rows=500,seed=9")
	if err != nil || cfg.P != -0.25 || cfg.Rows != 500 || cfg.Seed != 9 {
		t.Fatalf("parseSynthetic = %+v, %v", cfg, err)
	}
	for _, tt := range []struct{ arg, want string }{
		{"p", "not key=value"},
		{"q=1", `unknown setting "q"`},
		{"p=NaN", "synthetic: p"},
		{"p=1.5", "synthetic: p"},
		{"rows=0", "synthetic: rows"},
		{"rows=99999999999", "synthetic: rows"},
		{"rows=ten", "synthetic: rows"},
		{"seed=-1", "synthetic: seed"},
	} {
		if _, err := parseSynthetic(tt.arg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.arg, err, tt.want)
		}
	}
}

func FuzzParseSynthetic(f *testing.F) {
	f.Add("p=0.5,rows=12000,seed=1")
	f.Add("")
	f.Fuzz(func(t *testing.T, arg string) {
		cfg, err := parseSynthetic(arg)
		if err != nil {
			return
		}
		if cfg.Rows < 12 || cfg.Rows > maxSyntheticRows || !(cfg.P >= -1 && cfg.P <= 1) {
			t.Fatalf("accepted %+v", cfg)
		}
	})
}

// writeIDX writes an IDX file of unsigned bytes, gzip-compressed.
func writeIDX(t *testing.T, path string, dims []int, data []byte) {
	var raw bytes.Buffer
	raw.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		raw.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	raw.Write(data)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(raw.Bytes())
	w.Close()
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDigitsErrors(t *testing.T) {
	tests := []struct {
		name       string
		imageDims  []int
		labels     []byte
		wantInFile string
		want       string
	}{
		{"label out of range", []int{2, 28, 28}, []byte{3, 12}, "t10k-labels-idx1-ubyte.gz", "label 12 of image 1"},
		{"count mismatch", []int{2, 28, 28}, []byte{3}, "", "do not form a set"},
		{"not 28x28", []int{2, 28, 27}, []byte{3, 4}, "", "do not form a set"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		n := 1
		for _, d := range tt.imageDims {
			n *= d
		}
		writeIDX(t, filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), tt.imageDims, make([]byte, n))
		writeIDX(t, filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"), []int{len(tt.labels)}, tt.labels)
		_, err := LoadDigits(dir, "t10k")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.wantInFile) {
			t.Errorf("%s: error %v, want %q naming %q", tt.name, err, tt.want, tt.wantInFile)
		}
	}
	if _, err := LoadDigits(t.TempDir(), "train"); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
		t.Errorf("missing files: error %v, want one naming the images file", err)
	}
}

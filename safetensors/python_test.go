package safetensors

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// python3 returns the path of a Python 3 interpreter, skipping the test
// when there is none: these tests check against an independent
// implementation where one is at hand; the golden files cover the rest.
func python3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	return p
}

// TestPythonReader has testdata/read_file.py, a reader written from the
// format description with Python's struct and json, read files Encode wrote,
// and compares what it sees (offsets, bytes, and Python's own F16/F64 to
// float32 conversions) with what Decode and Float32 see.
func TestPythonReader(t *testing.T) {
	py := python3(t)
	script, err := filepath.Abs("testdata/read_file.py")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 3 {
		f := randomFile(rng)
		path := filepath.Join(dir, strconv.Itoa(i)+".safetensors")
		if err := WriteFile(path, f); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(py, script, path).Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Fatalf("read_file.py: %v: %s", err, msg)
		}
		var got struct {
			Metadata map[string]string
			Tensors  map[string]struct {
				DType      string
				Shape      []int
				Begin, End int64
				SHA256     string
				Floats     []string
			}
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		h, err := ReadHeader(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Tensors) != len(f.Tensors) || len(got.Metadata) != len(f.Metadata) {
			t.Fatalf("Python sees %d tensors and %d metadata entries, want %d and %d",
				len(got.Tensors), len(got.Metadata), len(f.Tensors), len(f.Metadata))
		}
		for _, in := range h.Tensors {
			p := got.Tensors[in.Name]
			if p.DType != in.DType.String() || !slices.Equal(p.Shape, in.Shape) || p.Begin != in.Begin || p.End != in.End {
				t.Errorf("%s: Python sees %s %v [%d, %d], Go %v %v [%d, %d]",
					in.Name, p.DType, p.Shape, p.Begin, p.End, in.DType, in.Shape, in.Begin, in.End)
			}
			tt, _ := f.Tensor(in.Name)
			sum := sha256.Sum256(tt.Data)
			if p.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: Python reads different bytes", in.Name)
			}
			if p.Floats == nil {
				continue
			}
			v, err := Float32(tt)
			if err != nil {
				t.Fatal(err)
			}
			for j, s := range p.Floats {
				want, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("%s[%d]: Python printed %q", in.Name, j, s)
				}
				if g := float64(v[j]); !(g == want && math.Signbit(g) == math.Signbit(want) || math.IsNaN(g) && math.IsNaN(want)) {
					t.Errorf("%s[%d] (%v): Go %v, Python %v", in.Name, j, in.DType, g, want)
				}
			}
		}
	}
}

// TestGoldenScript regenerates the golden files and checks that the checked-in
// ones are what testdata/make_golden.py writes.
func TestGoldenScript(t *testing.T) {
	py := python3(t)
	script, err := filepath.Abs("testdata/make_golden.py")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(py, script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make_golden.py: %v\n%s", err, out)
	}
	for _, name := range []string{"golden.safetensors", "foreign.safetensors"} {
		fresh, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		kept, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, kept) {
			t.Errorf("testdata/%s is not what make_golden.py writes", name)
		}
	}
}

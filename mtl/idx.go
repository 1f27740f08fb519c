package mtl

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/trident-lab/trident/nn"
)

// maxIDXBytes bounds the payload of an IDX file (MNIST's training images
// are 47 MB).
const maxIDXBytes = 256 << 20

// ReadIDX reads an IDX file of unsigned bytes (the format of MNIST and
// Fashion-MNIST): a magic number 0x0000 0x08 ndim, ndim big-endian
// dimension sizes, then the data. It returns the dimensions and the bytes.
func ReadIDX(r io.Reader) (dims []int, data []byte, err error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, nil, fmt.Errorf("idx: reading magic number: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, nil, fmt.Errorf("idx: bad magic number % x", magic)
	}
	if magic[2] != 0x08 {
		return nil, nil, fmt.Errorf("idx: element type 0x%02x, only unsigned bytes (0x08) are supported", magic[2])
	}
	nd := int(magic[3])
	if nd < 1 || nd > 4 {
		return nil, nil, fmt.Errorf("idx: %d dimensions, want 1 to 4", nd)
	}
	total := 1
	for i := 0; i < nd; i++ {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, nil, fmt.Errorf("idx: reading dimension %d: %w", i, err)
		}
		if d == 0 || d > maxIDXBytes || total > maxIDXBytes/int(d) {
			return nil, nil, fmt.Errorf("idx: dimensions %v×%d exceed the %d-byte limit or are empty", dims, d, maxIDXBytes)
		}
		dims = append(dims, int(d))
		total *= int(d)
	}
	// Read as the data arrives rather than allocating what the header
	// declares: a short (or gzip-compressed) file that claims the limit
	// then costs only what it holds.
	data, err = io.ReadAll(io.LimitReader(r, int64(total)))
	if err != nil {
		return nil, nil, fmt.Errorf("idx: reading %d bytes of data: %w", total, err)
	}
	if len(data) != total {
		return nil, nil, fmt.Errorf("idx: %d bytes of data expected, the file ends after %d", total, len(data))
	}
	return dims, data, nil
}

// readIDXFile reads an IDX file, gunzipping it when its name ends in .gz.
func readIDXFile(path string) ([]int, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	dims, data, err := ReadIDX(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return dims, data, nil
}

// DigitSet is a set of 28×28 grey images with labels 0–9 (MNIST or
// Fashion-MNIST).
type DigitSet struct {
	Images [][]byte // 784 bytes each, row-major
	Labels []byte
}

// LoadDigits reads the images and labels files of an MNIST-format set
// (prefix "train" or "t10k") from dir.
func LoadDigits(dir, prefix string) (*DigitSet, error) {
	find := func(kind string) string {
		base := dir + "/" + prefix + "-" + kind + "-idx"
		if kind == "images" {
			base += "3-ubyte"
		} else {
			base += "1-ubyte"
		}
		if _, err := os.Stat(base + ".gz"); err == nil {
			return base + ".gz"
		}
		return base
	}
	idims, img, err := readIDXFile(find("images"))
	if err != nil {
		return nil, err
	}
	labelsPath := find("labels")
	ldims, lab, err := readIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(idims) != 3 || idims[1] != 28 || idims[2] != 28 || len(ldims) != 1 || ldims[0] != idims[0] {
		return nil, fmt.Errorf("%s: images %v and labels %v do not form a set of 28×28 images", dir, idims, ldims)
	}
	s := &DigitSet{Labels: lab}
	for i := 0; i < idims[0]; i++ {
		s.Images = append(s.Images, img[i*784:(i+1)*784])
	}
	for i, l := range lab {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d of image %d is not in 0–9", labelsPath, l, i)
		}
	}
	return s, nil
}

// MultiDigit builds the two-task overlay data set of Sener and Koltun's
// MultiMNIST (and Lin et al.'s MultiFashion): for each image, a second one
// drawn at random is placed on a 36×36 canvas, the first at the top left and
// the second 6 pixels down and right of it; where they overlap the brighter
// pixel wins; the canvas is area-resampled to 28×28. Task "left" predicts
// the first image's label, task "right" the second's. Pixels are scaled to
// [0, 1].
func MultiDigit(name string, s *DigitSet, rows int, seed uint64) (*Dataset, error) {
	if rows <= 0 || rows > len(s.Images) {
		return nil, fmt.Errorf("%s: %d rows requested from a set of %d images", name, rows, len(s.Images))
	}
	rng := nn.NewRNG(seed)
	d := &Dataset{
		Name: name, Rows: rows, Channels: 1, Height: 28, Width: 28,
		Dense:   make([]float32, rows*784),
		Tasks:   []Task{{Name: "left", Kind: Multiclass, Classes: 10}, {Name: "right", Kind: Multiclass, Classes: 10}},
		Targets: [][]float32{make([]float32, rows), make([]float32, rows)},
	}
	var canvas [36 * 36]float32
	taps := newAreaTaps(36, 28)
	for r := 0; r < rows; r++ {
		other := rng.IntN(len(s.Images))
		clear(canvas[:])
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				canvas[y*36+x] = float32(s.Images[r][y*28+x]) / 255
			}
		}
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				i := (y+6)*36 + x + 6
				canvas[i] = max(canvas[i], float32(s.Images[other][y*28+x])/255)
			}
		}
		taps.resample(canvas[:], 36, d.Dense[r*784:(r+1)*784])
		d.Targets[0][r] = float32(s.Labels[r])
		d.Targets[1][r] = float32(s.Labels[other])
	}
	return d, nil
}

// areaTaps gives, for each destination pixel along one axis of an area
// resampling from n to m pixels, the first source pixel and the weights of
// the source pixels it covers.
type areaTaps struct {
	first   []int
	weights [][]float32
}

func newAreaTaps(n, m int) areaTaps {
	scale := float64(n) / float64(m)
	t := areaTaps{first: make([]int, m), weights: make([][]float32, m)}
	for i := 0; i < m; i++ {
		a, b := float64(i)*scale, float64(i+1)*scale
		lo, hi := int(a), min(int(math.Ceil(b)), n)
		t.first[i] = lo
		for k := lo; k < hi; k++ {
			t.weights[i] = append(t.weights[i], float32((min(b, float64(k+1))-max(a, float64(k)))/scale))
		}
	}
	return t
}

// resample shrinks a square image of side n (the taps' source size) to
// side m by averaging the source area each destination pixel covers.
func (t areaTaps) resample(src []float32, n int, dst []float32) {
	m := len(t.first)
	for y := 0; y < m; y++ {
		y0, wy := t.first[y], t.weights[y]
		for x := 0; x < m; x++ {
			x0, wx := t.first[x], t.weights[x]
			var s float32
			for j, a := range wy {
				row := src[(y0+j)*n+x0:]
				for i, b := range wx {
					s += a * b * row[i]
				}
			}
			dst[y*m+x] = s
		}
	}
}

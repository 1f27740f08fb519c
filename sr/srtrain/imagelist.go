package srtrain

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/upscale"
	"github.com/trident-lab/trident/upscale/upbench"
)

// Limits of an image list, checked while it is read.
const (
	MaxListImages = 10000
	MaxListLine   = 4096
	MaxReduce     = 16
)

// ListEntry is one training image named by an image list.
type ListEntry struct {
	Path   string // as written in the list
	Reduce int    // area reduction in linear light before use; 1 = none
}

// ParseImageList reads an image list: one training image per line, its
// path and optionally an integer reduction factor (1 to MaxReduce),
// separated by white space. Blank lines and lines starting with # are
// skipped. A factor above 1 shrinks the image by that much with the area
// filter in linear light before it is used as a high-resolution original:
// JPEG photos carry compression artefacts and often camera softness that
// reduction averages away, as DIV2K-style training sets do with their
// downscaled originals. Paths may not contain white space; name is the
// list's file, for messages.
func ParseImageList(r io.Reader, name string) ([]ListEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), MaxListLine)
	var out []ListEntry
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) > 2 {
			return nil, fmt.Errorf("%s:%d: want PATH [REDUCE], got %d fields", name, line, len(f))
		}
		e := ListEntry{Path: f[0], Reduce: 1}
		if len(f) == 2 {
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 1 || n > MaxReduce {
				return nil, fmt.Errorf("%s:%d: reduction %q is not an integer from 1 to %d", name, line, f[1], MaxReduce)
			}
			e.Reduce = n
		}
		if len(out) == MaxListImages {
			return nil, fmt.Errorf("%s:%d: more than %d images", name, line, MaxListImages)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no images listed", name)
	}
	return out, nil
}

// ReadImageList parses the image list at path and resolves its relative
// paths against the list's directory.
func ReadImageList(path string) ([]ListEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	es, err := ParseImageList(f, path)
	if err != nil {
		return nil, err
	}
	for i := range es {
		if !filepath.IsAbs(es[i].Path) {
			es[i].Path = filepath.Join(filepath.Dir(path), es[i].Path)
		}
	}
	return es, nil
}

// LoadListed loads the images of a list in linear light, each reduced by
// its factor, named by its path (and factor, if any).
func LoadListed(ctx context.Context, es []ListEntry) ([]upbench.Photo, error) {
	out := make([]upbench.Photo, 0, len(es))
	for _, e := range es {
		m, err := raster.Load(e.Path, raster.DefaultMaxPixels)
		if err != nil {
			return nil, err
		}
		name := e.Path
		if e.Reduce > 1 {
			if m, err = Reduce(ctx, m, e.Reduce); err != nil {
				return nil, fmt.Errorf("%s: %w", e.Path, err)
			}
			name = fmt.Sprintf("%s/%d", e.Path, e.Reduce)
		}
		out = append(out, upbench.Photo{Name: name, Image: m})
	}
	return out, nil
}

// Reduce shrinks a linear-light image by the integer factor n with the
// area filter, dropping the last rows and columns that do not fill a block.
func Reduce(ctx context.Context, m *raster.Image, n int) (*raster.Image, error) {
	w, h := m.Width/n, m.Height/n
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("%dx%d is too small to reduce by %d", m.Width, m.Height, n)
	}
	crop, err := m.Crop(image.Rect(0, 0, w*n, h*n))
	if err != nil {
		return nil, err
	}
	return upscale.AreaDownscale(ctx, crop, w, h)
}

// SameImage reports whether a and b hold the same pixels, so that a
// validation photo listed again for training can be refused.
func SameImage(a, b *raster.Image) bool {
	if a.Width != b.Width || a.Height != b.Height || len(a.Planes) != len(b.Planes) {
		return false
	}
	for c := range a.Planes {
		for i, v := range a.Planes[c] {
			if b.Planes[c][i] != v {
				return false
			}
		}
	}
	return true
}

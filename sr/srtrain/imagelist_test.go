package srtrain

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

func TestParseImageList(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []ListEntry
		err        string
	}{
		{"plain", "a.png\nb.jpg\n", []ListEntry{{"a.png", 1}, {"b.jpg", 1}}, ""},
		{"reduce", "# comment\n\n  /x/y.jpg 4  \nz.png 1\n", []ListEntry{{"/x/y.jpg", 4}, {"z.png", 1}}, ""},
		{"tabs, no final newline", "a.png\t2", []ListEntry{{"a.png", 2}}, ""},
		{"three fields", "a.png 2 3\n", nil, "list:1: want PATH [REDUCE], got 3 fields"},
		{"reduce 0", "a.png\nb.png 0\n", nil, `list:2: reduction "0" is not an integer`},
		{"reduce big", "a.png 17\n", nil, `reduction "17"`},
		{"reduce word", "a.png two\n", nil, `reduction "two"`},
		{"empty", "# nothing\n\n", nil, "list: no images listed"},
		{"long line", strings.Repeat("x", MaxListLine+1), nil, "too long"},
	} {
		got, err := ParseImageList(strings.NewReader(tc.text), "list")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := ParseImageList(strings.NewReader(strings.Repeat("a.png\n", MaxListImages+1)), "list"); err == nil {
		t.Errorf("%d images: no error", MaxListImages+1)
	}
}

func FuzzParseImageList(f *testing.F) {
	f.Add("a.png\n# c\n/b/c.jpg 4\n")
	f.Add("a.png 2 3")
	f.Add("x 99999999999999999999")
	f.Fuzz(func(t *testing.T, text string) {
		es, err := ParseImageList(strings.NewReader(text), "fuzz")
		if err != nil {
			return
		}
		if len(es) == 0 || len(es) > MaxListImages {
			t.Fatalf("%d entries without an error", len(es))
		}
		for _, e := range es {
			if e.Path == "" || strings.ContainsAny(e.Path, " \t\n") || e.Reduce < 1 || e.Reduce > MaxReduce {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

// Reduce against the block mean computed directly.
func TestReduce(t *testing.T) {
	m := card(23, 17)
	for _, n := range []int{1, 2, 3, 5} {
		got, err := Reduce(context.Background(), m, n)
		if err != nil {
			t.Fatal(err)
		}
		if got.Width != 23/n || got.Height != 17/n {
			t.Fatalf("reduce %d: %dx%d", n, got.Width, got.Height)
		}
		for c := range m.Planes {
			for y := 0; y < got.Height; y++ {
				for x := 0; x < got.Width; x++ {
					var sum float64
					for j := 0; j < n; j++ {
						for i := 0; i < n; i++ {
							sum += float64(m.Planes[c][(y*n+j)*m.Width+x*n+i])
						}
					}
					want := sum / float64(n*n)
					if d := float64(got.Planes[c][y*got.Width+x]) - want; d > 1e-5 || d < -1e-5 {
						t.Fatalf("reduce %d: plane %d (%d,%d) = %g, block mean %g", n, c, x, y, got.Planes[c][y*got.Width+x], want)
					}
				}
			}
		}
	}
	if _, err := Reduce(context.Background(), m, 18); err == nil {
		t.Error("reducing 23x17 by 18: no error")
	}
}

func TestReadAndLoadImageList(t *testing.T) {
	dir := t.TempDir()
	a, b := card(40, 30), card(24, 24)
	for name, m := range map[string]*raster.Image{"a.png": a, "sub/b.png": b} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := raster.Save(filepath.Join(dir, name), m); err != nil {
			t.Fatal(err)
		}
	}
	list := filepath.Join(dir, "train.list")
	if err := os.WriteFile(list, []byte("a.png 2\n"+filepath.Join(dir, "sub/b.png")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	es, err := ReadImageList(list)
	if err != nil {
		t.Fatal(err)
	}
	photos, err := LoadListed(context.Background(), es)
	if err != nil {
		t.Fatal(err)
	}
	if len(photos) != 2 || photos[0].Image.Width != 20 || photos[0].Image.Height != 15 || photos[1].Image.Width != 24 {
		t.Fatalf("loaded %d photos, first %dx%d", len(photos), photos[0].Image.Width, photos[0].Image.Height)
	}
	if want := filepath.Join(dir, "a.png") + "/2"; photos[0].Name != want {
		t.Errorf("name %q, want %q", photos[0].Name, want)
	}
	loadedB, err := raster.Load(filepath.Join(dir, "sub/b.png"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !SameImage(photos[1].Image, loadedB) || SameImage(photos[0].Image, loadedB) {
		t.Error("SameImage does not tell the listed images apart")
	}
	if err := os.WriteFile(list, []byte("missing.png\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	es, err = ReadImageList(list)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadListed(context.Background(), es); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing file: error %v, want one naming it", err)
	}
	if _, err := ReadImageList(filepath.Join(dir, "nope.list")); err == nil {
		t.Error("missing list: no error")
	}
}

// The list the shipped ×2 networks were trained with must parse and must
// not name any of the shared photos, which are all held out for
// validation; the images themselves come from Debian packages and are not
// needed here.
func TestShippedListHoldsOutValidation(t *testing.T) {
	es, err := ReadImageList(filepath.Join("..", "weights", "x2-extra.list"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		base := strings.ToLower(filepath.Base(e.Path))
		for _, photo := range []string{"astronaut", "brick", "camera", "chelsea", "coffee", "text"} {
			if strings.HasPrefix(base, photo+".") {
				t.Errorf("the shipped list trains on the validation photo %s", e.Path)
			}
		}
	}
}

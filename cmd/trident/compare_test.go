package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	ref := raster.New(200, 190, 3)
	for c := range ref.Planes {
		for i := range ref.Planes[c] {
			ref.Planes[c][i] = float32((i*(c+3))%97) / 96
		}
	}
	test := ref.Clone()
	for i := range test.Planes[0] {
		test.Planes[0][i] *= 0.9
	}
	write := func(name string, m *raster.Image) string {
		p := filepath.Join(dir, name)
		if err := raster.Save(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	refPath, testPath := write("ref.png", ref), write("test.png", test)
	smallPath := write("small.png", raster.New(20, 20, 1))
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("not an image"), 0o644)

	tests := []struct {
		name    string
		args    []string
		wantOut []string
		wantErr string
	}{
		{"identical", []string{refPath, refPath}, []string{"PSNR      inf (identical)", "SSIM      1.000000", "FLIP      0.000000"}, ""},
		{"different", []string{refPath, testPath}, []string{"PSNR-Y", "MS-SSIM   0.", "size      200x190"}, ""},
		{"size mismatch", []string{refPath, smallPath}, nil, "reference is 200x190 but test is 20x20"},
		{"missing file", []string{refPath, filepath.Join(dir, "nope.png")}, nil, "nope.png"},
		{"not an image", []string{junk, refPath}, nil, "junk.png: unrecognised image format"},
		{"over the limit", []string{"--max-pixels", "1000", refPath, refPath}, nil, "ref.png: image exceeds the pixel limit"},
		{"one argument", []string{refPath}, nil, "accepts 2 arg(s)"},
	}
	for _, tt := range tests {
		out, err := runCmd(t, newCompareCmd(), "", tt.args...)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, want := range tt.wantOut {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, want, out)
			}
		}
	}

	out, err := runCmd(t, newCompareCmd(), "", "--json", refPath, refPath)
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if res["psnr_db"] != nil || res["ssim"] != 1.0 || res["flip"] != 0.0 || res["width"] != 200.0 {
		t.Errorf("--json for identical images: %v", res)
	}
}

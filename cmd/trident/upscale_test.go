package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

// writeTestImage saves a 30×20 colour image with detail in every channel
// as dir/in.png and returns its path.
func writeTestImage(t *testing.T, dir string) string {
	t.Helper()
	src := raster.New(30, 20, 3)
	for c := range src.Planes {
		for i := range src.Planes[c] {
			src.Planes[c][i] = float32((i*(c+5))%53) / 52
		}
	}
	in := filepath.Join(dir, "in.png")
	if err := raster.Save(in, src); err != nil {
		t.Fatal(err)
	}
	return in
}

func TestUpscaleCommand(t *testing.T) {
	dir := t.TempDir()
	in := writeTestImage(t, dir)
	junk := filepath.Join(dir, "junk.png")
	if err := os.WriteFile(junk, []byte("\x89PNG\r\n\x1a\ntruncated"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name         string
		args         []string
		wantW, wantH int
		wantErr      string
	}{
		{"fsr1 2x", []string{"--method", "fsr1", "--scale", "2", "--sharpness", "0.2"}, 60, 40, ""},
		{"nis 1.5x", []string{"--method", "nis", "--scale", "1.5"}, 45, 30, ""},
		{"lanczos3 1.3x", []string{"--method", "lanczos3", "--scale", "1.3"}, 39, 26, ""},
		{"bicubic 3x", []string{"--method", "bicubic", "--scale", "3"}, 90, 60, ""},
		{"unknown method", []string{"--method", "sinc9"}, 0, 0, `unknown method "sinc9"`},
		{"scale below 1", []string{"--method", "bicubic", "--scale", "0.5"}, 0, 0, "scale 0.5 must be a finite number >= 1"},
		{"nis beyond 2x", []string{"--method", "nis", "--scale", "3"}, 0, 0, "outside what nis supports (1 to 2)"},
		{"bad sharpness", []string{"--method", "nis", "--sharpness", "4"}, 0, 0, "nis sharpness 4 is outside [0, 1]"},
		{"output over the limit", []string{"--method", "nearest", "--scale", "4", "--max-pixels", "5000"}, 0, 0, "exceeds --max-pixels 5000"},
		{"weights for another method", []string{"--method", "bicubic", "--weights", "x2.safetensors"}, 0, 0, "--weights is for --method neural"},
		{"missing weights", []string{"--method", "neural", "--weights", filepath.Join(dir, "none.safetensors")}, 0, 0, "none.safetensors"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, "out"+string(rune('a'+i))+".png")
			cmd := newUpscaleCmd()
			var buf bytes.Buffer
			cmd.SetOut(&buf)
			cmd.SetErr(&buf)
			cmd.SetArgs(append(tt.args, in, out))
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				if _, statErr := os.Stat(out); statErr == nil {
					t.Errorf("a failed run left %s behind", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := raster.Load(out, 0)
			if err != nil {
				t.Fatal(err)
			}
			if m.Width != tt.wantW || m.Height != tt.wantH {
				t.Errorf("output %dx%d, want %dx%d", m.Width, m.Height, tt.wantW, tt.wantH)
			}
		})
	}

	for _, bad := range []struct{ in, want string }{
		{filepath.Join(dir, "missing.png"), "missing.png"},
		{junk, "junk.png"},
	} {
		out := filepath.Join(dir, "never.png")
		cmd := newUpscaleCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs([]string{bad.in, out})
		if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("input %s: error = %v", bad.in, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("input %s: output written", bad.in)
		}
	}
}

func TestUpscaleBenchCommandErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{t.TempDir()}, "no PNG or JPEG images"},
		{[]string{"--scale", "0", t.TempDir()}, "scale 0 must be a finite number >= 1"},
		{[]string{"--reps", "0", t.TempDir()}, "--reps must be at least 1"},
		{[]string{"--degrade", "gaussian", t.TempDir()}, `unknown degradation "gaussian"`},
	} {
		cmd := newUpscaleBenchCmd()
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetArgs(tt.args)
		if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error = %v, want %q", tt.args, err, tt.want)
		}
	}
}

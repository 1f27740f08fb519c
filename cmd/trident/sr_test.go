package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/raster"
)

func TestSRTrainCommand(t *testing.T) {
	photos, others := t.TempDir(), t.TempDir()
	for k, path := range []string{filepath.Join(photos, "a.png"), filepath.Join(photos, "b.png"), filepath.Join(others, "c.png")} {
		m := raster.New(40, 36, 3)
		for c := range m.Planes {
			for i := range m.Planes[c] {
				m.Planes[c][i] = float32((i*(c+3+k))%29) / 28
			}
		}
		if err := raster.Save(path, m); err != nil {
			t.Fatal(err)
		}
	}
	list := filepath.Join(others, "train.list")
	if err := os.WriteFile(list, []byte("# c twice, once halved\nc.png\nc.png 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badList := filepath.Join(others, "bad.list")
	if err := os.WriteFile(badList, []byte("c.png x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	base := []string{"train", "--photos", photos, "--val", "b.png", "--steps", "2", "--batch", "2", "--patch", "8", "--out", out}
	text, err := runCmd(t, newSRCmd(), "", append(base, "--epochs", "1")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if !strings.Contains(text, "epoch 1/1") || !strings.Contains(text, "val PSNR-Y") {
		t.Errorf("no epoch line in:\n%s", text)
	}
	if _, err := os.Stat(filepath.Join(out, "x2.safetensors")); err != nil {
		t.Error(err)
	}
	if text, err := runCmd(t, newSRCmd(), "", append(base, "--epochs", "2", "--resume")...); err != nil || !strings.Contains(text, "epoch 2/2") {
		t.Errorf("resume: %v\n%s", err, text)
	}

	// The SR literature's degradation: trained, scored per photo by sr
	// eval and used by upscale --weights.
	bic := filepath.Join(t.TempDir(), "bic")
	if text, err := runCmd(t, newSRCmd(), "", "train", "--photos", photos, "--val", "b.png", "--steps", "2", "--batch", "2",
		"--patch", "8", "--epochs", "1", "--degrade", "bicubic", "--out", bic); err != nil || !strings.Contains(text, "(bicubic degradation)") {
		t.Fatalf("bicubic run: %v\n%s", err, text)
	}
	weights := filepath.Join(bic, "x2.safetensors")
	text, err = runCmd(t, newSRCmd(), "", "eval", "--photos", photos, "--weights", weights, "--degrade", "bicubic")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, text)
	}
	for _, want := range []string{"bicubic degradation", "\na.png ", "\nb.png ", "\nmean "} {
		if !strings.Contains(text, want) {
			t.Errorf("eval output lacks %q:\n%s", want, text)
		}
	}
	if text, err := runCmd(t, newSRCmd(), "", "eval", "--photos", photos, "--only", "b.png"); err != nil ||
		strings.Contains(text, "a.png") || !strings.Contains(text, "shipped x2, area degradation") {
		t.Errorf("eval --only of the shipped network: %v\n%s", err, text)
	}
	up := filepath.Join(t.TempDir(), "up.png")
	if text, err := runCmd(t, newUpscaleCmd(), "", "--method", "neural", "--weights", weights, filepath.Join(photos, "a.png"), up); err != nil {
		t.Errorf("upscale --weights: %v\n%s", err, text)
	}

	// Extra files, listed images and rendered frames join the training
	// set; validating on every photo of --photos leaves them as the only
	// training images.
	mixed := []string{"train", "--photos", photos, "--val", "a.png,b.png", "--extra", filepath.Join(others, "c.png"),
		"--extra-list", list, "--render-frames", "1", "--render-size", "24x16", "--steps", "2", "--batch", "2", "--patch", "8", "--epochs", "1",
		"--out", filepath.Join(t.TempDir(), "mixed")}
	c := filepath.Join(others, "c.png")
	if text, err := runCmd(t, newSRCmd(), "", mixed...); err != nil ||
		!strings.Contains(text, "training on 6 images (c.png,"+c+","+c+"/2,city@0,fence@0,foliage@0)") {
		t.Errorf("extra, listed and rendered: %v\n%s", err, text)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--photos", photos, "--val", "b.png"}, "--out DIR is required"},
		{append(base[:len(base):len(base)], "--epochs", "1"), "pass --resume"},
		{[]string{"train", "--photos", photos, "--val", "z.png", "--out", t.TempDir()}, `--val "z.png"`},
		{[]string{"train", "--photos", filepath.Join(photos, "none"), "--out", t.TempDir()}, "--photos"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--scale", "7", "--out", t.TempDir()}, "scale 7"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--extra", filepath.Join(photos, "none.png"), "--out", t.TempDir()}, "--extra"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--render-frames", "1", "--render-size", "big", "--out", t.TempDir()}, "--render-size"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--extra-list", badList, "--out", t.TempDir()}, `bad.list:1: reduction "x"`},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--extra-list", filepath.Join(others, "none.list"), "--out", t.TempDir()}, "--extra-list"},
		{[]string{"train", "--photos", photos, "--val", "a.png,b.png", "--extra", filepath.Join(photos, "b.png"), "--out", t.TempDir()},
			"training image b.png is the validation photo b.png"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--render-frames", "1000", "--out", t.TempDir()}, "--render-frames"},
		{[]string{"train", "--photos", photos, "--val", "b.png", "--degrade", "box", "--out", t.TempDir()}, `unknown degradation "box"`},
		{[]string{"eval", "--photos", photos, "--degrade", "box"}, `unknown degradation "box"`},
		{[]string{"eval", "--photos", photos, "--only", "z.png"}, "--only: z.png"},
		{[]string{"eval", "--photos", photos, "--weights", filepath.Join(photos, "none.safetensors")}, "none.safetensors"},
		{[]string{"eval", "--photos", photos, "--weights", weights, "--scale", "3"}, "weights are for scale"},
	} {
		if _, err := runCmd(t, newSRCmd(), "", tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestUpscaleNeuralCommand(t *testing.T) {
	dir := t.TempDir()
	in := writeTestImage(t, dir)
	for _, tc := range []struct {
		scale, want string
		w           int
	}{{"2", "", 60}, {"2.5", "not an integer scale", 0}} {
		out := filepath.Join(dir, "out"+tc.scale+".png")
		_, err := runCmd(t, newUpscaleCmd(), "", "--method", "neural", "--scale", tc.scale, in, out)
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("scale %s: error %v, want %q", tc.scale, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("scale %s: %v", tc.scale, err)
		}
		m, err := raster.Load(out, 0)
		if err != nil {
			t.Fatal(err)
		}
		if m.Width != tc.w {
			t.Errorf("scale %s: width %d, want %d", tc.scale, m.Width, tc.w)
		}
	}
}

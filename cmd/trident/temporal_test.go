package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runTrident runs the root command with args and returns stdout and the
// error.
func runTrident(args ...string) (string, error) {
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestRenderAndTemporalCommands(t *testing.T) {
	dir := t.TempDir()
	seq := filepath.Join(dir, "seq")
	if _, err := runTrident("render", "--scene", "city", "--frames", "3", "--render", "32x18", "--display", "64x36", "--spp", "2", "--out", seq); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"taa", "tsr", "neural"} {
		out, err := runTrident("temporal", "--method", m, "--in", seq, "--out", filepath.Join(dir, m))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, err := os.Stat(filepath.Join(dir, m, "frame0002.exr")); err != nil {
			t.Errorf("%s: %v (output %q)", m, err, out)
		}
		if m != "taa" && !strings.Contains(out, "PSNR") {
			t.Errorf("tsr printed no scores: %q", out)
		}
	}
	tiny := []string{"temporal", "train", "--render", "24x16", "--spp", "1", "--train-frames", "1", "--val-frames", "1",
		"--steps", "2", "--batch", "1", "--patch", "8", "--out", filepath.Join(dir, "run")}
	out, err := runTrident(append(tiny, "--epochs", "1")...)
	if err != nil || !strings.Contains(out, "epoch 1/1") || !strings.Contains(out, "val PSNR") {
		t.Fatalf("temporal train: %v, %q", err, out)
	}
	if out, err = runTrident(append(tiny, "--epochs", "2", "--resume")...); err != nil || !strings.Contains(out, "epoch 2/2") {
		t.Fatalf("temporal train --resume: %v, %q", err, out)
	}
	w := filepath.Join(dir, "run", "neural-x2.safetensors")
	if out, err = runTrident("temporal", "--method", "neural", "--weights", w, "--in", seq, "--out", filepath.Join(dir, "nw")); err != nil || !strings.Contains(out, "PSNR") {
		t.Fatalf("neural with trained weights: %v, %q", err, out)
	}
	for _, flow := range []bool{false, true} {
		args := []string{"temporal", "--method", "framegen", "--in", seq, "--out", filepath.Join(dir, "fg")}
		if flow {
			args = append(args, "--flow")
		}
		if _, err := runTrident(args...); err != nil {
			t.Fatalf("framegen (flow %v): %v", flow, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "fg", "frame0004.exr")); err != nil {
			t.Errorf("framegen (flow %v): %v", flow, err)
		}
	}
	pseq := filepath.Join(dir, "pseq")
	if _, err := runTrident("render", "--scene", "fence", "--frames", "2", "--render", "24x16", "--path-spp", "1", "--spp", "8", "--out", pseq); err != nil {
		t.Fatal(err)
	}
	out, err = runTrident("temporal", "--method", "svgf", "--in", pseq, "--out", filepath.Join(dir, "svgf"))
	if err != nil || !strings.Contains(out, "PSNR") {
		t.Fatalf("svgf: %v, %q", err, out)
	}
	if _, err := runTrident("temporal", "--method", "tsr", "--in", pseq, "--out", dir); err == nil || !strings.Contains(err.Error(), "path-traced") {
		t.Errorf("tsr on a path-traced sequence: %v", err)
	}
	if _, err := runTrident("temporal", "--method", "svgf", "--in", seq, "--out", dir); err == nil || !strings.Contains(err.Error(), "--path-spp") {
		t.Errorf("svgf on a rasterised sequence: %v", err)
	}
	seq3, seq15 := filepath.Join(dir, "seq3"), filepath.Join(dir, "seq15")
	if _, err := runTrident("render", "--scene", "city", "--frames", "1", "--render", "16x8", "--display", "48x24", "--spp", "1", "--out", seq3); err != nil {
		t.Fatal(err)
	}
	if _, err := runTrident("render", "--scene", "city", "--frames", "1", "--render", "16x8", "--display", "24x12", "--spp", "1", "--out", seq15); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(seq, "frame0001", "reactive.exr")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"temporal", "--in", seq, "--out", dir}, "frame 1: missing"},
		{[]string{"temporal", "--method", "nlm", "--in", seq, "--out", dir}, "want taa, tsr, neural, svgf or framegen"},
		{[]string{"temporal", "--method", "tsr", "--weights", "w.safetensors", "--in", seq, "--out", dir}, "neural only"},
		{[]string{"temporal", "--method", "neural", "--weights", filepath.Join(dir, "none.safetensors"), "--in", seq3, "--out", dir}, "none.safetensors"},
		{[]string{"temporal", "--method", "neural", "--in", seq3, "--out", dir}, "no shipped temporal network"},
		{[]string{"temporal", "--method", "neural", "--in", seq15, "--out", dir}, "integer display/render ratio"},
		{[]string{"temporal", "train"}, "--out DIR is required"},
		{[]string{"temporal", "train", "--out", dir, "--render", "32by18"}, "WIDTHxHEIGHT"},
		{[]string{"temporal", "--method", "tsr", "--flow", "--in", seq, "--out", dir}, "framegen only"},
		{[]string{"temporal", "--in", filepath.Join(dir, "none"), "--out", dir}, "scene.json"},
		{[]string{"render", "--scene", "moon", "--out", dir}, `unknown scene "moon"`},
		{[]string{"render", "--render", "64x36", "--display", "32x18", "--out", dir}, "smaller than render"},
		{[]string{"render", "--frames", "0", "--render", "8x8", "--display", "8x8", "--out", dir}, "--frames 0"},
		{[]string{"temporal-bench", "--frames", "4", "--warm", "3"}, "warm-up"},
		{[]string{"temporal-bench", "--scenes", "moon"}, `unknown scene "moon"`},
	} {
		if _, err := runTrident(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to mention %q", c.args, err, c.want)
		}
	}
}

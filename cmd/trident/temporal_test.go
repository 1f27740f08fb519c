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
	for _, m := range []string{"taa", "tsr"} {
		out, err := runTrident("temporal", "--method", m, "--in", seq, "--out", filepath.Join(dir, m))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, err := os.Stat(filepath.Join(dir, m, "frame0002.exr")); err != nil {
			t.Errorf("%s: %v (output %q)", m, err, out)
		}
		if m == "tsr" && !strings.Contains(out, "PSNR") {
			t.Errorf("tsr printed no scores: %q", out)
		}
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
	out, err := runTrident("temporal", "--method", "svgf", "--in", pseq, "--out", filepath.Join(dir, "svgf"))
	if err != nil || !strings.Contains(out, "PSNR") {
		t.Fatalf("svgf: %v, %q", err, out)
	}
	if _, err := runTrident("temporal", "--method", "tsr", "--in", pseq, "--out", dir); err == nil || !strings.Contains(err.Error(), "path-traced") {
		t.Errorf("tsr on a path-traced sequence: %v", err)
	}
	if _, err := runTrident("temporal", "--method", "svgf", "--in", seq, "--out", dir); err == nil || !strings.Contains(err.Error(), "--path-spp") {
		t.Errorf("svgf on a rasterised sequence: %v", err)
	}
	if err := os.Remove(filepath.Join(seq, "frame0001", "reactive.exr")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"temporal", "--in", seq, "--out", dir}, "frame 1: missing"},
		{[]string{"temporal", "--method", "nlm", "--in", seq, "--out", dir}, "want taa, tsr, svgf or framegen"},
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

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trident-lab/trident/safetensors"
)

func TestInspectCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	f := &safetensors.File{
		Tensors: []safetensors.Tensor{
			safetensors.FromFloat32("shared/w", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
			safetensors.FromFloat32("task0/b", []int{3}, []float32{0, 0, 0}),
			{Name: "step", DType: safetensors.I64, Shape: []int{}, Data: make([]byte, 8)},
		},
		Metadata: map[string]string{"format": "pt", "trident.step": "12"},
	}
	if err := safetensors.WriteFile(path, f); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, newInspectCmd(), "", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`ckpt.safetensors: 3 tensors, 10 elements, 44 data bytes, \d+-byte header`,
		`(?m)^NAME\s+DTYPE\s+SHAPE\s+BYTES$`,
		`(?m)^shared/w\s+F32\s+\[2, 3\]\s+24$`,
		`(?m)^step\s+I64\s+\[\]\s+8$`,
		`(?m)^task0/b\s+F32\s+\[3\]\s+12$`,
		`(?m)^  trident.step = 12$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}

	// A truncated file: one line naming the file and the problem.
	b, _ := os.ReadFile(path)
	bad := filepath.Join(dir, "bad.safetensors")
	if err := os.WriteFile(bad, b[:len(b)-1], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runCmd(t, newInspectCmd(), "", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.safetensors") || !strings.Contains(err.Error(), "run past the end") ||
		strings.Contains(err.Error(), "\n") {
		t.Errorf("truncated file: error %v", err)
	}
	if _, err := runCmd(t, newInspectCmd(), ""); err == nil {
		t.Error("inspect without a file succeeded")
	}
}

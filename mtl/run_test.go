package mtl

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/safetensors"
)

// TestTrainRunResumeIsExact interrupts a run after one epoch, resumes it,
// and checks that the result is bit-identical to an uninterrupted run.
func TestTrainRunResumeIsExact(t *testing.T) {
	base := RunConfig{
		Data:    "synthetic:p=0.8,rows=600",
		Balance: "gradnorm", // trainable weights and epoch state must resume too
		Model:   Config{Arch: "mmoe", Experts: 2, Hidden: []int{8}, Tower: []int{4}},
		Train:   TrainOptions{Epochs: 3, BatchSize: 50, LR: 0.01, Seed: 4},
	}
	whole := base
	whole.OutDir = filepath.Join(t.TempDir(), "whole")
	if _, err := TrainRun(context.Background(), whole, io.Discard); err != nil {
		t.Fatal(err)
	}
	split := base
	split.OutDir = filepath.Join(t.TempDir(), "split")
	split.Train.Epochs = 1
	if _, err := TrainRun(context.Background(), split, io.Discard); err != nil {
		t.Fatal(err)
	}
	split.Train.Epochs = 3
	split.Resume = true
	res, err := TrainRun(context.Background(), split, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.History) != 3 || !res.Done {
		t.Fatalf("resumed run has %d epochs of history, done=%v", len(res.History), res.Done)
	}
	// Compare the tensors (the metadata holds timings, which differ).
	a, err := safetensors.ReadFile(filepath.Join(whole.OutDir, lastFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := safetensors.ReadFile(filepath.Join(split.OutDir, lastFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tensors) != len(b.Tensors) {
		t.Fatalf("%d tensors after an uninterrupted run, %d after a resumed one", len(a.Tensors), len(b.Tensors))
	}
	for i := range a.Tensors {
		if a.Tensors[i].Name != b.Tensors[i].Name || string(a.Tensors[i].Data) != string(b.Tensors[i].Data) {
			t.Fatalf("tensor %s differs between the uninterrupted and the resumed run", a.Tensors[i].Name)
		}
	}
	var m RunResult
	raw, err := os.ReadFile(filepath.Join(split.OutDir, metricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil || len(m.Test) != 2 {
		t.Fatalf("metrics.json: %v, %d test entries", err, len(m.Test))
	}
	for _, f := range []string{modelFile, cardFile, curveFile} {
		if _, err := os.Stat(filepath.Join(split.OutDir, f)); err != nil {
			t.Errorf("run did not write %s", f)
		}
	}
	// A resume against another architecture's checkpoint is refused.
	wrong := split
	wrong.Model.Arch = "shared-bottom"
	wrong.Model.Hidden = []int{8}
	if _, err := TrainRun(context.Background(), wrong, io.Discard); err == nil {
		t.Fatal("resume accepted a checkpoint of another architecture")
	}
}

func TestPredictFromCSVModel(t *testing.T) {
	dir := t.TempDir()
	var sb []byte
	sb = append(sb, "x,color,clicked,kind\n"...)
	rng := nn.NewRNG(5)
	colors := []string{"red", "green", "blue"}
	kinds := []string{"a", "b"}
	for i := 0; i < 300; i++ {
		x := rng.NormFloat64()
		c := rng.IntN(3)
		click := 0
		if x > 0 {
			click = 1
		}
		sb = append(sb, []byte(
			strconv.FormatFloat(x, 'f', 4, 64)+","+colors[c]+","+strconv.Itoa(click)+","+kinds[c%2]+"\n")...)
	}
	data := filepath.Join(dir, "table.csv")
	if err := os.WriteFile(data, sb, 0o644); err != nil {
		t.Fatal(err)
	}
	rc := RunConfig{
		Data:   "csv:" + data,
		Source: SourceOptions{Tasks: []string{"clicked:binary", "kind:multiclass"}},
		Model:  Config{Arch: "shared-bottom", EmbedDim: 2, Hidden: []int{8}, Tower: []int{4}},
		Train:  TrainOptions{Epochs: 2, BatchSize: 32, LR: 0.01, Seed: 1},
		OutDir: filepath.Join(dir, "run"),
	}
	if _, err := TrainRun(context.Background(), rc, io.Discard); err != nil {
		t.Fatal(err)
	}
	// New rows without the target columns, one with an unseen colour.
	rows := filepath.Join(dir, "new.csv")
	os.WriteFile(rows, []byte("x,color\n1.5,red\n-2,purple\n"), 0o644)
	var out bytes.Buffer
	if err := PredictFile(rc.OutDir, rows, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || lines[0] != "clicked,kind=a,kind=b" {
		t.Fatalf("predictions:\n%s", out.String())
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("y,color\n1,red\n"), 0o644)
	if err := PredictFile(rc.OutDir, bad, io.Discard); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("missing input column: error %v", err)
	}
}

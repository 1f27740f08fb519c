package mtl

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	// A resume of another run is refused, naming what differs.
	for _, tt := range []struct {
		edit func(rc *RunConfig)
		want string
	}{
		{func(rc *RunConfig) { rc.Model.Arch = "shared-bottom" }, "model"},
		{func(rc *RunConfig) { rc.Data = "synthetic:p=0.5,rows=600" }, "data"},
		{func(rc *RunConfig) { rc.Train.Seed = 5 }, "seed"},
		{func(rc *RunConfig) { rc.Balance = "uw" }, "balancing"},
	} {
		wrong := split
		wrong.Model.Hidden = slices.Clone(split.Model.Hidden)
		tt.edit(&wrong)
		_, err := TrainRun(context.Background(), wrong, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), cardFile) {
			t.Errorf("resume of another run: error %v, want one naming %s and %q", err, cardFile, tt.want)
		}
	}
	// A checkpoint of another model is refused, naming a tensor, even
	// when model.json agrees.
	other := split
	other.OutDir = filepath.Join(t.TempDir(), "other")
	other.Model.Arch, other.Model.Hidden = "shared-bottom", []int{8}
	other.Train.Epochs, other.Resume = 1, false
	if _, err := TrainRun(context.Background(), other, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, err = os.ReadFile(filepath.Join(split.OutDir, lastFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other.OutDir, lastFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	other.Resume, other.Train.Epochs = true, 2
	if _, err := TrainRun(context.Background(), other, io.Discard); err == nil || !strings.Contains(err.Error(), "tensor") {
		t.Fatalf("resume from another model's checkpoint: error %v, want one naming a tensor", err)
	}
}

// validResumeMeta is the metadata TrainRun writes after two epochs of a
// two-task run.
func validResumeMeta(t testing.TB) map[string]string {
	hist, err := json.Marshal([]EpochRecord{
		{Epoch: 0, TrainLoss: []float64{1, 2}, Val: []TaskMetrics{{Task: "a"}, {Task: "b"}}},
		{Epoch: 1, TrainLoss: []float64{0.5, 1}, Val: []TaskMetrics{{Task: "a"}, {Task: "b"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"epoch": "2", "adam_steps": "24", "best_epoch": "1", "best_score": "0.75",
		"history": string(hist), "balance": "dwa", "balance_state": "[1,2,3]"}
}

func TestParseResumeMetaErrors(t *testing.T) {
	if _, err := parseResumeMeta(validResumeMeta(t), 2); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, value, want string }{
		{"epoch", "", "metadata epoch"},
		{"epoch", "0", "metadata epoch"},
		{"adam_steps", "-3", "metadata adam_steps"},
		{"best_epoch", "-2", "metadata best_epoch"},
		{"best_epoch", "2", "metadata best_epoch"},
		{"best_score", "NaN", "metadata best_score"},
		{"best_score", "high", "metadata best_score"},
		{"history", "{", "metadata history"},
		{"history", "[]", "metadata history: 0 epochs"},
		{"history", `[{"epoch":0,"train_loss":[1,2]},{"epoch":1,"train_loss":[1]}]`, "metadata history[1]"},
		{"history", `[{"epoch":0,"train_loss":[1,2]},{"epoch":0,"train_loss":[1,2]}]`, "metadata history[1]"},
		{"history", `[{"epoch":0,"train_loss":[1,2]},{"epoch":1,"train_loss":[1,2],"val":[{}, {}]}]`, "metadata history[1]"},
		{"balance", "", "metadata balance"},
		{"balance_state", "[1,", "metadata balance_state"},
	}
	for _, tt := range tests {
		meta := validResumeMeta(t)
		meta[tt.key] = tt.value
		if _, err := parseResumeMeta(meta, 2); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%q: error %v, want %q", tt.key, tt.value, err, tt.want)
		}
	}
}

func FuzzParseResumeMeta(f *testing.F) {
	m := validResumeMeta(f)
	f.Add(m["epoch"], m["adam_steps"], m["best_epoch"], m["best_score"], m["history"], m["balance_state"])
	f.Add("1", "0", "-1", "-Inf", `[{"epoch":0,"train_loss":[1,2]}]`, "null")
	f.Fuzz(func(t *testing.T, epoch, steps, best, score, history, state string) {
		meta := map[string]string{"epoch": epoch, "adam_steps": steps, "best_epoch": best, "best_score": score,
			"history": history, "balance": "ew", "balance_state": state}
		m, err := parseResumeMeta(meta, 2)
		if err != nil {
			return
		}
		// What plotCurve and the trainer index must be there.
		if len(m.history) != m.epoch || m.best >= m.epoch || m.best < -1 || m.steps < 0 {
			t.Fatalf("accepted inconsistent metadata %+v", m)
		}
		for _, h := range m.history {
			if len(h.TrainLoss) != 2 || len(h.Val) != len(m.history[0].Val) {
				t.Fatalf("accepted history %+v", m.history)
			}
		}
		curveSeries([]Task{{Name: "a"}, {Name: "b"}}, m.history)
	})
}

func TestPredictFromCSVModel(t *testing.T) {
	dir := t.TempDir()
	var sb []byte
	sb = append(sb, "x,color,clicked,z,kind\n"...)
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
		z := rng.NormFloat64() + 3
		sb = append(sb, []byte(
			strconv.FormatFloat(x, 'f', 4, 64)+","+colors[c]+","+strconv.Itoa(click)+","+strconv.FormatFloat(z, 'f', 4, 64)+","+kinds[c%2]+"\n")...)
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
	os.WriteFile(rows, []byte("x,color,z\n1.5,red,2\n-2,purple,4\n"), 0o644)
	var out bytes.Buffer
	if err := PredictFile(rc.OutDir, rows, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || lines[0] != "clicked,kind=a,kind=b" {
		t.Fatalf("predictions:\n%s", out.String())
	}
	// The same rows with the columns in another order.
	shuffled := filepath.Join(dir, "shuffled.csv")
	os.WriteFile(shuffled, []byte("z,x,color\n2,1.5,red\n4,-2,purple\n"), 0o644)
	var again bytes.Buffer
	if err := PredictFile(rc.OutDir, shuffled, &again); err != nil {
		t.Fatal(err)
	}
	if again.String() != out.String() {
		t.Fatalf("columns in another order give\n%s\nnot\n%s", again.String(), out.String())
	}
	for _, tt := range []struct{ name, table, want string }{
		{"missing dense", "y,color,z\n1,red,2\n", `"x"`},
		{"missing categorical", "x,z\n1,2\n", `"color"`},
		{"extra column", "x,color,z,shoe\n1,red,2,9\n", `"shoe"`},
		{"bad number", "x,color,z\n1,red,2\n1e999,red,2\n", "bad.csv:3"},
	} {
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte(tt.table), 0o644)
		if err := PredictFile(rc.OutDir, bad, io.Discard); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %s", tt.name, err, tt.want)
		}
	}
}

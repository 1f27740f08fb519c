package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckpointRoundTrip(t *testing.T) {
	ps := NewParams()
	net := newSmallConvNet(ps, 11)
	// Train a few steps so the running statistics and weights move.
	x := Zeros(4, 1, 8, 8)
	Normal(x, 1, NewRNG(2))
	opt := NewAdam(ps.Trainable(), 0.01)
	for i := 0; i < 3; i++ {
		ps.ZeroGrad()
		Backward(SoftmaxCrossEntropy(net.forward(x, true), []int{0, 1, 2, 0}))
		opt.Step()
	}
	state, steps, err := opt.State(ps.GroupNames(""), StatePrefix+"adam/")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := SaveCheckpoint(path, ps, state, map[string]string{"steps": "3"}); err != nil {
		t.Fatal(err)
	}

	fresh := NewParams()
	other := newSmallConvNet(fresh, 99) // different initial weights
	gotState, meta, err := LoadCheckpoint(path, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if meta["steps"] != "3" || steps != 3 {
		t.Fatalf("metadata %v", meta)
	}
	for _, name := range ps.Names() {
		a, b := ps.Get(name).Data, fresh.Get(name).Data
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d]: saved %v, loaded %v", name, i, a[i], b[i])
			}
		}
	}
	if len(gotState) != len(state) {
		t.Fatalf("%d state tensors back, saved %d", len(gotState), len(state))
	}
	// The loaded model computes exactly what the saved one does.
	y1 := net.forward(x, false)
	y2 := other.forward(x, false)
	for i := range y1.Data {
		if y1.Data[i] != y2.Data[i] {
			t.Fatal("loaded model's outputs differ from the saved model's")
		}
	}
}

func TestCheckpointRejectsOtherModels(t *testing.T) {
	dir := t.TempDir()
	ps := NewParams()
	NewDense(ps, "fc", 3, 2, NewRNG(1))
	path := filepath.Join(dir, "a.safetensors")
	if err := SaveCheckpoint(path, ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		build func(*Params)
		want  string
	}{
		{"other shape", func(p *Params) { NewDense(p, "fc", 4, 2, NewRNG(1)) }, `"fc/w" has shape [3 2], the model expects [4 2]`},
		{"missing tensor", func(p *Params) { NewDense(p, "fc", 3, 2, NewRNG(1)); p.Add("extra", Zeros(1)) }, `no tensor "extra"`},
		{"unknown tensor", func(p *Params) { p.Add("fc/w", Zeros(3, 2)) }, `"fc/b" is not part of this model`},
	}
	for _, tt := range tests {
		p := NewParams()
		tt.build(p)
		_, _, err := LoadCheckpoint(path, p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	bad := filepath.Join(dir, "bad.safetensors")
	os.WriteFile(bad, []byte("not a checkpoint"), 0o644)
	if _, _, err := LoadCheckpoint(bad, ps); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt file: error %v should name the file", err)
	}
}

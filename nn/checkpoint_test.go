package nn

import (
	"os"
	"path/filepath"
	"slices"
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

func TestEpochCheckpointResume(t *testing.T) {
	const stepsPerEpoch = 2
	x := Zeros(4, 1, 8, 8)
	Normal(x, 1, NewRNG(2))
	train := func(ps *Params, net *smallConvNet, opt *Adam, steps int) {
		for range steps {
			ps.ZeroGrad()
			Backward(SoftmaxCrossEntropy(net.forward(x, true), []int{0, 1, 2, 0}))
			opt.Step()
		}
	}
	ps := NewParams()
	net := newSmallConvNet(ps, 11)
	opt := NewAdam(ps.Trainable(), 0.01)
	train(ps, net, opt, stepsPerEpoch)
	path := filepath.Join(t.TempDir(), "checkpoint.safetensors")
	run := map[string]string{"lr": "0.01", "epochs": "5"}
	if err := SaveEpoch(path, ps, opt, ps.GroupNames(""), map[string]string{"lr": "0.01", "epochs": "5", "val": "1.5"}, 1); err != nil {
		t.Fatal(err)
	}

	// Resuming and training on gives exactly what training on gives.
	fresh := NewParams()
	freshNet := newSmallConvNet(fresh, 99)
	freshOpt := NewAdam(fresh.Trainable(), 0.01)
	epochs, meta, err := ResumeEpoch(path, fresh, freshOpt, fresh.GroupNames(""), map[string]string{"lr": "0.01", "epochs": "9"}, stepsPerEpoch)
	if err != nil {
		t.Fatal(err)
	}
	if epochs != 1 || meta["val"] != "1.5" || meta[MetaAdamSteps] != "2" {
		t.Fatalf("epochs %d, metadata %v", epochs, meta)
	}
	train(ps, net, opt, 1)
	train(fresh, freshNet, freshOpt, 1)
	for _, name := range ps.Names() {
		if !slices.Equal(ps.Get(name).Data, fresh.Get(name).Data) {
			t.Fatalf("%s differs between the continued and the resumed run", name)
		}
	}

	for _, tc := range []struct {
		name          string
		want          map[string]string
		stepsPerEpoch int
		err           string
	}{
		{"other setting", map[string]string{"lr": "0.02"}, stepsPerEpoch, `lr is "0.01" there, "0.02" now`},
		{"other epoch length", run, 3, `bad epoch "1" / adam_steps "2"`},
	} {
		p := NewParams()
		newSmallConvNet(p, 5)
		_, _, err := ResumeEpoch(path, p, NewAdam(p.Trainable(), 0.01), p.GroupNames(""), tc.want, tc.stepsPerEpoch)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
}

// TestLoadNetFile checks that weights load only into a network of the
// architecture and scale their metadata names, that every refusal names
// the file and what differs, and that a refused load leaves ps unchanged.
func TestLoadNetFile(t *testing.T) {
	src := NewParams()
	NewDense(src, "d", 3, 2, NewRNG(1))
	dir := t.TempDir()
	write := func(name string, meta map[string]string) string {
		path := filepath.Join(dir, name)
		if err := SaveCheckpoint(path, src, nil, meta); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.safetensors", NetMeta("dense-v1", 2))
	tests := []struct {
		name, path string
		arch       string
		scale      int
		want       string // empty: loads
	}{
		{"match", good, "dense-v1", 2, ""},
		{"scale", good, "dense-v1", 3, `good.safetensors: weights are for scale "2", want 3`},
		{"arch", good, "dense-v2", 2, `good.safetensors: architecture "dense-v1", want "dense-v2"`},
		{"untagged", write("bare.safetensors", map[string]string{}), "dense-v1", 2, `bare.safetensors: architecture ""`},
		{"missing", filepath.Join(dir, "none.safetensors"), "dense-v1", 2, "none.safetensors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := NewParams()
			d := NewDense(ps, "d", 3, 2, NewRNG(9))
			before := slices.Clone(d.W.Data)
			err := LoadNetFile(tt.path, ps, tt.arch, tt.scale)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(d.W.Data, src.Get("d/w").Data) {
					t.Error("weights not loaded")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if !slices.Equal(d.W.Data, before) {
				t.Error("refused load changed the weights")
			}
		})
	}
}

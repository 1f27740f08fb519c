package trainrun

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/safetensors"
)

// fit is a run that fits a dense layer to a fixed linear map on random
// inputs drawn with the epoch's generator.
type fit struct {
	run   Run
	dense *nn.Dense
	done  []int
}

func newFit(dir string, epochs int, resume bool) *fit {
	ps := nn.NewParams()
	f := &fit{dense: nn.NewDense(ps, "d", 3, 2, nn.NewRNG(7))}
	f.run = Run{
		Name: "fit", Progress: "fit", Params: ps,
		Epochs: epochs, StepsPerEpoch: 4, LR: 0.05, Seed: 3,
		Dir: dir, WeightsFile: "w.safetensors",
		Weights: map[string]string{"arch": "dense"},
		Config:  map[string]string{"lr": "0.05", "epochs": "any"},
		Resume:  resume,
		CheckResume: func(path string, meta map[string]string) error {
			if meta["arch"] != "dense" {
				return errors.New(path + ": not a dense layer")
			}
			return nil
		},
	}
	return f
}

// train runs f; the run is cancelled once it has finished stopAfter
// epochs (0: never).
func (f *fit) train(stopAfter int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	x := make([]float32, 8*3)
	y := make([]float32, 8*2)
	loss := func(rng *rand.Rand) *nn.Tensor {
		for i := 0; i < 8; i++ {
			a, b, c := rng.Float32(), rng.Float32(), rng.Float32()
			x[i*3], x[i*3+1], x[i*3+2] = a, b, c
			y[i*2], y[i*2+1] = a+2*b-c, 0.5*c-a
		}
		return nn.MSE(f.dense.Forward(nn.New(x, 8, 3)), nn.New(y, 8, 2))
	}
	validate := func() (map[string]string, error) { return map[string]string{"val": "ok"}, nil }
	return f.run.Train(ctx, nil, loss, validate, func(e int, _ float64) {
		f.done = append(f.done, e)
		if e == stopAfter {
			cancel()
		}
	})
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestResumeMatchesUninterrupted checks that a run stopped after one epoch
// and resumed writes the same files as one that ran both epochs, and what
// each file's metadata holds.
func TestResumeMatchesUninterrupted(t *testing.T) {
	whole, split := t.TempDir(), t.TempDir()
	f := newFit(whole, 2, false)
	if err := f.train(0); err != nil {
		t.Fatal(err)
	}
	if len(f.done) != 2 || f.done[0] != 1 || f.done[1] != 2 {
		t.Errorf("done heard of epochs %v, want [1 2]", f.done)
	}
	// The schedule spans both epochs, so the first part is the whole run
	// cancelled after its first epoch.
	if err := newFit(split, 2, false).train(1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v, want context.Canceled", err)
	}
	second := newFit(split, 2, true)
	if err := second.train(0); err != nil {
		t.Fatal(err)
	}
	if len(second.done) != 1 || second.done[0] != 2 {
		t.Errorf("resumed run heard of epochs %v, want [2]", second.done)
	}
	for _, name := range []string{CheckpointFile, "w.safetensors"} {
		if !bytes.Equal(read(t, filepath.Join(whole, name)), read(t, filepath.Join(split, name))) {
			t.Errorf("%s differs between the whole and the resumed run", name)
		}
	}
	h, err := safetensors.ReadHeader(filepath.Join(whole, "w.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if m := h.Metadata; len(m) != 3 || m["arch"] != "dense" || m["val"] != "ok" || m[nn.MetaEpoch] != "2" {
		t.Errorf("weights metadata %v, want arch, val and epoch 2 only", m)
	}
	h, err = safetensors.ReadHeader(filepath.Join(whole, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if m := h.Metadata; m["arch"] != "dense" || m["lr"] != "0.05" || m["val"] != "ok" || m[nn.MetaEpoch] != "2" || m[nn.MetaAdamSteps] != "8" {
		t.Errorf("checkpoint metadata %v", m)
	}
}

// TestRefusals checks the errors of runs that must not start, each of
// which names the trainer and the checkpoint or the field.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	if err := newFit(dir, 1, false).train(0); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, CheckpointFile)
	tests := []struct {
		name   string
		modify func(*Run)
		want   string
	}{
		{"exists", func(r *Run) { r.Resume = false }, "fit: " + ckpt + " exists; pass --resume"},
		{"finished", func(r *Run) {}, "fit: " + ckpt + " already holds 1 epochs, --epochs is 1"},
		{"config", func(r *Run) { r.Config = map[string]string{"lr": "0.1"} }, `fit: resume: checkpoint ` + ckpt + `: lr is "0.05" there, "0.1" now`},
		{"steps", func(r *Run) { r.Epochs, r.StepsPerEpoch = 3, 5 }, "fit: resume: checkpoint " + ckpt + ": bad epoch"},
		{"check", func(r *Run) {
			r.Epochs = 2
			r.CheckResume = func(path string, _ map[string]string) error { return errors.New(path + ": no") }
		}, "fit: resume: " + ckpt + ": no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFit(dir, 1, true)
			tt.modify(&f.run)
			err := f.train(0)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want one beginning %q", err, tt.want)
			}
		})
	}
}

func TestCheckSchedule(t *testing.T) {
	tests := []struct {
		epochs, steps int
		lr            float64
		want          string // empty: valid
	}{
		{1, 1, 0.5, ""},
		{100000, 1000000, 1e-9, ""},
		{0, 1, 0.5, "epochs 0"},
		{100001, 1, 0.5, "epochs 100001"},
		{1, 0, 0.5, "steps per epoch 0"},
		{1, 1000001, 0.5, "steps per epoch 1000001"},
		{1, 1, 0, "learning rate 0"},
		{1, 1, 1, "learning rate 1"},
		{1, 1, -0.1, "learning rate -0.1"},
	}
	for _, tt := range tests {
		err := CheckSchedule(tt.epochs, tt.steps, tt.lr)
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)) {
			t.Errorf("CheckSchedule(%d, %d, %g) = %v, want %q", tt.epochs, tt.steps, tt.lr, err, tt.want)
		}
	}
}

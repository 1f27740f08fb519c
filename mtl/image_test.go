package mtl

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
)

// tinyImages is a batch of four random 28×28 images with two 10-class tasks.
func tinyImages() (*Dataset, *Batch) {
	rng := nn.NewRNG(4)
	d := &Dataset{Name: "img", Rows: 4, Channels: 1, Height: 28, Width: 28,
		Tasks:   []Task{{Name: "left", Kind: Multiclass, Classes: 10}, {Name: "right", Kind: Multiclass, Classes: 10}},
		Targets: [][]float32{{1, 2, 3, 4}, {5, 6, 7, 8}},
		Dense:   make([]float32, 4*28*28)}
	for i := range d.Dense {
		d.Dense[i] = rng.Float32()
	}
	return d, d.Batch([]int{0, 1, 2, 3})
}

func outputsData(outs []*nn.Tensor) [][]float32 {
	var r [][]float32
	for _, o := range outs {
		r = append(r, slices.Clone(o.Data))
	}
	return r
}

func sameOutputs(a, b [][]float32) bool {
	return slices.EqualFunc(a, b, func(x, y []float32) bool { return slices.Equal(x, y) })
}

func TestImageDropoutTrainOnly(t *testing.T) {
	d, b := tinyImages()
	for _, arch := range ImageArchitectures {
		plain, err := NewNetwork(Config{Arch: arch}, d, 3)
		if err != nil {
			t.Fatal(err)
		}
		drop, err := NewNetwork(Config{Arch: arch, Dropout: 0.5}, d, 3)
		if err != nil {
			t.Fatal(err)
		}
		again, err := NewNetwork(Config{Arch: arch, Dropout: 0.5}, d, 3)
		if err != nil {
			t.Fatal(err)
		}
		// Dropout adds no parameters and leaves the initialization as it was.
		if !slices.Equal(plain.Params.Names(), drop.Params.Names()) {
			t.Fatalf("%s: parameters %v with dropout, %v without", arch, drop.Params.Names(), plain.Params.Names())
		}
		eval := outputsData(plain.Forward(b, false))
		if got := outputsData(drop.Forward(b, false)); !sameOutputs(got, eval) {
			t.Errorf("%s: evaluation with dropout differs from the network without it", arch)
		}
		if got := outputsData(drop.Forward(b, false)); !sameOutputs(got, eval) {
			t.Errorf("%s: evaluation is not deterministic", arch)
		}
		if got := outputsData(plain.Forward(b, true)); !sameOutputs(got, eval) {
			t.Errorf("%s: without dropout, training and evaluation outputs differ", arch)
		}
		t1 := outputsData(drop.Forward(b, true))
		t2 := outputsData(drop.Forward(b, true))
		if sameOutputs(t1, eval) || sameOutputs(t1, t2) {
			t.Errorf("%s: training with dropout gives the evaluation output or the same masks twice", arch)
		}
		// The same seed draws the same masks.
		if got := outputsData(again.Forward(b, true)); !sameOutputs(got, t1) {
			t.Errorf("%s: two networks of the same seed drew different masks", arch)
		}
	}
}

// TestDropoutSeededPerEpoch checks that an epoch's masks depend on the
// seed and the epoch only, so a run resumed at an epoch draws what an
// uninterrupted run would.
func TestDropoutSeededPerEpoch(t *testing.T) {
	d, b := tinyImages()
	through, err := NewNetwork(Config{Arch: "shared-bottom", Dropout: 0.5}, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := NewNetwork(Config{Arch: "shared-bottom", Dropout: 0.5}, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	through.seedDropout(7, 0)
	through.Forward(b, true) // epoch 0's draws
	through.seedDropout(7, 1)
	resumed.seedDropout(7, 1)
	want := outputsData(through.Forward(b, true))
	if got := outputsData(resumed.Forward(b, true)); !sameOutputs(got, want) {
		t.Error("epoch 1's masks depend on the draws of epoch 0")
	}
	resumed.seedDropout(7, 2)
	if got := outputsData(resumed.Forward(b, true)); sameOutputs(got, want) {
		t.Error("epochs 1 and 2 drew the same masks")
	}
}

func TestChannelDropoutSharedMask(t *testing.T) {
	const n, c, h, w = 3, 64, 2, 3
	d := &imageDropout{p: 0.5, rng: nn.NewRNG(9)}
	x := nn.Full(1, n, c, h, w)
	y := d.channels(x)
	kept := 0
	for ch := 0; ch < c; ch++ {
		first := y.Data[ch*h*w]
		if first != 0 && first != 2 {
			t.Fatalf("channel %d scaled by %g, want 0 or 1/(1−p) = 2", ch, first)
		}
		if first != 0 {
			kept++
		}
		for i := 0; i < n; i++ {
			for j := 0; j < h*w; j++ {
				if v := y.Data[(i*c+ch)*h*w+j]; v != first {
					t.Fatalf("example %d channel %d element %d is %g, example 0 has %g: mask not shared", i, ch, j, v, first)
				}
			}
		}
	}
	if kept < c/4 || kept > 3*c/4 {
		t.Errorf("kept %d of %d channels at p = 0.5", kept, c)
	}
}

func TestDropoutConfigChecked(t *testing.T) {
	d, _ := tinyImages()
	for _, p := range []float64{-0.1, 1, 2} {
		if _, err := NewNetwork(Config{Arch: "shared-bottom", Dropout: p}, d, 1); err == nil || !strings.Contains(err.Error(), "Dropout") {
			t.Errorf("dropout %g: error %v", p, err)
		}
	}
	if _, err := NewNetwork(Config{Arch: "shared-bottom", Hidden: []int{4}, EmbedDim: 2, Tower: []int{2}, Dropout: 0.5}, tinyTable(4), 1); err == nil || !strings.Contains(err.Error(), "image") {
		t.Errorf("dropout on a table network: error %v", err)
	}
}

// TestMultiLeNetWithoutDropoutUnchanged pins the network MultiFashion's
// tables were made with (shared-bottom, no dropout): its parameters and
// its outputs in training mode, recorded before dropout was added.
func TestMultiLeNetWithoutDropoutUnchanged(t *testing.T) {
	d, b := tinyImages()
	n, err := NewNetwork(Config{Arch: "shared-bottom"}, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"shared/trunk/conv1/w", "shared/trunk/conv1/b", "shared/trunk/conv2/w", "shared/trunk/conv2/b",
		"shared/trunk/fc/w", "shared/trunk/fc/b", "task0/head/fc0/w", "task0/head/fc0/b", "task0/head/out/w", "task0/head/out/b",
		"task1/head/fc0/w", "task1/head/fc0/b", "task1/head/out/w", "task1/head/out/b"}
	if got := n.Params.Names(); !slices.Equal(got, wantNames) {
		t.Fatalf("parameters %q, want %q", got, wantNames)
	}
	outs := n.Forward(b, true)
	for _, tc := range []struct {
		task, at int
		want     []float32
	}{{0, 0, []float32{-0.34728992, -0.015109688, -0.16097106, -0.5593941}}, {1, 36, []float32{0.45531458, 0.7788408, -0.82883537, 0.6491537}}} {
		got := outs[tc.task].Data[tc.at : tc.at+len(tc.want)]
		for i, w := range tc.want {
			if math.Abs(float64(got[i]-w)) > 1e-5 {
				t.Errorf("task %d output %d: %g, want %g", tc.task, tc.at+i, got[i], w)
			}
		}
	}
}

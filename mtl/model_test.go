package mtl

import (
	"math"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
)

// tinyTable is a small mixed table: 3 dense columns, 2 categorical columns,
// a binary, a 3-class and a regression task.
func tinyTable(rows int) *Dataset {
	rng := nn.NewRNG(9)
	d := &Dataset{
		Name:        "tiny",
		DenseNames:  []string{"a", "b", "c"},
		Categorical: []Categorical{{Name: "color", Vocab: 4}, {Name: "size", Vocab: 3}},
		Cat:         [][]int32{make([]int32, rows), make([]int32, rows)},
		Tasks: []Task{
			{Name: "click", Kind: Binary},
			{Name: "kind", Kind: Multiclass, Classes: 3},
			{Name: "price", Kind: Regression},
		},
		Targets: [][]float32{make([]float32, rows), make([]float32, rows), make([]float32, rows)},
		Rows:    rows,
	}
	for r := 0; r < rows; r++ {
		a, b, c := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		d.Dense = append(d.Dense, float32(a), float32(b), float32(c))
		d.Cat[0][r] = int32(rng.IntN(4))
		d.Cat[1][r] = int32(rng.IntN(3))
		if a+0.5*float64(d.Cat[0][r]) > 0.7 {
			d.Targets[0][r] = 1
		}
		shift := int32(0)
		if b > 0 {
			shift = 1
		}
		d.Targets[1][r] = float32((d.Cat[1][r] + shift) % 3)
		d.Targets[2][r] = float32(2*a - c)
	}
	return d
}

func TestArchitecturesShapesAndGradientFlow(t *testing.T) {
	d := tinyTable(16)
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	b := d.Batch([]int{0, 3, 5, 7, 9})
	for _, arch := range Architectures {
		if arch == "esmm" {
			continue // needs two binary tasks; tested below
		}
		t.Run(arch, func(t *testing.T) {
			cfg := DefaultConfig(arch)
			cfg.Levels = 3
			n, err := NewNetwork(cfg, d, 1)
			if err != nil {
				t.Fatal(err)
			}
			outs := n.Forward(b, true)
			for i, task := range d.Tasks {
				if got, want := outs[i].Shape, []int{5, task.Outputs()}; got[0] != want[0] || got[1] != want[1] {
					t.Fatalf("task %s output %v, want %v", task.Name, got, want)
				}
			}
			// The loss of task 0 alone must reach only shared parameters
			// and task 0's own.
			n.Params.ZeroGrad()
			nn.Backward(TaskLoss(d.Tasks[0], outs[0], b, 0))
			for _, name := range n.Params.Names() {
				g := n.Params.Get(name).Grad
				nonzero := false
				for _, v := range g {
					if v != 0 {
						nonzero = true
						break
					}
				}
				if nonzero && !strings.HasPrefix(name, SharedPrefix) && !strings.HasPrefix(name, TaskPrefix(0)) {
					t.Errorf("task 0's loss reached %s", name)
				}
			}
			if arch != "single" && len(n.Params.Group(SharedPrefix)) == 0 {
				t.Errorf("%s has no shared parameters", arch)
			}
			if arch == "single" && len(n.Params.Group(SharedPrefix)) != 0 {
				t.Errorf("single-task baseline shares parameters")
			}
		})
	}
}

func TestESMM(t *testing.T) {
	d := tinyTable(32)
	d.Tasks = []Task{{Name: "ctr", Kind: Binary}, {Name: "ctcvr", Kind: Binary}}
	conv := make([]float32, d.Rows)
	for r := range conv {
		if d.Targets[0][r] == 1 && d.Dense[3*r+1] > 0 {
			conv[r] = 1
		}
	}
	d.Targets = [][]float32{d.Targets[0], conv}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	n, err := NewNetwork(DefaultConfig("esmm"), d, 2)
	if err != nil {
		t.Fatal(err)
	}
	b := d.Batch([]int{0, 1, 2, 3})
	outs := n.Forward(b, false)
	cvr, err := n.CVR(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		pctr := 1 / (1 + math.Exp(-float64(outs[0].Data[i])))
		pctcvr := 1 / (1 + math.Exp(-float64(outs[1].Data[i])))
		if math.Abs(pctcvr-pctr*float64(cvr.Data[i])) > 1e-5 {
			t.Fatalf("row %d: pCTCVR %g != pCTR %g × pCVR %g", i, pctcvr, pctr, cvr.Data[i])
		}
	}
	d.Tasks[1].Kind = Regression
	if _, err := NewNetwork(DefaultConfig("esmm"), d, 2); err == nil {
		t.Fatal("esmm accepted a regression task")
	}
}

func TestImageArchitectures(t *testing.T) {
	d, b := tinyImages()
	for _, arch := range ImageArchitectures {
		n, err := NewNetwork(Config{Arch: arch}, d, 1)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		outs := n.Forward(b, true)
		if len(outs) != 2 || outs[1].Shape[0] != 4 || outs[1].Shape[1] != 10 {
			t.Fatalf("%s: outputs %v", arch, outs)
		}
	}
	if _, err := NewNetwork(Config{Arch: "mmoe"}, d, 1); err == nil {
		t.Fatal("mmoe accepted for images")
	}
}

func TestUnknownArchitecture(t *testing.T) {
	_, err := NewNetwork(Config{Arch: "transformer", Hidden: []int{4}, EmbedDim: 2}, tinyTable(4), 1)
	if err == nil || !strings.Contains(err.Error(), "mmoe") {
		t.Fatalf("error %v should list the valid architectures", err)
	}
}

func TestAUC(t *testing.T) {
	tests := []struct {
		scores, labels []float32
		want           float64
	}{
		{[]float32{0.1, 0.4, 0.35, 0.8}, []float32{0, 0, 1, 1}, 0.75},
		{[]float32{1, 2, 3}, []float32{0, 0, 1}, 1},
		{[]float32{3, 2, 1}, []float32{0, 0, 1}, 0},
		{[]float32{1, 1, 1, 1}, []float32{0, 1, 0, 1}, 0.5},
	}
	for _, tt := range tests {
		if got := AUC(tt.scores, tt.labels); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("AUC(%v, %v) = %g, want %g", tt.scores, tt.labels, got, tt.want)
		}
	}
	if !math.IsNaN(AUC([]float32{1, 2}, []float32{1, 1})) {
		t.Error("AUC with one class should be NaN")
	}
}

func TestValidateRejectsBadTargets(t *testing.T) {
	d := tinyTable(5)
	d.Targets[1][2] = 3
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("Validate = %v, want an error naming row 2", err)
	}
	d = tinyTable(5)
	d.Cat[0][4] = 9
	if err := d.Validate(); err == nil || !strings.Contains(err.Error(), "color") {
		t.Fatalf("Validate = %v, want an error naming column color", err)
	}
}

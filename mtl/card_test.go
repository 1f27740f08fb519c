package mtl

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/nn"
)

// testCard returns the model card of a network of architecture arch over
// tinyTable's columns, as TrainRun would write it, and the network.
func testCard(t testing.TB, arch string) (*ModelCard, *Network) {
	t.Helper()
	d := tinyTable(4)
	cats := make([]Categorical, len(d.Categorical))
	for i, c := range d.Categorical {
		cats[i] = c
		for v := 1; v < c.Vocab; v++ {
			cats[i].Values = append(cats[i].Values, fmt.Sprintf("%s%d", c.Name, v))
		}
	}
	d.Categorical = cats
	d.Tasks[1].ClassNames = []string{"a", "b", "c"}
	cfg := Config{Arch: arch, EmbedDim: 2, Hidden: []int{6, 5}, Experts: 2, TaskExperts: 1, Levels: 2, Tower: []int{3}}
	if arch == "esmm" {
		d.Tasks = []Task{{Name: "ctr", Kind: Binary}, {Name: "ctcvr", Kind: Binary}}
		d.Targets = d.Targets[:2]
	}
	n, err := NewNetwork(cfg, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	card := &ModelCard{
		Run: RunConfig{Data: "csv:table.csv", Source: SourceOptions{Drop: []string{"id"}},
			Model: cfg, Balance: "ew", Train: TrainOptions{Epochs: 2, BatchSize: 8, LR: 0.01, Seed: 3}},
		Tasks: d.Tasks, DenseNames: d.DenseNames, Categorical: d.Categorical,
		Scaler:     Scaler{Mean: []float64{0, 1, 2}, Std: []float64{1, 2, 3}},
		Parameters: n.Params.Count(),
	}
	for _, t := range d.Tasks {
		card.Run.Source.Tasks = append(card.Run.Source.Tasks, t.Name+":"+t.Kind.String())
	}
	return card, n
}

// testImageCard is testCard for a MultiMNIST-shaped image model.
func testImageCard(t testing.TB, arch string) (*ModelCard, *Network) {
	t.Helper()
	d := &Dataset{Name: "img", Channels: 1, Height: 28, Width: 28,
		Tasks: []Task{{Name: "left", Kind: Multiclass, Classes: 10}, {Name: "right", Kind: Multiclass, Classes: 10}}}
	n, err := NewNetwork(Config{Arch: arch}, d, 5)
	if err != nil {
		t.Fatal(err)
	}
	card := &ModelCard{
		Run:   RunConfig{Data: "multimnist", Model: Config{Arch: arch}, Balance: "pcgrad", Train: TrainOptions{Epochs: 1, BatchSize: 256, LR: 1e-3, Seed: 5}},
		Tasks: d.Tasks, Image: [3]int{1, 28, 28}, Parameters: n.Params.Count(),
	}
	return card, n
}

// saveModel writes card and net's weights to dir the way TrainRun does.
func saveModel(t testing.TB, dir string, card *ModelCard, net *Network) {
	t.Helper()
	if err := writeJSON(filepath.Join(dir, cardFile), card); err != nil {
		t.Fatal(err)
	}
	if err := nn.SaveCheckpoint(filepath.Join(dir, modelFile), net.Params, nil, map[string]string{"epoch": "0"}); err != nil {
		t.Fatal(err)
	}
}

func TestParamCountMatchesNetworks(t *testing.T) {
	rng := nn.NewRNG(11)
	for trial := 0; trial < 12; trial++ {
		for _, arch := range Architectures {
			d := tinyTable(2)
			if arch == "esmm" {
				d.Tasks = d.Tasks[:1]
				d.Tasks = append(d.Tasks, Task{Name: "ctcvr", Kind: Binary})
				d.Targets = d.Targets[:2]
			}
			if trial%3 == 1 {
				d.Categorical, d.Cat = nil, nil // dense inputs only
			}
			cfg := Config{Arch: arch, EmbedDim: 1 + rng.IntN(4), Experts: 1 + rng.IntN(3), TaskExperts: 1 + rng.IntN(2), Levels: 1 + rng.IntN(3)}
			for range 1 + rng.IntN(3) {
				cfg.Hidden = append(cfg.Hidden, 1+rng.IntN(7))
			}
			for range rng.IntN(3) {
				cfg.Tower = append(cfg.Tower, 1+rng.IntN(5))
			}
			n, err := NewNetwork(cfg, d, 1)
			if err != nil {
				t.Fatalf("%+v: %v", cfg, err)
			}
			if got, want := paramCount(cfg, d), n.Params.Count(); got != want {
				t.Fatalf("%+v: paramCount %d, the built network has %d", cfg, got, want)
			}
		}
	}
	for _, arch := range ImageArchitectures {
		for _, side := range [][2]int{{28, 28}, {16, 40}} {
			d := &Dataset{Name: "img", Channels: 3, Height: side[0], Width: side[1],
				Tasks: []Task{{Name: "a", Kind: Multiclass, Classes: 4}, {Name: "b", Kind: Regression}, {Name: "c", Kind: Binary}}}
			n, err := NewNetwork(Config{Arch: arch}, d, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := paramCount(Config{Arch: arch}, d), n.Params.Count(); got != want {
				t.Fatalf("%s on %v: paramCount %d, the built network has %d", arch, side, got, want)
			}
		}
	}
}

func TestNewNetworkRefusesHugeNetworks(t *testing.T) {
	d := tinyTable(2)
	cfg := Config{Arch: "mmoe", EmbedDim: 4, Hidden: []int{1 << 16, 1 << 16, 1 << 16}, Experts: 1 << 10, Tower: []int{8}}
	if _, err := NewNetwork(cfg, d, 1); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("NewNetwork = %v, want the parameter limit", err)
	}
	d.Categorical[0].Vocab = 1 << 62 // saturates instead of overflowing
	cfg = Config{Arch: "shared-bottom", EmbedDim: 1 << 10, Hidden: []int{4}}
	if _, err := NewNetwork(cfg, d, 1); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("NewNetwork = %v, want the parameter limit", err)
	}
}

func TestParseCardErrors(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(c *ModelCard)
		raw    string // used instead of the edited card when set
		fields []string
	}{
		{name: "syntax", raw: "{\n\"run\": {,}\n}", fields: []string{"line 2"}},
		{name: "unknown field", raw: `{"run": {"data": "csv:x"}, "weights": 1}`, fields: []string{`"weights"`}},
		{name: "wrong type", raw: `{"tasks": [{"name": "a", "kind": "binary"}]}`, fields: []string{"tasks.kind"}},
		{name: "trailing data", raw: `{} {}`, fields: []string{"after the JSON object"}},
		{name: "data source", edit: func(c *ModelCard) { c.Run.Data = "parquet:x" }, fields: []string{"run.data", "parquet"}},
		{name: "source task", edit: func(c *ModelCard) { c.Run.Source.Tasks[0] = "click" }, fields: []string{"run.source.Tasks[0]"}},
		{name: "source task kind", edit: func(c *ModelCard) { c.Run.Source.Tasks[2] = "price:ordinal" }, fields: []string{"run.source.Tasks[2]", "ordinal"}},
		{name: "source task count", edit: func(c *ModelCard) { c.Run.Source.Tasks = c.Run.Source.Tasks[:2] }, fields: []string{"tasks:", "declares 2"}},
		{name: "source task order", edit: func(c *ModelCard) { c.Tasks[0], c.Tasks[2] = c.Tasks[2], c.Tasks[0] }, fields: []string{"tasks[0]", "run.source.Tasks[0]"}},
		{name: "source drop", edit: func(c *ModelCard) { c.Run.Source.Drop = []string{"id", ""} }, fields: []string{"run.source.Drop[1]"}},
		{name: "epochs", edit: func(c *ModelCard) { c.Run.Train.Epochs = 0 }, fields: []string{"run.train.epochs"}},
		{name: "batch", edit: func(c *ModelCard) { c.Run.Train.BatchSize = -1 }, fields: []string{"run.train.batch_size"}},
		{name: "lr", edit: func(c *ModelCard) { c.Run.Train.LR = -1 }, fields: []string{"run.train.lr"}},
		{name: "no tasks", edit: func(c *ModelCard) { c.Tasks = nil }, fields: []string{"tasks:"}},
		{name: "task name", edit: func(c *ModelCard) { c.Tasks[2].Name = "click" }, fields: []string{"tasks[2].name", "click"}},
		{name: "task kind", edit: func(c *ModelCard) { c.Tasks[0].Kind = 7 }, fields: []string{"tasks[0].kind"}},
		{name: "one class", edit: func(c *ModelCard) { c.Tasks[1].Classes, c.Tasks[1].ClassNames = 1, nil }, fields: []string{"tasks[1].classes"}},
		{name: "huge classes", edit: func(c *ModelCard) { c.Tasks[1].Classes, c.Tasks[1].ClassNames = 1<<40, nil }, fields: []string{"tasks[1].classes"}},
		{name: "class names", edit: func(c *ModelCard) { c.Tasks[1].ClassNames = []string{"a"} }, fields: []string{"tasks[1].class_names"}},
		{name: "class names repeated", edit: func(c *ModelCard) { c.Tasks[1].ClassNames = []string{"a", "b", "a"} }, fields: []string{"tasks[1].class_names[2]"}},
		{name: "binary classes", edit: func(c *ModelCard) { c.Tasks[0].Classes = 2 }, fields: []string{"tasks[0].classes"}},
		{name: "dense repeated", edit: func(c *ModelCard) { c.DenseNames[1] = "a" }, fields: []string{"dense_names[1]"}},
		{name: "categorical name", edit: func(c *ModelCard) { c.Categorical[0].Name = "b" }, fields: []string{"categorical[0].name"}},
		{name: "vocab", edit: func(c *ModelCard) { c.Categorical[1].Vocab = 0 }, fields: []string{"categorical[1].vocab"}},
		{name: "huge vocab", edit: func(c *ModelCard) { c.Categorical[1].Vocab = 1 << 50 }, fields: []string{"categorical[1].vocab"}},
		{name: "values", edit: func(c *ModelCard) { c.Categorical[0].Values = c.Categorical[0].Values[1:] }, fields: []string{"categorical[0].values"}},
		{name: "values repeated", edit: func(c *ModelCard) { c.Categorical[0].Values[2] = c.Categorical[0].Values[0] }, fields: []string{"categorical[0].values[2]"}},
		{name: "no inputs", edit: func(c *ModelCard) { c.DenseNames, c.Categorical, c.Scaler = nil, nil, Scaler{} }, fields: []string{"dense_names", "no input"}},
		{name: "image partial", edit: func(c *ModelCard) { c.Image = [3]int{1, 0, 28} }, fields: []string{"image"}},
		{name: "image huge", edit: func(c *ModelCard) { c.Image = [3]int{1, 1 << 40, 28} }, fields: []string{"image"}},
		{name: "image with columns", edit: func(c *ModelCard) { c.Image = [3]int{1, 28, 28}; c.Run.Model.Arch = "mtan" }, fields: []string{"image", "dense_names"}},
		{name: "scaler length", edit: func(c *ModelCard) { c.Scaler.Std = c.Scaler.Std[:2] }, fields: []string{"scaler"}},
		{name: "scaler width", edit: func(c *ModelCard) { c.Scaler = Scaler{Mean: []float64{0}, Std: []float64{1}} }, fields: []string{"scaler", "3 dense inputs"}},
		{name: "scaler std", edit: func(c *ModelCard) { c.Scaler.Std[1] = 0 }, fields: []string{"scaler.std[1]"}},
		{name: "arch", edit: func(c *ModelCard) { c.Run.Model.Arch = "transformer" }, fields: []string{"run.model.Arch", "transformer"}},
		{name: "image arch for a table", edit: func(c *ModelCard) { c.Run.Model.Arch = "mtan" }, fields: []string{"run.model.Arch", "mtan"}},
		{name: "embed", edit: func(c *ModelCard) { c.Run.Model.EmbedDim = 0 }, fields: []string{"run.model.EmbedDim"}},
		{name: "width zero", edit: func(c *ModelCard) { c.Run.Model.Hidden[1] = 0 }, fields: []string{"run.model.Hidden[1]"}},
		{name: "width huge", edit: func(c *ModelCard) { c.Run.Model.Tower[0] = 1 << 40 }, fields: []string{"run.model.Tower[0]"}},
		{name: "layers", edit: func(c *ModelCard) { c.Run.Model.Hidden = make([]int, 65) }, fields: []string{"run.model.Hidden", "65 layers"}},
		{name: "no hidden", edit: func(c *ModelCard) { c.Run.Model.Hidden = nil }, fields: []string{"run.model.Hidden"}},
		{name: "experts", edit: func(c *ModelCard) { c.Run.Model.Experts = -1 }, fields: []string{"run.model.Experts"}},
		{name: "levels", edit: func(c *ModelCard) { c.Run.Model.Levels = 1 << 30 }, fields: []string{"run.model.Levels"}},
		{name: "mmoe experts", edit: func(c *ModelCard) { c.Run.Model.Arch, c.Run.Model.Experts = "mmoe", 0 }, fields: []string{"run.model.Experts"}},
		{name: "ple levels", edit: func(c *ModelCard) { c.Run.Model.Arch, c.Run.Model.Levels = "ple", 0 }, fields: []string{"ple needs"}},
		{name: "esmm tasks", edit: func(c *ModelCard) { c.Run.Model.Arch = "esmm" }, fields: []string{"esmm needs two binary tasks"}},
		{name: "balance", edit: func(c *ModelCard) { c.Run.Balance = "magic" }, fields: []string{"run.balance", "magic"}},
		{name: "balance weights", edit: func(c *ModelCard) { c.Run.Balance = "fixed:1,2" }, fields: []string{"run.balance", "2 weights for 3 tasks"}},
		{name: "too many parameters", edit: func(c *ModelCard) {
			c.Run.Model.Hidden = []int{1 << 16, 1 << 16}
			c.Parameters = paramCount(c.Run.Model, c.shape(""))
		}, fields: []string{"run.model", "parameters, more than the limit"}},
		{name: "parameters", edit: func(c *ModelCard) { c.Parameters++ }, fields: []string{"parameters:"}},
		{name: "hidden changed", edit: func(c *ModelCard) { c.Run.Model.Hidden[0]++ }, fields: []string{"parameters:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.raw)
			if tt.raw == "" {
				card, _ := testCard(t, "shared-bottom")
				tt.edit(card)
				var err error
				if data, err = json.Marshal(card); err != nil {
					t.Fatal(err)
				}
			}
			_, err := parseCard(data, "runs/x/model.json")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, f := range append(tt.fields, "runs/x/model.json") {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not mention %q", err, f)
				}
			}
		})
	}
}

func TestParseCardErrorsStayShort(t *testing.T) {
	long := strings.Repeat("é", 1<<14)
	for _, edit := range []func(c *ModelCard){
		func(c *ModelCard) { c.Tasks[1].Name = c.Tasks[0].Name + long; c.Tasks[0].Name = c.Tasks[1].Name },
		func(c *ModelCard) { c.Run.Data = long },
		func(c *ModelCard) { c.Run.Balance = long },
		func(c *ModelCard) { c.Run.Model.Arch = long },
		func(c *ModelCard) { c.Run.Source.Tasks[0] = "click:" + long },
	} {
		card, _ := testCard(t, "shared-bottom")
		edit(card)
		data, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseCard(data, "model.json")
		if err == nil || len(err.Error()) > 400 || strings.Contains(err.Error(), "\n") {
			t.Errorf("error of %d bytes: %.200v", len(fmt.Sprint(err)), err)
		}
	}
}

func TestParseCardAcceptsWrittenCards(t *testing.T) {
	for _, arch := range Architectures {
		card, _ := testCard(t, arch)
		data, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseCard(data, arch); err != nil {
			t.Errorf("%s: %v", arch, err)
		}
	}
	for _, arch := range ImageArchitectures {
		card, _ := testImageCard(t, arch)
		data, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseCard(data, arch); err != nil {
			t.Errorf("%s: %v", arch, err)
		}
	}
}

func TestLoadModelRoundTrip(t *testing.T) {
	for _, arch := range []string{"ple", "mtan"} {
		var card *ModelCard
		var net *Network
		if arch == "mtan" {
			card, net = testImageCard(t, arch)
		} else {
			card, net = testCard(t, arch)
		}
		dir := t.TempDir()
		saveModel(t, dir, card, net)
		got, gotCard, err := LoadModel(dir)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if gotCard.Parameters != card.Parameters {
			t.Fatalf("%s: card not read back", arch)
		}
		for _, name := range net.Params.Names() {
			a, b := net.Params.Get(name).Data, got.Params.Get(name).Data
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s: %s[%d] = %g, saved %g", arch, name, i, b[i], a[i])
				}
			}
		}
	}
}

func TestLoadModelErrors(t *testing.T) {
	card, net := testCard(t, "shared-bottom")
	other, otherNet := testCard(t, "mmoe")
	wide := *card
	wide.Run.Model.Hidden = []int{7, 5}
	wideNet, err := NewNetwork(wide.Run.Model, wide.shape(""), 1)
	if err != nil {
		t.Fatal(err)
	}
	small := nn.NewParams()
	for _, name := range net.Params.Names()[1:] {
		small.Add(name, net.Params.Get(name))
	}
	tests := []struct {
		name  string
		setup func(dir string)
		want  []string
	}{
		{"no model.json", func(dir string) { os.Remove(filepath.Join(dir, cardFile)) }, []string{cardFile}},
		{"no checkpoint", func(dir string) { os.Remove(filepath.Join(dir, modelFile)) }, []string{modelFile}},
		{"corrupt checkpoint", func(dir string) { os.WriteFile(filepath.Join(dir, modelFile), []byte("not a checkpoint"), 0o644) }, []string{modelFile}},
		{"another architecture", func(dir string) {
			nn.SaveCheckpoint(filepath.Join(dir, modelFile), otherNet.Params, nil, nil)
		}, []string{modelFile, "not part of this model"}},
		{"another width", func(dir string) {
			nn.SaveCheckpoint(filepath.Join(dir, modelFile), wideNet.Params, nil, nil)
		}, []string{modelFile, `"shared/bottom/fc0/b"`, "has shape [7]"}},
		{"missing tensor", func(dir string) {
			nn.SaveCheckpoint(filepath.Join(dir, modelFile), small, nil, nil)
		}, []string{modelFile, "no tensor", net.Params.Names()[0]}},
		{"card of another model", func(dir string) { writeJSON(filepath.Join(dir, cardFile), other) }, []string{modelFile, "tensor"}},
		{"bad card", func(dir string) { os.WriteFile(filepath.Join(dir, cardFile), []byte(`{"tasks": 3}`), 0o644) }, []string{cardFile, "tasks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			saveModel(t, dir, card, net)
			tt.setup(dir)
			_, _, err := LoadModel(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func FuzzParseCard(f *testing.F) {
	for _, arch := range Architectures {
		card, _ := testCard(f, arch)
		data, err := json.Marshal(card)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	card, _ := testImageCard(f, "mtan")
	data, err := json.MarshalIndent(card, "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	// Cards LoadModel took before cards were validated: a negative
	// vocabulary (a panic), a huge layer or image (allocation without
	// bound), a task kind out of range.
	for _, edit := range []func(c *ModelCard){
		func(c *ModelCard) { c.Categorical[0].Vocab = -1 },
		func(c *ModelCard) { c.Run.Model.Hidden[0] = 1 << 40 },
		func(c *ModelCard) { c.Tasks[0].Kind = 9 },
		func(c *ModelCard) { c.Run.Model.Arch, c.Image = "mtan", [3]int{1, 1 << 30, 1 << 30} },
	} {
		card, _ := testCard(f, "shared-bottom")
		edit(card)
		data, err := json.Marshal(card)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		card, err := parseCard(data, "fuzz")
		if err != nil {
			return
		}
		checkAcceptedCard(t, card)
	})
}

// FuzzCardSizes varies the sizes of a valid card, which byte-level
// mutation of its JSON seldom reaches, with parameters set to what the
// sizes give (as a hostile file would).
func FuzzCardSizes(f *testing.F) {
	f.Add(uint8(3), 6, 3, 2, 1, 2, 2, 4, 28, 28)
	f.Add(uint8(6), 1<<16, 1<<16, 1024, 1024, 64, 4096, 1<<26, 4096, 4096)
	f.Add(uint8(8), -1, 0, -5, 1<<40, -1<<40, 0, 0, 15, 1)
	f.Fuzz(func(t *testing.T, arch uint8, hidden, tower, experts, taskExperts, levels, embed, vocab, height, width int) {
		var card *ModelCard
		all := append(append([]string(nil), Architectures...), ImageArchitectures...)
		name := all[int(arch)%len(all)]
		if int(arch)%len(all) >= len(Architectures) {
			card, _ = testImageCard(t, name)
			card.Image[1], card.Image[2] = height, width
			card.Scaler = Scaler{}
		} else {
			card, _ = testCard(t, "shared-bottom")
			card.Run.Model.Arch = name
			card.Run.Model.Hidden = []int{hidden, 4}
			card.Run.Model.Tower = []int{tower}
			card.Run.Model.Experts, card.Run.Model.TaskExperts, card.Run.Model.Levels = experts, taskExperts, levels
			card.Run.Model.EmbedDim = embed
			card.Categorical[1].Vocab, card.Categorical[1].Values = vocab, nil
		}
		card.Parameters = paramCount(card.Run.Model, card.shape(""))
		data, err := json.Marshal(card)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseCard(data, "fuzz")
		if err != nil {
			return
		}
		checkAcceptedCard(t, got)
	})
}

// checkAcceptedCard checks that a card parseCard accepted describes a
// network within the limit that NewNetwork builds with the parameters the
// card states, and that the card survives being written again.
func checkAcceptedCard(t *testing.T, card *ModelCard) {
	t.Helper()
	shape := card.shape("fuzz")
	if n := paramCount(card.Run.Model, shape); n > maxParams || n != card.Parameters {
		t.Fatalf("accepted a card of %d parameters (card says %d)", n, card.Parameters)
	}
	if card.Parameters <= 1<<16 {
		net, err := NewNetwork(card.Run.Model, shape, 1)
		if err != nil {
			t.Fatalf("accepted a card NewNetwork refuses: %v", err)
		}
		if got := net.Params.Count(); got != card.Parameters {
			t.Fatalf("network has %d parameters, the card %d", got, card.Parameters)
		}
	}
	again, err := json.Marshal(card)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseCard(again, "fuzz"); err != nil {
		t.Fatalf("accepted card refused after writing it again: %v", err)
	}
}

func FuzzLoadModelCheckpoint(f *testing.F) {
	card, net := testCard(f, "shared-bottom")
	_, other := testCard(f, "cross-stitch")
	for _, ps := range []*nn.Params{net.Params, other.Params} {
		path := filepath.Join(f.TempDir(), modelFile)
		if err := nn.SaveCheckpoint(path, ps, nil, map[string]string{"epoch": "1"}); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	cardJSON, err := json.Marshal(card)
	if err != nil {
		f.Fatal(err)
	}
	// Each fuzzing process runs the inputs one at a time, so they can
	// share one directory.
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, cardFile), cardJSON, 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, modelFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, _, err := LoadModel(dir)
		if err != nil {
			return
		}
		// Accepted weights are the network's in full: it runs.
		outs := got.Forward(tinyTable(2).Batch([]int{0, 1}), false)
		if len(outs) != len(card.Tasks) {
			t.Fatalf("%d outputs for %d tasks", len(outs), len(card.Tasks))
		}
	})
}

func FuzzPredictTable(f *testing.F) {
	card, net := testCard(f, "mmoe")
	dir := f.TempDir()
	saveModel(f, dir, card, net)
	f.Add("a,b,c,color,size\n1,2,3,color1,size2\n-1,0.5,7,green,size1\n")
	f.Add("size,click,c,b,a,color,kind,price,id\nsize2,1,3,2,1,color3,b,4.5,17\n")
	f.Add("a,b,c,color,size\n1e39,2,3,color1,size2\n")
	table := filepath.Join(dir, "rows.csv")
	f.Fuzz(func(t *testing.T, rows string) {
		if err := os.WriteFile(table, []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := PredictFile(dir, table, &out); err != nil {
			return
		}
		// One header and one line per row, each with the five outputs
		// (click, three classes of kind, price).
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) < 2 || lines[0] != "click,kind=a,kind=b,kind=c,price" {
			t.Fatalf("predictions:\n%s", out.String())
		}
		for _, l := range lines[1:] {
			if strings.Count(l, ",") != 4 || strings.Contains(l, "NaN") || strings.Contains(l, "Inf") {
				t.Fatalf("prediction line %q", l)
			}
		}
	})
}

package mtl

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LoadModel rebuilds the network a run saved in dir (model.json and the
// best weights in model.safetensors).
func LoadModel(dir string) (*Network, *ModelCard, error) {
	raw, err := os.ReadFile(filepath.Join(dir, cardFile))
	if err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", dir, err)
	}
	var card ModelCard
	if err := json.Unmarshal(raw, &card); err != nil {
		return nil, nil, fmt.Errorf("model %s: %s: %w", dir, cardFile, err)
	}
	if len(card.Tasks) == 0 {
		return nil, nil, fmt.Errorf("model %s: %s names no tasks", dir, cardFile)
	}
	shape := &Dataset{Name: dir, DenseNames: card.DenseNames, Categorical: card.Categorical, Tasks: card.Tasks,
		Channels: card.Image[0], Height: card.Image[1], Width: card.Image[2]}
	net, err := NewNetwork(card.Run.Model, shape, card.Run.Train.Seed)
	if err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", dir, err)
	}
	if _, _, err := loadWeights(filepath.Join(dir, modelFile), net); err != nil {
		return nil, nil, err
	}
	return net, &card, nil
}

// tableSpecFor returns the table layout a model was trained on, with its
// vocabularies, for reading new rows; target columns are dropped when
// present and not required.
func tableSpecFor(card *ModelCard, header []string) (TableSpec, error) {
	name, _, _ := strings.Cut(card.Run.Data, ":")
	var spec TableSpec
	switch name {
	case "census", "census2":
		group := 1
		if name == "census2" {
			group = 2
		}
		var err error
		if spec, err = CensusSpec(group); err != nil {
			return spec, err
		}
	case "adult":
		spec = AdultSpec()
	case "csv":
		spec = TableSpec{Name: "csv", Dense: card.DenseNames, Drop: card.Run.Source.Drop}
		for _, t := range card.Tasks {
			spec.Tasks = append(spec.Tasks, TaskSpec{Name: t.Name, Column: t.Name, Kind: t.Kind})
		}
	default:
		return spec, fmt.Errorf("predict reads tables (csv, census, adult); the model was trained on %s", card.Run.Data)
	}
	// Targets are not needed for prediction: drop those columns.
	present := map[string]bool{}
	cols := spec.Columns
	if cols == nil {
		cols = header
	}
	for _, c := range cols {
		present[c] = true
	}
	var drop []string
	for _, c := range spec.Drop {
		if present[c] {
			drop = append(drop, c)
		}
	}
	for _, t := range spec.Tasks {
		if present[t.Column] {
			drop = append(drop, t.Column)
		}
	}
	spec.Drop, spec.Tasks = drop, nil
	spec.Vocab = map[string][]string{}
	for _, c := range card.Categorical {
		spec.Vocab[c.Name] = c.Values
	}
	return spec, nil
}

// PredictFile writes predictions of the model in dir for the rows of the
// table at path as CSV to w: one column per binary or regression task, one
// per class of a multi-class task.
func PredictFile(dir, path string, w io.Writer) error {
	net, card, err := LoadModel(dir)
	if err != nil {
		return err
	}
	var header []string
	name, _, _ := strings.Cut(card.Run.Data, ":")
	if name == "csv" {
		_, h, err := readFile(path, TableSpec{MaxRows: 10_000_000})
		if err != nil {
			return err
		}
		header = h
	}
	spec, err := tableSpecFor(card, header)
	if err != nil {
		return err
	}
	spec.MaxRows = 10_000_000
	d, err := LoadTable(path, spec)
	if err != nil {
		return err
	}
	if len(d.DenseNames) != len(card.DenseNames) || len(d.Categorical) != len(card.Categorical) {
		return fmt.Errorf("%s: %d dense and %d categorical columns, the model takes %d and %d", path, len(d.DenseNames), len(d.Categorical), len(card.DenseNames), len(card.Categorical))
	}
	for i, c := range d.Categorical {
		if c.Name != card.Categorical[i].Name {
			return fmt.Errorf("%s: categorical column %d is %q, the model expects %q", path, i, c.Name, card.Categorical[i].Name)
		}
	}
	if len(card.Scaler.Mean) > 0 {
		if err := card.Scaler.Apply(d); err != nil {
			return err
		}
	}
	preds := Predict(net, d, 4096)
	cw := csv.NewWriter(w)
	var head []string
	for _, t := range card.Tasks {
		if t.Kind == Multiclass {
			for c := 0; c < t.Classes; c++ {
				label := strconv.Itoa(c)
				if c < len(t.ClassNames) {
					label = t.ClassNames[c]
				}
				head = append(head, t.Name+"="+label)
			}
			continue
		}
		head = append(head, t.Name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for r := 0; r < d.Rows; r++ {
		var row []string
		for t, task := range card.Tasks {
			k := task.Outputs()
			for _, v := range preds[t][r*k : (r+1)*k] {
				row = append(row, strconv.FormatFloat(float64(v), 'g', 6, 32))
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

package mtl

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// LoadModel rebuilds the network a run saved in dir (model.json and the
// best weights in model.safetensors). The card is validated, and the size
// of the network it describes limited, before anything is allocated; the
// checkpoint's tensors must be exactly the network's, by name and shape.
func LoadModel(dir string) (*Network, *ModelCard, error) {
	card, err := readCard(filepath.Join(dir, cardFile))
	if err != nil {
		return nil, nil, err
	}
	net, err := NewNetwork(card.Run.Model, card.shape(dir), card.Run.Train.Seed)
	if err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", dir, err)
	}
	if err := loadWeights(filepath.Join(dir, modelFile), net); err != nil {
		return nil, nil, err
	}
	return net, card, nil
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
	for i, c := range card.Categorical {
		if len(c.Values) != c.Vocab-1 {
			return spec, fmt.Errorf("model: categorical[%d] (%s) lists no values, so new rows cannot be given its ids", i, c.Name)
		}
		spec.Vocab[c.Name] = c.Values
	}
	return spec, nil
}

// alignInputs puts the input columns of d, read from path, in the order
// the model takes them, matching them by name, so that a table may list
// its columns in any order; a column the model does not take, or lacks,
// is an error.
func alignInputs(d *Dataset, card *ModelCard, path string) error {
	for _, c := range d.Categorical {
		if !slices.ContainsFunc(card.Categorical, func(m Categorical) bool { return m.Name == c.Name }) {
			return fmt.Errorf("%s: column %q is not an input of the model (drop it from the table)", path, clip(c.Name))
		}
	}
	w, dw := len(card.DenseNames), len(d.DenseNames)
	pos := make([]int, w)
	for j, name := range card.DenseNames {
		if pos[j] = slices.Index(d.DenseNames, name); pos[j] < 0 {
			return fmt.Errorf("%s: no dense column %q, an input of the model", path, name)
		}
	}
	if dw != w {
		return fmt.Errorf("%s: %d dense columns, the model takes %d", path, dw, w)
	}
	dense := make([]float32, d.Rows*w)
	for r := 0; r < d.Rows; r++ {
		for j, k := range pos {
			dense[r*w+j] = d.Dense[r*dw+k]
		}
	}
	cols := make([]Categorical, len(card.Categorical))
	cat := make([][]int32, len(card.Categorical))
	for j, m := range card.Categorical {
		k := slices.IndexFunc(d.Categorical, func(c Categorical) bool { return c.Name == m.Name })
		if k < 0 {
			return fmt.Errorf("%s: no column %q, an input of the model", path, m.Name)
		}
		cols[j], cat[j] = d.Categorical[k], d.Cat[k]
	}
	d.Dense, d.DenseNames, d.Categorical, d.Cat = dense, card.DenseNames, cols, cat
	return nil
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
	if err := alignInputs(d, card, path); err != nil {
		return err
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

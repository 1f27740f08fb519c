package mtl

import (
	"fmt"
	"math/rand/v2"
)

// Kind is the type of a task's target.
type Kind int

// The task kinds. A binary task has a 0/1 target and one logit; a
// multi-class task has a class index and Classes logits; a regression task
// has a real target and one output.
const (
	Binary Kind = iota
	Multiclass
	Regression
)

func (k Kind) String() string {
	switch k {
	case Binary:
		return "binary"
	case Multiclass:
		return "multiclass"
	case Regression:
		return "regression"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads "binary", "multiclass" or "regression".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "binary":
		return Binary, nil
	case "multiclass":
		return Multiclass, nil
	case "regression":
		return Regression, nil
	}
	return 0, fmt.Errorf("unknown task type %q (want binary, multiclass or regression)", s)
}

// Task describes one prediction target.
type Task struct {
	Name    string `json:"name"`
	Kind    Kind   `json:"kind"`
	Classes int    `json:"classes,omitempty"` // number of classes of a Multiclass task
	// ClassNames names the classes of a multi-class task read from a table.
	ClassNames []string `json:"class_names,omitempty"`
}

// Outputs returns the width of the task's head.
func (t Task) Outputs() int {
	if t.Kind == Multiclass {
		return t.Classes
	}
	return 1
}

// Categorical describes one categorical input column: its name and the
// number of distinct ids (ids run from 0 to Vocab-1; loaders reserve an id
// for values unseen in training).
type Categorical struct {
	Name  string `json:"name"`
	Vocab int    `json:"vocab"`
	// Values lists the value of each id from 1 on (id 0 is "unseen") when
	// the column was read from a table; predictions on new rows map their
	// values through it.
	Values []string `json:"values,omitempty"`
}

// Dataset is a table of examples held column-wise, ready for batching:
// dense features row-major, categorical ids per column, one target column
// per task. Images are dense features of Channels×Height×Width values.
type Dataset struct {
	Name        string
	DenseNames  []string
	Dense       []float32 // Rows × len(DenseNames) (or Channels·Height·Width for images)
	Categorical []Categorical
	Cat         [][]int32 // Cat[c][row]
	Tasks       []Task
	Targets     [][]float32 // Targets[task][row]: 0/1, class index, or value
	Rows        int

	// Image geometry when the dense features are images; zero otherwise.
	Channels, Height, Width int
}

// DenseWidth returns the number of dense values per row.
func (d *Dataset) DenseWidth() int {
	if d.Rows == 0 {
		// An empty dataset describes a model's inputs (LoadModel).
		if d.Channels > 0 {
			return d.Channels * d.Height * d.Width
		}
		return len(d.DenseNames)
	}
	return len(d.Dense) / d.Rows
}

// Validate checks that the columns agree in length and targets in range.
func (d *Dataset) Validate() error {
	if d.Rows <= 0 {
		return fmt.Errorf("dataset %s: no rows", d.Name)
	}
	if len(d.Dense)%d.Rows != 0 {
		return fmt.Errorf("dataset %s: %d dense values for %d rows", d.Name, len(d.Dense), d.Rows)
	}
	if len(d.Cat) != len(d.Categorical) {
		return fmt.Errorf("dataset %s: %d categorical columns described, %d present", d.Name, len(d.Categorical), len(d.Cat))
	}
	for c, col := range d.Cat {
		if len(col) != d.Rows {
			return fmt.Errorf("dataset %s: categorical column %s has %d rows, want %d", d.Name, d.Categorical[c].Name, len(col), d.Rows)
		}
		for r, id := range col {
			if id < 0 || int(id) >= d.Categorical[c].Vocab {
				return fmt.Errorf("dataset %s: categorical column %s row %d: id %d outside [0, %d)", d.Name, d.Categorical[c].Name, r, id, d.Categorical[c].Vocab)
			}
		}
	}
	if len(d.Targets) != len(d.Tasks) {
		return fmt.Errorf("dataset %s: %d tasks, %d target columns", d.Name, len(d.Tasks), len(d.Targets))
	}
	for t, col := range d.Targets {
		task := d.Tasks[t]
		if len(col) != d.Rows {
			return fmt.Errorf("dataset %s: task %s has %d targets, want %d", d.Name, task.Name, len(col), d.Rows)
		}
		for r, v := range col {
			switch task.Kind {
			case Binary:
				if v != 0 && v != 1 {
					return fmt.Errorf("dataset %s: task %s row %d: binary target %g is not 0 or 1", d.Name, task.Name, r, v)
				}
			case Multiclass:
				if v != float32(int(v)) || v < 0 || int(v) >= task.Classes {
					return fmt.Errorf("dataset %s: task %s row %d: class %g outside [0, %d)", d.Name, task.Name, r, v, task.Classes)
				}
			}
		}
	}
	return nil
}

// Subset returns the rows listed in idx as a new dataset.
func (d *Dataset) Subset(idx []int) *Dataset {
	w := d.DenseWidth()
	s := &Dataset{
		Name: d.Name, DenseNames: d.DenseNames, Categorical: d.Categorical, Tasks: d.Tasks,
		Rows: len(idx), Channels: d.Channels, Height: d.Height, Width: d.Width,
		Dense:   make([]float32, 0, len(idx)*w),
		Cat:     make([][]int32, len(d.Cat)),
		Targets: make([][]float32, len(d.Targets)),
	}
	for _, r := range idx {
		s.Dense = append(s.Dense, d.Dense[r*w:(r+1)*w]...)
	}
	for c := range d.Cat {
		s.Cat[c] = make([]int32, len(idx))
		for i, r := range idx {
			s.Cat[c][i] = d.Cat[c][r]
		}
	}
	for t := range d.Targets {
		s.Targets[t] = make([]float32, len(idx))
		for i, r := range idx {
			s.Targets[t][i] = d.Targets[t][r]
		}
	}
	return s
}

// Slice returns rows lo to hi-1 as a new dataset.
func (d *Dataset) Slice(lo, hi int) *Dataset {
	idx := make([]int, hi-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	return d.Subset(idx)
}

// Split shuffles the rows with a seeded generator and cuts them into parts
// of the given fractions (which must sum to at most 1; the last part takes
// the remainder when they sum to 1).
func (d *Dataset) Split(seed uint64, fractions ...float64) ([]*Dataset, error) {
	total := 0.0
	for _, f := range fractions {
		if f <= 0 {
			return nil, fmt.Errorf("dataset %s: split fraction %g is not positive", d.Name, f)
		}
		total += f
	}
	if total > 1+1e-9 {
		return nil, fmt.Errorf("dataset %s: split fractions sum to %g > 1", d.Name, total)
	}
	perm := rand.New(rand.NewPCG(seed, 0x5eed)).Perm(d.Rows)
	parts := make([]*Dataset, len(fractions))
	at := 0
	for i, f := range fractions {
		n := int(f * float64(d.Rows))
		if i == len(fractions)-1 && total > 1-1e-9 {
			n = d.Rows - at
		}
		parts[i] = d.Subset(perm[at : at+n])
		at += n
	}
	return parts, nil
}

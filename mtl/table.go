package mtl

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// TableSpec says how to turn a delimited text table into a Dataset: which
// columns are dense numbers, which are dropped, and how each task's target
// is read from a column. Every other column is categorical.
type TableSpec struct {
	Name    string
	Columns []string // column names in file order; nil reads them from a header row
	Comma   rune
	Dense   []string
	Drop    []string
	Tasks   []TaskSpec
	// MaxRows limits the rows read (0: no limit), a guard against
	// unexpectedly large files.
	MaxRows int
	// Vocab, when set, gives the values of categorical columns (as
	// Categorical.Values) so that new rows get the ids a model was trained
	// with; values not listed get id 0.
	Vocab map[string][]string
	// Classes, when set, gives the class names of multi-class tasks by
	// task name, for the same reason.
	Classes map[string][]string
}

// TaskSpec reads one task's target from a column. For a binary task,
// Positive decides which values are 1 (when nil the value must be 0 or 1).
// A multi-class task numbers the column's distinct values in sorted order.
// A regression task parses the value as a number.
type TaskSpec struct {
	Name     string
	Column   string
	Kind     Kind
	Positive func(value string) bool
}

// maxLineBytes bounds one line of a table file.
const maxLineBytes = 1 << 20

// LoadTable reads the table at path (gzip-compressed when the name ends in
// .gz) according to spec. Errors name the file and line.
func LoadTable(path string, spec TableSpec) (*Dataset, error) {
	d, _, err := loadFiles(spec, path)
	return d, err
}

// loadFiles reads several files of one table (sharing categorical ids) and
// returns the dataset and the number of rows that came from each file.
func loadFiles(spec TableSpec, paths ...string) (*Dataset, []int, error) {
	var all []record
	var header []string
	counts := make([]int, len(paths))
	for i, path := range paths {
		rows, h, err := readFile(path, spec)
		if err != nil {
			return nil, nil, err
		}
		if header == nil {
			header = h
		}
		counts[i] = len(rows)
		all = append(all, rows...)
	}
	d, err := buildDataset(all, header, spec)
	if err != nil {
		return nil, nil, err
	}
	return d, counts, nil
}

func readFile(path string, spec TableSpec) ([]record, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	return readRecords(r, path, spec)
}

// ReadTable reads a table from r according to spec.
func ReadTable(r io.Reader, spec TableSpec) (*Dataset, error) {
	rows, header, err := readRecords(r, "input", spec)
	if err != nil {
		return nil, err
	}
	return buildDataset(rows, header, spec)
}

func buildDataset(rows []record, header []string, spec TableSpec) (*Dataset, error) {
	cols := spec.Columns
	if cols == nil {
		cols = header
	}
	index := map[string]int{}
	for i, c := range cols {
		index[c] = i
	}
	need := func(what, name string) (int, error) {
		i, ok := index[name]
		if !ok {
			return 0, fmt.Errorf("%s column %q not in the table (columns: %s)", what, name, strings.Join(cols, ", "))
		}
		return i, nil
	}
	role := make([]int, len(cols)) // 0 categorical, 1 dense, 2 dropped or target
	for _, name := range spec.Dense {
		i, err := need("dense", name)
		if err != nil {
			return nil, err
		}
		role[i] = 1
	}
	notInput := func(what, name string) (int, error) {
		i, err := need(what, name)
		if err == nil && role[i] == 1 {
			err = fmt.Errorf("column %q is both a dense input and %s", name, what)
		}
		return i, err
	}
	for _, name := range spec.Drop {
		i, err := notInput("dropped", name)
		if err != nil {
			return nil, err
		}
		role[i] = 2
	}
	taskCol := make([]int, len(spec.Tasks))
	for t, ts := range spec.Tasks {
		i, err := notInput("the target of task "+ts.Name, ts.Column)
		if err != nil {
			return nil, err
		}
		taskCol[t] = i
		role[i] = 2
	}
	d := &Dataset{Name: spec.Name, Rows: len(rows)}
	var denseIdx, catIdx []int
	for i, c := range cols {
		switch role[i] {
		case 0:
			catIdx = append(catIdx, i)
			d.Categorical = append(d.Categorical, Categorical{Name: c})
		case 1:
			denseIdx = append(denseIdx, i)
			d.DenseNames = append(d.DenseNames, c)
		}
	}
	if len(denseIdx) > maxDense || len(catIdx) > maxCategorical {
		return nil, fmt.Errorf("%s: %d dense and %d categorical columns, more than the limits of %d and %d", spec.Name, len(denseIdx), len(catIdx), maxDense, maxCategorical)
	}
	d.Dense = make([]float32, 0, len(rows)*len(denseIdx))
	for _, row := range rows {
		for _, i := range denseIdx {
			v, ok := parseFloat32(row.fields[i])
			if !ok {
				return nil, fmt.Errorf("%s: column %s: %q is not a finite 32-bit number", row.where(), cols[i], row.fields[i])
			}
			d.Dense = append(d.Dense, v)
		}
	}
	// Categorical ids: 0 is kept for values never seen, so a model can
	// take rows from other files; seen values are numbered in sorted order.
	d.Cat = make([][]int32, len(catIdx))
	for c, i := range catIdx {
		keys, fixed := spec.Vocab[cols[i]]
		if !fixed {
			keys = distinct(rows, i)
		}
		vocab := make(map[string]int32, len(keys))
		for id, k := range keys {
			vocab[k] = int32(id + 1)
		}
		d.Categorical[c].Vocab = len(keys) + 1
		d.Categorical[c].Values = keys
		col := make([]int32, len(rows))
		for r, row := range rows {
			col[r] = vocab[row.fields[i]] // 0 when unseen
		}
		d.Cat[c] = col
	}
	for t, ts := range spec.Tasks {
		task := Task{Name: ts.Name, Kind: ts.Kind}
		col := make([]float32, len(rows))
		i := taskCol[t]
		switch ts.Kind {
		case Binary:
			for r, row := range rows {
				v := row.fields[i]
				switch {
				case ts.Positive != nil:
					if ts.Positive(v) {
						col[r] = 1
					}
				case v == "1" || v == "1.0":
					col[r] = 1
				case v == "0" || v == "0.0":
				default:
					return nil, fmt.Errorf("%s: task %s: binary target %q is not 0 or 1", row.where(), ts.Name, v)
				}
			}
		case Multiclass:
			keys, fixed := spec.Classes[ts.Name]
			if !fixed {
				keys = distinct(rows, i)
			}
			if len(keys) < 2 || len(keys) > maxClasses {
				return nil, fmt.Errorf("task %s: column %s has %d distinct values, a multi-class task needs 2 to %d", ts.Name, ts.Column, len(keys), maxClasses)
			}
			classes := make(map[string]int, len(keys))
			for id, k := range keys {
				classes[k] = id
			}
			task.Classes, task.ClassNames = len(keys), keys
			for r, row := range rows {
				id, ok := classes[row.fields[i]]
				if !ok {
					return nil, fmt.Errorf("%s: task %s: class %q was not seen in training", row.where(), ts.Name, row.fields[i])
				}
				col[r] = float32(id)
			}
		case Regression:
			for r, row := range rows {
				v, ok := parseFloat32(row.fields[i])
				if !ok {
					return nil, fmt.Errorf("%s: task %s: target %q is not a finite 32-bit number", row.where(), ts.Name, row.fields[i])
				}
				col[r] = v
			}
		}
		d.Tasks = append(d.Tasks, task)
		d.Targets = append(d.Targets, col)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// parseFloat32 parses a number that is finite as a float32 (a value such
// as 1e300 parses as a float64 but would become +Inf).
func parseFloat32(s string) (float32, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > math.MaxFloat32 {
		return 0, false
	}
	return float32(v), true
}

// distinct returns the sorted distinct values of column i.
func distinct(rows []record, i int) []string {
	seen := map[string]bool{}
	var keys []string
	for _, row := range rows {
		if v := row.fields[i]; !seen[v] {
			seen[v] = true
			keys = append(keys, v)
		}
	}
	slices.Sort(keys)
	return keys
}

type record struct {
	file   string
	line   int
	fields []string
}

func (r record) where() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

// readRecords reads delimited lines, trimming spaces and a trailing period
// from each field (the UCI files end labels with "."), skipping blank lines
// and lines starting with '|' (UCI comments).
func readRecords(r io.Reader, file string, spec TableSpec) ([]record, []string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	comma := spec.Comma
	if comma == 0 {
		comma = ','
	}
	var rows []record
	var header []string
	width := len(spec.Columns)
	for line := 1; ; line++ {
		text, err := readLine(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "|") {
			continue
		}
		cr := csv.NewReader(strings.NewReader(text))
		cr.Comma = comma
		cr.LazyQuotes = true
		fields, err := cr.Read()
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		for i, f := range fields {
			fields[i] = strings.TrimSuffix(strings.TrimSpace(f), ".")
		}
		if spec.Columns == nil && header == nil {
			header = fields
			width = len(fields)
			seen := map[string]bool{}
			for _, h := range header {
				if h == "" || seen[h] {
					return nil, nil, fmt.Errorf("%s:%d: header has an empty or repeated column name %q", file, line, h)
				}
				seen[h] = true
			}
			continue
		}
		if len(fields) != width {
			return nil, nil, fmt.Errorf("%s:%d: %d fields, want %d", file, line, len(fields), width)
		}
		rows = append(rows, record{file: file, line: line, fields: fields})
		if spec.MaxRows > 0 && len(rows) > spec.MaxRows {
			return nil, nil, fmt.Errorf("%s: more than %d rows", file, spec.MaxRows)
		}
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("%s: no data rows", file)
	}
	return rows, header, nil
}

// readLine returns one line without its end, refusing lines longer than
// maxLineBytes.
func readLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && sb.Len() > 0 {
				return sb.String(), nil
			}
			return "", err
		}
		sb.Write(chunk)
		if sb.Len() > maxLineBytes {
			return "", fmt.Errorf("line longer than %d bytes", maxLineBytes)
		}
		if !isPrefix {
			return sb.String(), nil
		}
	}
}

// Scaler holds the mean and standard deviation of each dense column of a
// training set.
type Scaler struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// FitScaler measures the dense columns of d.
func FitScaler(d *Dataset) Scaler {
	w := d.DenseWidth()
	s := Scaler{Mean: make([]float64, w), Std: make([]float64, w)}
	if d.Channels > 0 {
		for j := range s.Std {
			s.Std[j] = 1
		}
		return s
	}
	for r := 0; r < d.Rows; r++ {
		for j := 0; j < w; j++ {
			s.Mean[j] += float64(d.Dense[r*w+j])
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(d.Rows)
	}
	for r := 0; r < d.Rows; r++ {
		for j := 0; j < w; j++ {
			x := float64(d.Dense[r*w+j]) - s.Mean[j]
			s.Std[j] += x * x
		}
	}
	for j := range s.Std {
		s.Std[j] = math.Sqrt(s.Std[j] / float64(d.Rows))
		if s.Std[j] == 0 {
			s.Std[j] = 1
		}
	}
	return s
}

// Apply rescales the dense columns of d to zero mean and unit variance by
// the scaler's statistics.
func (s Scaler) Apply(d *Dataset) error {
	w := d.DenseWidth()
	if w != len(s.Mean) {
		return fmt.Errorf("dataset %s has %d dense columns, the scaler %d", d.Name, w, len(s.Mean))
	}
	for r := 0; r < d.Rows; r++ {
		for j := 0; j < w; j++ {
			d.Dense[r*w+j] = float32((float64(d.Dense[r*w+j]) - s.Mean[j]) / s.Std[j])
		}
	}
	return nil
}

// Standardize fits a scaler on train, applies it to train and others, and
// returns it.
func Standardize(train *Dataset, others ...*Dataset) Scaler {
	s := FitScaler(train)
	if train.Channels > 0 {
		return s
	}
	for _, d := range append([]*Dataset{train}, others...) {
		s.Apply(d) // same columns by construction
	}
	return s
}

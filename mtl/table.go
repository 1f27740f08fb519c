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
	for _, name := range spec.Drop {
		i, err := need("dropped", name)
		if err != nil {
			return nil, err
		}
		role[i] = 2
	}
	taskCol := make([]int, len(spec.Tasks))
	for t, ts := range spec.Tasks {
		i, err := need("task "+ts.Name, ts.Column)
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
	d.Dense = make([]float32, 0, len(rows)*len(denseIdx))
	for _, row := range rows {
		for _, i := range denseIdx {
			v, err := strconv.ParseFloat(row.fields[i], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: column %s: %q is not a finite number", row.where(), cols[i], row.fields[i])
			}
			d.Dense = append(d.Dense, float32(v))
		}
	}
	// Categorical ids: 0 is kept for values never seen, so a model can
	// take rows from other files; seen values are numbered in sorted order.
	d.Cat = make([][]int32, len(catIdx))
	for c, i := range catIdx {
		vocab := map[string]int32{}
		for _, row := range rows {
			vocab[row.fields[i]] = 0
		}
		keys := make([]string, 0, len(vocab))
		for k := range vocab {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for id, k := range keys {
			vocab[k] = int32(id + 1)
		}
		d.Categorical[c].Vocab = len(keys) + 1
		col := make([]int32, len(rows))
		for r, row := range rows {
			col[r] = vocab[row.fields[i]]
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
			classes := map[string]int{}
			for _, row := range rows {
				classes[row.fields[i]] = 0
			}
			keys := make([]string, 0, len(classes))
			for k := range classes {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for id, k := range keys {
				classes[k] = id
			}
			if len(keys) < 2 {
				return nil, fmt.Errorf("task %s: column %s has %d distinct values, a multi-class task needs at least 2", ts.Name, ts.Column, len(keys))
			}
			task.Classes = len(keys)
			for r, row := range rows {
				col[r] = float32(classes[row.fields[i]])
			}
		case Regression:
			for r, row := range rows {
				v, err := strconv.ParseFloat(row.fields[i], 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("%s: task %s: target %q is not a finite number", row.where(), ts.Name, row.fields[i])
				}
				col[r] = float32(v)
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

// Standardize rescales every dense column of train to zero mean and unit
// variance and applies the same transform (train's statistics) to others.
func Standardize(train *Dataset, others ...*Dataset) {
	w := train.DenseWidth()
	if w == 0 || train.Channels > 0 {
		return
	}
	mean, std := make([]float64, w), make([]float64, w)
	for r := 0; r < train.Rows; r++ {
		for j := 0; j < w; j++ {
			mean[j] += float64(train.Dense[r*w+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(train.Rows)
	}
	for r := 0; r < train.Rows; r++ {
		for j := 0; j < w; j++ {
			d := float64(train.Dense[r*w+j]) - mean[j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(train.Rows))
		if std[j] == 0 {
			std[j] = 1
		}
	}
	for _, d := range append([]*Dataset{train}, others...) {
		for r := 0; r < d.Rows; r++ {
			for j := 0; j < w; j++ {
				d.Dense[r*w+j] = float32((float64(d.Dense[r*w+j]) - mean[j]) / std[j])
			}
		}
	}
}

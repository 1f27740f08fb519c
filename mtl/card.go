package mtl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/trident-lab/trident/internal/textclip"
)

// Limits on what a model card may describe. They are checked before a
// network is built from the card, so a corrupt or hostile model.json is
// refused with an error instead of making the loader allocate without
// bound. Each is far above what the data sources produce.
const (
	maxCardBytes   = 64 << 20 // model.json holds vocabularies, so it may be large
	maxParams      = 1 << 28  // trainable values of one network (1 GiB of float32)
	maxTasks       = 256
	maxClasses     = 1 << 16
	maxDense       = 1 << 20 // dense input columns
	maxCategorical = 1 << 16 // categorical input columns
	maxVocab       = 1 << 26
	maxLayers      = 64
	maxWidth       = 1 << 16
	maxExperts     = 1024
	maxLevels      = 64
	maxEmbed       = 4096
	maxChannels    = 64
	maxSide        = 4096
)

// sourceNames are the data source names OpenSource accepts (see
// DataSources).
var sourceNames = []string{"synthetic", "census", "census2", "adult", "multimnist", "multifashion", "csv"}

// readCard reads and validates the model card at path.
func readCard(path string) (*ModelCard, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCardBytes+1))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	if len(data) > maxCardBytes {
		return nil, fmt.Errorf("model %s: larger than %d bytes", path, maxCardBytes)
	}
	return parseCard(data, path)
}

// parseCard decodes a model card (refusing fields it does not know and
// anything after the JSON object) and validates it; name is the file's
// name for error messages.
func parseCard(data []byte, name string) (*ModelCard, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var card ModelCard
	if err := dec.Decode(&card); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("model %s: line %d: %w", name, lineOf(data, se.Offset), err)
		}
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("model %s: line %d: data after the JSON object", name, lineOf(data, dec.InputOffset()))
	}
	if err := card.Validate(); err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	return &card, nil
}

// maxQuoted is the length beyond which clip shortens a string.
const maxQuoted = 80

// clip shortens a string from an outside file for an error message.
func clip(s string) string { return textclip.Clip(s, maxQuoted) }

// lineOf returns the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Validate checks every field of a model card against the rules of the
// code that wrote it and against the size limits, so that NewNetwork can
// build the network it describes; the error names the offending field.
func (c *ModelCard) Validate() error {
	if err := c.validateRun(); err != nil {
		return err
	}
	if err := validateTasks(c.Tasks); err != nil {
		return err
	}
	if strings.HasPrefix(c.Run.Data, "csv:") {
		// The tasks of a table are those --task declared, in order.
		if len(c.Run.Source.Tasks) != len(c.Tasks) {
			return fmt.Errorf("tasks: %d tasks, but run.source.Tasks declares %d", len(c.Tasks), len(c.Run.Source.Tasks))
		}
		for i, t := range c.Tasks {
			if want := t.Name + ":" + t.Kind.String(); c.Run.Source.Tasks[i] != want {
				return fmt.Errorf("tasks[%d]: %s, but run.source.Tasks[%d] declares %q", i, want, i, clip(c.Run.Source.Tasks[i]))
			}
		}
	}
	image := c.Image != [3]int{}
	if err := c.validateInputs(image); err != nil {
		return err
	}
	if err := validateArch(c.Run.Model, c.Tasks, image, len(c.Categorical) > 0, "run.model."); err != nil {
		return err
	}
	if len(c.Run.Balance) > maxQuoted {
		return fmt.Errorf("run.balance: %q is not a balancing method", clip(c.Run.Balance))
	}
	if _, err := NewMethod(c.Run.Balance, len(c.Tasks), c.Run.Train.Seed); err != nil {
		return fmt.Errorf("run.balance: %w", err)
	}
	n := paramCount(c.Run.Model, c.shape(""))
	if n > maxParams {
		return fmt.Errorf("run.model: the network would have %d parameters, more than the limit of %d", n, maxParams)
	}
	if c.Parameters != n {
		return fmt.Errorf("parameters: %d, but the model described has %d", c.Parameters, n)
	}
	return nil
}

// shape returns an empty dataset with the columns, tasks and image
// geometry of the card: what NewNetwork needs to rebuild the network.
func (c *ModelCard) shape(name string) *Dataset {
	return &Dataset{Name: name, DenseNames: c.DenseNames, Categorical: c.Categorical, Tasks: c.Tasks,
		Channels: c.Image[0], Height: c.Image[1], Width: c.Image[2]}
}

func (c *ModelCard) validateRun() error {
	r := &c.Run
	source, _, _ := strings.Cut(r.Data, ":")
	if !slices.Contains(sourceNames, source) {
		return fmt.Errorf("run.data: unknown data source %q (want one of %s)", clip(r.Data), strings.Join(sourceNames, ", "))
	}
	for i, t := range r.Source.Tasks {
		name, kind, ok := strings.Cut(t, ":")
		if !ok || name == "" {
			return fmt.Errorf("run.source.Tasks[%d]: %q is not NAME:KIND", i, clip(t))
		}
		if _, err := ParseKind(kind); err != nil {
			return fmt.Errorf("run.source.Tasks[%d]: unknown task type %q (want binary, multiclass or regression)", i, clip(kind))
		}
	}
	for _, f := range []struct {
		field string
		names []string
	}{{"Dense", r.Source.Dense}, {"Categorical", r.Source.Categorical}, {"Drop", r.Source.Drop}} {
		if i := slices.Index(f.names, ""); i >= 0 {
			return fmt.Errorf("run.source.%s[%d]: empty column name", f.field, i)
		}
	}
	t := r.Train
	switch {
	case t.Epochs <= 0:
		return fmt.Errorf("run.train.epochs: %d is not positive", t.Epochs)
	case t.BatchSize <= 0:
		return fmt.Errorf("run.train.batch_size: %d is not positive", t.BatchSize)
	case !(t.LR > 0) || math.IsInf(t.LR, 0):
		return fmt.Errorf("run.train.lr: %g is not a positive number", t.LR)
	}
	// Weight decay and patience take any value NewTrainer accepts (a
	// patience of 0 or less never stops early), and JSON has no NaN.
	return nil
}

func validateTasks(tasks []Task) error {
	if len(tasks) == 0 || len(tasks) > maxTasks {
		return fmt.Errorf("tasks: %d tasks, want 1 to %d", len(tasks), maxTasks)
	}
	seen := map[string]bool{}
	for i, t := range tasks {
		if t.Name == "" || seen[t.Name] {
			return fmt.Errorf("tasks[%d].name: empty or repeated name %q", i, clip(t.Name))
		}
		seen[t.Name] = true
		switch t.Kind {
		case Multiclass:
			if t.Classes < 2 || t.Classes > maxClasses {
				return fmt.Errorf("tasks[%d].classes: %d, a multi-class task needs 2 to %d", i, t.Classes, maxClasses)
			}
			if len(t.ClassNames) != 0 && len(t.ClassNames) != t.Classes {
				return fmt.Errorf("tasks[%d].class_names: %d names for %d classes", i, len(t.ClassNames), t.Classes)
			}
			if j := repeated(t.ClassNames); j >= 0 {
				return fmt.Errorf("tasks[%d].class_names[%d]: %q is repeated", i, j, clip(t.ClassNames[j]))
			}
		case Binary, Regression:
			if t.Classes != 0 || len(t.ClassNames) != 0 {
				return fmt.Errorf("tasks[%d].classes: a %s task has no classes", i, t.Kind)
			}
		default:
			return fmt.Errorf("tasks[%d].kind: %d is not a task type (0 binary, 1 multiclass, 2 regression)", i, int(t.Kind))
		}
	}
	return nil
}

// repeated returns the index of the first value that occurred before, or -1.
func repeated(values []string) int {
	seen := make(map[string]bool, len(values))
	for i, v := range values {
		if seen[v] {
			return i
		}
		seen[v] = true
	}
	return -1
}

func (c *ModelCard) validateInputs(image bool) error {
	if len(c.DenseNames) > maxDense {
		return fmt.Errorf("dense_names: %d columns, more than the limit of %d", len(c.DenseNames), maxDense)
	}
	if len(c.Categorical) > maxCategorical {
		return fmt.Errorf("categorical: %d columns, more than the limit of %d", len(c.Categorical), maxCategorical)
	}
	seen := map[string]bool{}
	for i, name := range c.DenseNames {
		if name == "" || seen[name] {
			return fmt.Errorf("dense_names[%d]: empty or repeated column name %q", i, clip(name))
		}
		seen[name] = true
	}
	for i, col := range c.Categorical {
		if col.Name == "" || seen[col.Name] {
			return fmt.Errorf("categorical[%d].name: empty or repeated column name %q", i, clip(col.Name))
		}
		seen[col.Name] = true
		if col.Vocab < 1 || col.Vocab > maxVocab {
			return fmt.Errorf("categorical[%d].vocab: %d, want 1 to %d", i, col.Vocab, maxVocab)
		}
		// Id 0 stands for values unseen in training; Values names the rest.
		if len(col.Values) != 0 && len(col.Values) != col.Vocab-1 {
			return fmt.Errorf("categorical[%d].values: %d values for vocabulary %d (want vocab-1)", i, len(col.Values), col.Vocab)
		}
		if j := repeated(col.Values); j >= 0 {
			return fmt.Errorf("categorical[%d].values[%d]: %q is repeated", i, j, clip(col.Values[j]))
		}
	}
	width := len(c.DenseNames)
	if image {
		ch, h, w := c.Image[0], c.Image[1], c.Image[2]
		if ch < 1 || ch > maxChannels || h < 16 || h > maxSide || w < 16 || w > maxSide {
			return fmt.Errorf("image: %v, want channels 1 to %d and height and width 16 to %d", c.Image, maxChannels, maxSide)
		}
		if len(c.DenseNames) > 0 || len(c.Categorical) > 0 {
			return fmt.Errorf("image: an image model has no dense_names or categorical columns")
		}
		width = ch * h * w
	} else if width == 0 && len(c.Categorical) == 0 {
		return fmt.Errorf("dense_names: the model has no input columns")
	}
	s := c.Scaler
	if len(s.Mean) != len(s.Std) || (len(s.Mean) != 0 && len(s.Mean) != width) {
		return fmt.Errorf("scaler: %d means and %d deviations for %d dense inputs", len(s.Mean), len(s.Std), width)
	}
	for j := range s.Mean {
		if math.IsNaN(s.Mean[j]) || math.IsInf(s.Mean[j], 0) {
			return fmt.Errorf("scaler.mean[%d]: %g is not finite", j, s.Mean[j])
		}
		if !(s.Std[j] > 0) || math.IsInf(s.Std[j], 0) {
			return fmt.Errorf("scaler.std[%d]: %g is not a positive number", j, s.Std[j])
		}
	}
	return nil
}

// validateArch checks the architecture and its sizes as NewNetwork will
// use them, with upper bounds so that the sizes cannot overflow; prefix
// begins the field names in errors.
func validateArch(cfg Config, tasks []Task, image, categorical bool, prefix string) error {
	archs := Architectures
	if image {
		archs = ImageArchitectures
	}
	if !slices.Contains(archs, cfg.Arch) {
		return fmt.Errorf("%sArch: unknown architecture %q (want one of %s)", prefix, clip(cfg.Arch), strings.Join(archs, ", "))
	}
	if cfg.EmbedDim < 0 || cfg.EmbedDim > maxEmbed || (categorical && cfg.EmbedDim == 0) {
		return fmt.Errorf("%sEmbedDim: %d, want 1 to %d", prefix, cfg.EmbedDim, maxEmbed)
	}
	for _, f := range []struct {
		field  string
		widths []int
	}{{"Hidden", cfg.Hidden}, {"Tower", cfg.Tower}} {
		if len(f.widths) > maxLayers {
			return fmt.Errorf("%s%s: %d layers, more than the limit of %d", prefix, f.field, len(f.widths), maxLayers)
		}
		for i, w := range f.widths {
			if w < 1 || w > maxWidth {
				return fmt.Errorf("%s%s[%d]: width %d, want 1 to %d", prefix, f.field, i, w, maxWidth)
			}
		}
	}
	for _, f := range []struct {
		field    string
		n, limit int
	}{{"Experts", cfg.Experts, maxExperts}, {"TaskExperts", cfg.TaskExperts, maxExperts}, {"Levels", cfg.Levels, maxLevels}} {
		if f.n < 0 || f.n > f.limit {
			return fmt.Errorf("%s%s: %d, want 0 to %d", prefix, f.field, f.n, f.limit)
		}
	}
	if !(cfg.Dropout >= 0 && cfg.Dropout < 1) {
		return fmt.Errorf("%sDropout: %g, want 0 ≤ p < 1", prefix, cfg.Dropout)
	}
	if image {
		return nil
	}
	if cfg.Dropout != 0 {
		return fmt.Errorf("%sDropout: %g, but only image networks have dropout", prefix, cfg.Dropout)
	}
	if len(cfg.Hidden) == 0 {
		return fmt.Errorf("%sHidden: %s needs at least one hidden layer", prefix, cfg.Arch)
	}
	switch cfg.Arch {
	case "moe", "mmoe":
		if cfg.Experts < 1 {
			return fmt.Errorf("%sExperts: %s needs at least one expert", prefix, cfg.Arch)
		}
	case "cgc", "ple":
		if cfg.Experts < 1 || cfg.TaskExperts < 1 || (cfg.Arch == "ple" && cfg.Levels < 1) {
			return fmt.Errorf("%s needs at least one level, one shared and one task expert", cfg.Arch)
		}
	case "esmm":
		if len(tasks) != 2 || tasks[0].Kind != Binary || tasks[1].Kind != Binary {
			return fmt.Errorf("esmm needs two binary tasks (CTR, then CTCVR)")
		}
	}
	return nil
}

// satCap is where parameter counts saturate: far above maxParams, and
// low enough that adding two counts cannot overflow.
const satCap = 1 << 61

func satAdd(a, b int) int { return min(a+b, satCap) }

func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > satCap/b {
		return satCap
	}
	return a * b
}

func denseCount(in, out int) int { return satAdd(satMul(in, out), max(out, 0)) }

func convCount(in, out, k int) int { return satAdd(satMul(satMul(out, in), k*k), out) }

// mlpCount returns the parameters of newMLP and the width it ends with.
func mlpCount(in int, widths []int) (n, last int) {
	for _, w := range widths {
		n = satAdd(n, denseCount(in, w))
		in = w
	}
	return n, in
}

func towerCount(in int, widths []int, outputs int) int {
	n, last := mlpCount(in, widths)
	return satAdd(n, denseCount(last, outputs))
}

// paramCount returns the number of trainable values NewNetwork(cfg, d, _)
// allocates, computed from the sizes alone (saturating at satCap) so that
// a network can be refused before anything is allocated. It must follow
// the constructors exactly; a test compares it with built networks.
func paramCount(cfg Config, d *Dataset) int {
	T := len(d.Tasks)
	towers := 0
	if d.Channels > 0 {
		h, w := ((d.Height-4)/2-4)/2, ((d.Width-4)/2-4)/2
		if h < 1 || w < 1 {
			return 0
		}
		flat := satMul(20, satMul(h, w))
		trunk := satAdd(satAdd(convCount(d.Channels, 10, 5), convCount(10, 20, 5)), denseCount(flat, 50))
		for _, t := range d.Tasks {
			towers = satAdd(towers, towerCount(50, []int{50}, t.Outputs()))
		}
		switch cfg.Arch {
		case "single":
			return satAdd(satMul(T, trunk), towers)
		case "mtan":
			att := convCount(10, 10, 1) + convCount(10, 20, 5) + convCount(40, 20, 1)
			return satAdd(satAdd(trunk, satMul(T, satAdd(att, denseCount(flat, 50)))), towers)
		}
		return satAdd(trunk, towers)
	}
	E := max(cfg.EmbedDim, 0)
	encoder := 0
	for _, c := range d.Categorical {
		encoder = satAdd(encoder, satMul(c.Vocab, E))
	}
	in := satAdd(len(d.DenseNames), satMul(len(d.Categorical), E))
	if len(cfg.Hidden) == 0 {
		return 0
	}
	last := lastWidth(cfg.Hidden)
	for _, t := range d.Tasks {
		towers = satAdd(towers, towerCount(last, cfg.Tower, t.Outputs()))
	}
	bottom, _ := mlpCount(in, cfg.Hidden)
	switch cfg.Arch {
	case "single":
		return satAdd(satMul(T, satAdd(encoder, bottom)), towers)
	case "shared-bottom":
		return satAdd(satAdd(encoder, bottom), towers)
	case "cross-stitch":
		n := encoder
		prev := in
		for _, w := range cfg.Hidden {
			n = satAdd(n, satAdd(satMul(T, denseCount(prev, w)), satMul(T, T)))
			prev = w
		}
		return satAdd(n, towers)
	case "moe", "mmoe":
		gates := 1
		if cfg.Arch == "mmoe" {
			gates = T
		}
		n := satAdd(encoder, satMul(cfg.Experts, bottom))
		return satAdd(satAdd(n, satMul(gates, denseCount(in, cfg.Experts))), towers)
	case "cgc", "ple":
		levels := 1
		if cfg.Arch == "ple" {
			levels = cfg.Levels
		}
		n := encoder
		for l := 0; l < levels; l++ {
			experts, _ := mlpCount(in, cfg.Hidden)
			n = satAdd(n, satMul(satAdd(cfg.Experts, satMul(T, cfg.TaskExperts)), experts))
			n = satAdd(n, satMul(T, denseCount(in, satAdd(cfg.Experts, cfg.TaskExperts))))
			if l+1 < levels {
				n = satAdd(n, denseCount(in, satAdd(cfg.Experts, satMul(T, cfg.TaskExperts))))
			}
			in = last
		}
		return satAdd(n, towers)
	case "esmm":
		widths := append(append([]int(nil), cfg.Hidden...), cfg.Tower...)
		return satAdd(encoder, satMul(2, towerCount(in, widths, 1)))
	}
	return 0
}

package mtl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/internal/atomicfile"
	"github.com/trident-lab/trident/internal/chart"
	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/safetensors"
)

// RunConfig describes a training run of `trident mtl train`.
type RunConfig struct {
	Data    string        `json:"data"`
	Source  SourceOptions `json:"source"`
	Model   Config        `json:"model"`
	Balance string        `json:"balance"`
	Train   TrainOptions  `json:"train"`
	OutDir  string        `json:"-"`
	Resume  bool          `json:"-"`
}

// ModelCard is written to model.json beside the checkpoint: everything
// needed to rebuild the network and prepare new rows for it.
type ModelCard struct {
	Run         RunConfig     `json:"run"`
	Tasks       []Task        `json:"tasks"`
	DenseNames  []string      `json:"dense_names"`
	Categorical []Categorical `json:"categorical"`
	Scaler      Scaler        `json:"scaler"`
	Image       [3]int        `json:"image,omitempty"` // channels, height, width
	Parameters  int           `json:"parameters"`
}

// RunResult is what a finished run reports and writes to metrics.json.
type RunResult struct {
	Card      ModelCard     `json:"card"`
	History   []EpochRecord `json:"history"`
	BestEpoch int           `json:"best_epoch"`
	Test      []TaskMetrics `json:"test"`
	Done      bool          `json:"done"`
}

// Files a run writes in its output directory.
const (
	modelFile   = "model.safetensors" // the best epoch's weights
	lastFile    = "last.safetensors"  // the latest epoch, with optimizer state, for --resume
	cardFile    = "model.json"
	metricsFile = "metrics.json"
	curveFile   = "learning-curve.png"
)

// TrainRun trains a model as rc says, writing checkpoints, metrics and a
// learning-curve plot to rc.OutDir after every epoch; with rc.Resume it
// continues from the last completed epoch.
func TrainRun(ctx context.Context, rc RunConfig, log io.Writer) (*RunResult, error) {
	if rc.OutDir == "" {
		return nil, fmt.Errorf("mtl: an output directory is needed")
	}
	sp, err := OpenSource(rc.Data, rc.Source)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(rc.OutDir, 0o755); err != nil {
		return nil, err
	}
	net, err := NewNetwork(rc.Model, sp.Train, rc.Train.Seed)
	if err != nil {
		return nil, err
	}
	if rc.Balance == "" {
		rc.Balance = "ew"
	}
	method, err := NewMethod(rc.Balance, len(sp.Train.Tasks), rc.Train.Seed)
	if err != nil {
		return nil, err
	}
	extra := method.Params()
	card := ModelCard{Run: rc, Tasks: sp.Train.Tasks, DenseNames: sp.Train.DenseNames, Categorical: sp.Train.Categorical,
		Scaler: sp.Scaler, Parameters: net.Params.Count()}
	if sp.Train.Channels > 0 {
		card.Image = [3]int{sp.Train.Channels, sp.Train.Height, sp.Train.Width}
	}
	res := &RunResult{Card: card, BestEpoch: -1}
	opts := rc.Train
	tr, err := NewTrainer(net, method, opts)
	if err != nil {
		return nil, err
	}
	names := append(net.Params.GroupNames(""), extraNames(len(extra))...)
	if rc.Resume {
		if err := resume(rc.OutDir, rc, tr, names, res); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "resuming %s after epoch %d of %d\n", rc.OutDir, tr.Epoch, opts.Epochs)
	}
	if err := writeJSON(filepath.Join(rc.OutDir, cardFile), card); err != nil {
		return nil, err
	}
	tr.Options.OnEpoch = func(rec EpochRecord) error {
		res.History = append(res.History, rec)
		fmt.Fprintf(log, "epoch %d: %s (%.0f samples/s)\n", rec.Epoch+1, describe(net.Tasks, rec.Val), rec.SamplesPerSec)
		if tr.BestAt == rec.Epoch {
			res.BestEpoch = rec.Epoch
			if err := nn.SaveCheckpoint(filepath.Join(rc.OutDir, modelFile), net.Params, nil, map[string]string{"epoch": strconv.Itoa(rec.Epoch)}); err != nil {
				return err
			}
		}
		state, steps, err := tr.Opt.State(names, nn.StatePrefix+"adam/")
		if err != nil {
			return err
		}
		hist, err := json.Marshal(res.History)
		if err != nil {
			return err
		}
		balanceState, err := json.Marshal(method.State())
		if err != nil {
			return err
		}
		meta := map[string]string{"epoch": strconv.Itoa(tr.Epoch), "adam_steps": strconv.Itoa(steps), "history": string(hist),
			"best_epoch": strconv.Itoa(res.BestEpoch), "best_score": strconv.FormatFloat(tr.BestEval, 'g', -1, 64),
			"balance": method.Name(), "balance_state": string(balanceState)}
		if err := nn.SaveCheckpoint(filepath.Join(rc.OutDir, lastFile), net.Params, withExtra(state, extra), meta); err != nil {
			return err
		}
		if err := writeJSON(filepath.Join(rc.OutDir, metricsFile), res); err != nil {
			return err
		}
		return plotCurve(filepath.Join(rc.OutDir, curveFile), net.Tasks, res.History)
	}
	if err := tr.Run(ctx, sp.Train, sp.Val); err != nil {
		return res, err
	}
	// Test the best epoch's weights.
	if res.BestEpoch >= 0 {
		if err := loadWeights(filepath.Join(rc.OutDir, modelFile), net); err != nil {
			return res, err
		}
	}
	res.Test = Evaluate(net, sp.Test, 4096)
	res.Done = true
	fmt.Fprintf(log, "test (best epoch %d): %s\n", res.BestEpoch+1, describe(net.Tasks, res.Test))
	return res, writeJSON(filepath.Join(rc.OutDir, metricsFile), res)
}

// loadWeights loads the weights at path into net.
func loadWeights(path string, net *Network) error {
	if err := checkHeader(path, net.Params); err != nil {
		return err
	}
	_, _, err := nn.LoadCheckpoint(path, net.Params)
	return err
}

// checkHeader compares the tensors a checkpoint's header declares with the
// parameters of ps, by name and shape, before any tensor data is read: a
// checkpoint of another model is refused, naming a tensor, without reading
// what may be gigabytes. State tensors (nn.StatePrefix) are left to the
// caller.
func checkHeader(path string, ps *nn.Params) error {
	h, err := safetensors.ReadHeader(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	found := 0
	for _, t := range h.Tensors {
		if strings.HasPrefix(t.Name, nn.StatePrefix) {
			continue
		}
		p := ps.Get(t.Name)
		if p == nil {
			return fmt.Errorf("checkpoint %s: tensor %q is not part of this model (is the checkpoint from another model?)", path, clip(t.Name))
		}
		if !slices.Equal(p.Shape, t.Shape) {
			return fmt.Errorf("checkpoint %s: tensor %q has shape %v, the model expects %v", path, clip(t.Name), t.Shape, p.Shape)
		}
		found++
	}
	if names := ps.Names(); found != len(names) {
		for _, name := range names {
			if !slices.ContainsFunc(h.Tensors, func(t safetensors.Info) bool { return t.Name == name }) {
				return fmt.Errorf("checkpoint %s: no tensor %q (shape %v) for this model", path, name, ps.Get(name).Shape)
			}
		}
	}
	return nil
}

// extraNames names the balancing method's own parameters in checkpoints.
func extraNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = nn.StatePrefix + "balance/" + strconv.Itoa(i)
	}
	return out
}

// withExtra adds the balancing method's parameters to the saved state.
func withExtra(state map[string]*nn.Tensor, extra []*nn.Tensor) map[string]*nn.Tensor {
	for i, name := range extraNames(len(extra)) {
		state[name] = extra[i]
	}
	return state
}

// resume restores the trainer and the result from the last epoch
// checkpoint in dir, after checking that the run there is the run rc
// describes (its model.json) and that the checkpoint is consistent.
func resume(dir string, rc RunConfig, tr *Trainer, names []string, res *RunResult) error {
	old, err := readCard(filepath.Join(dir, cardFile))
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	if err := sameRun(old.Run, rc); err != nil {
		return fmt.Errorf("resume: %s: %w", filepath.Join(dir, cardFile), err)
	}
	path := filepath.Join(dir, lastFile)
	if err := checkHeader(path, tr.Net.Params); err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	state, meta, err := nn.LoadCheckpoint(path, tr.Net.Params)
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	m, err := parseResumeMeta(meta, len(tr.Net.Tasks))
	if err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	if m.balance != tr.Method.Name() {
		return fmt.Errorf("resume: %s was trained with balancing method %q, not %q", path, clip(m.balance), tr.Method.Name())
	}
	if err := tr.Opt.SetState(names, nn.StatePrefix+"adam/", state, m.steps); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	extra := tr.Opt.Params[len(tr.Net.Params.Trainable()):]
	for i, name := range extraNames(len(extra)) {
		t, ok := state[name]
		if !ok || len(t.Data) != len(extra[i].Data) {
			return fmt.Errorf("resume: %s: balancing parameter %s missing or of the wrong size", path, name)
		}
		copy(extra[i].Data, t.Data)
	}
	if err := tr.Method.SetState(m.balanceState); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	res.History = m.history
	tr.Epoch, tr.History, tr.BestAt, tr.BestEval = m.epoch, m.history, m.best, m.score
	res.BestEpoch = m.best
	tr.SetStep(m.steps)
	return nil
}

// sameRun reports, naming the setting, how a run resumed with now differs
// from the run that was, in what decides its data and its model. The
// number of epochs (and patience, and learning rate) may change.
func sameRun(was, now RunConfig) error {
	a, b := was.Model, now.Model
	switch {
	case was.Data != now.Data:
		return fmt.Errorf("the run was on data %q, not %q", clip(was.Data), now.Data)
	case !slices.Equal(was.Source.Tasks, now.Source.Tasks) || !slices.Equal(was.Source.Dense, now.Source.Dense) ||
		!slices.Equal(was.Source.Categorical, now.Source.Categorical) || !slices.Equal(was.Source.Drop, now.Source.Drop) ||
		was.Source.Seed != now.Source.Seed:
		return fmt.Errorf("the run read its data with other settings (%s, now %+v)", clip(fmt.Sprintf("%+v", was.Source)), now.Source)
	case a.Arch != b.Arch || a.EmbedDim != b.EmbedDim || !slices.Equal(a.Hidden, b.Hidden) || a.Experts != b.Experts ||
		a.TaskExperts != b.TaskExperts || a.Levels != b.Levels || !slices.Equal(a.Tower, b.Tower) || a.Dropout != b.Dropout:
		return fmt.Errorf("the run trained model %+v, not %+v", a, b)
	case was.Balance != now.Balance:
		return fmt.Errorf("the run used balancing method %q, not %q", clip(was.Balance), now.Balance)
	case was.Train.Seed != now.Train.Seed:
		return fmt.Errorf("the run used seed %d, not %d", was.Train.Seed, now.Train.Seed)
	case was.Train.BatchSize != now.Train.BatchSize:
		return fmt.Errorf("the run used batch size %d, not %d", was.Train.BatchSize, now.Train.BatchSize)
	}
	return nil
}

// resumeMeta is the training state an epoch checkpoint's metadata holds.
type resumeMeta struct {
	epoch, steps, best int // epochs completed, Adam steps, best epoch (-1: none)
	score              float64
	history            []EpochRecord
	balance            string
	balanceState       []float64
}

// parseResumeMeta reads and checks the metadata TrainRun writes to
// last.safetensors for a run of the given number of tasks; the error
// names the key.
func parseResumeMeta(meta map[string]string, tasks int) (*resumeMeta, error) {
	m := &resumeMeta{balance: meta["balance"]}
	ints := []struct {
		key string
		v   *int
		min int
	}{{"epoch", &m.epoch, 1}, {"adam_steps", &m.steps, 0}, {"best_epoch", &m.best, -1}}
	for _, f := range ints {
		v, err := strconv.Atoi(meta[f.key])
		if err != nil || v < f.min {
			return nil, fmt.Errorf("metadata %s: %q is not an integer of at least %d", f.key, clip(meta[f.key]), f.min)
		}
		*f.v = v
	}
	if m.best >= m.epoch {
		return nil, fmt.Errorf("metadata best_epoch: %d, but only %d epochs ran", m.best, m.epoch)
	}
	score, err := strconv.ParseFloat(meta["best_score"], 64)
	if err != nil || math.IsNaN(score) || math.IsInf(score, 1) {
		return nil, fmt.Errorf("metadata best_score: %q is not a number", clip(meta["best_score"]))
	}
	m.score = score
	if err := json.Unmarshal([]byte(meta["history"]), &m.history); err != nil {
		return nil, fmt.Errorf("metadata history: %w", err)
	}
	if len(m.history) != m.epoch {
		return nil, fmt.Errorf("metadata history: %d epochs recorded, %d ran", len(m.history), m.epoch)
	}
	for i, h := range m.history {
		if h.Epoch != i || len(h.TrainLoss) != tasks || len(h.Val) != len(m.history[0].Val) || (len(h.Val) != 0 && len(h.Val) != tasks) {
			return nil, fmt.Errorf("metadata history[%d]: epoch %d with %d losses and %d validation results, want epoch %d and %d tasks",
				i, h.Epoch, len(h.TrainLoss), len(h.Val), i, tasks)
		}
	}
	if m.balance == "" {
		return nil, fmt.Errorf("metadata balance: missing")
	}
	if err := json.Unmarshal([]byte(meta["balance_state"]), &m.balanceState); err != nil {
		return nil, fmt.Errorf("metadata balance_state: %w", err)
	}
	return m, nil
}

func describe(tasks []Task, ms []TaskMetrics) string {
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += ", "
		}
		switch tasks[i].Kind {
		case Binary:
			s += fmt.Sprintf("%s AUC %.4f", m.Task, m.AUC)
		case Multiclass:
			s += fmt.Sprintf("%s acc %.4f", m.Task, m.Accuracy)
		default:
			s += fmt.Sprintf("%s RMSE %.4f", m.Task, m.RMSE)
		}
	}
	return s
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}

// plotCurve draws each task's training loss and validation loss.
func plotCurve(path string, tasks []Task, hist []EpochRecord) error {
	return chart.Lines(path, "learning curve", "epoch", "loss", curveSeries(tasks, hist))
}

// curveSeries returns the lines plotCurve draws.
func curveSeries(tasks []Task, hist []EpochRecord) []chart.Series {
	var series []chart.Series
	for i, t := range tasks {
		loss := chart.Series{Name: t.Name + " train loss"}
		for _, h := range hist {
			loss.X = append(loss.X, float64(h.Epoch+1))
			loss.Y = append(loss.Y, h.TrainLoss[i])
		}
		series = append(series, loss)
		if len(hist) > 0 && len(hist[0].Val) > 0 {
			val := chart.Series{Name: t.Name + " validation loss"}
			for _, h := range hist {
				val.X = append(val.X, float64(h.Epoch+1))
				val.Y = append(val.Y, h.Val[i].Loss)
			}
			series = append(series, val)
		}
	}
	return series
}

package mtl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/trident-lab/trident/internal/atomicfile"
	"github.com/trident-lab/trident/internal/chart"
	"github.com/trident-lab/trident/nn"
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
		if err := resume(rc.OutDir, tr, names, res); err != nil {
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
		if _, _, err := loadWeights(filepath.Join(rc.OutDir, modelFile), net); err != nil {
			return res, err
		}
	}
	res.Test = Evaluate(net, sp.Test, 4096)
	res.Done = true
	fmt.Fprintf(log, "test (best epoch %d): %s\n", res.BestEpoch+1, describe(net.Tasks, res.Test))
	return res, writeJSON(filepath.Join(rc.OutDir, metricsFile), res)
}

func loadWeights(path string, net *Network) (map[string]*nn.Tensor, map[string]string, error) {
	return nn.LoadCheckpoint(path, net.Params)
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

func resume(dir string, tr *Trainer, names []string, res *RunResult) error {
	path := filepath.Join(dir, lastFile)
	state, meta, err := nn.LoadCheckpoint(path, tr.Net.Params)
	if err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	epoch, err1 := strconv.Atoi(meta["epoch"])
	steps, err2 := strconv.Atoi(meta["adam_steps"])
	best, err3 := strconv.Atoi(meta["best_epoch"])
	score, err4 := strconv.ParseFloat(meta["best_score"], 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return fmt.Errorf("resume: %s: metadata epoch/adam_steps/best_epoch/best_score missing or malformed", path)
	}
	if err := json.Unmarshal([]byte(meta["history"]), &res.History); err != nil {
		return fmt.Errorf("resume: %s: history: %w", path, err)
	}
	if err := tr.Opt.SetState(names, nn.StatePrefix+"adam/", state, steps); err != nil {
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
	if meta["balance"] != tr.Method.Name() {
		return fmt.Errorf("resume: %s was trained with balancing method %q, not %q", path, meta["balance"], tr.Method.Name())
	}
	var bs []float64
	if err := json.Unmarshal([]byte(meta["balance_state"]), &bs); err != nil {
		return fmt.Errorf("resume: %s: balance_state: %w", path, err)
	}
	if err := tr.Method.SetState(bs); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	tr.Epoch, tr.History, tr.BestAt, tr.BestEval = epoch, res.History, best, score
	res.BestEpoch = best
	tr.SetStep(steps)
	return nil
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

// plotCurve draws each task's training loss and validation score.
func plotCurve(path string, tasks []Task, hist []EpochRecord) error {
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
	return chart.Lines(path, "learning curve", "epoch", "loss", series)
}

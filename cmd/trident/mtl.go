package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/atomicfile"
	"github.com/trident-lab/trident/internal/chart"
	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/mtl"
	"github.com/trident-lab/trident/mtl/balance"
)

func newMTLCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mtl",
		Short: "Multi-task learning: train, benchmark and apply multi-task models",
		Long: `mtl trains one model for several tasks (shared-bottom, cross-stitch, MoE, MMoE,
CGC, PLE, ESMM; a LeNet trunk with MTAN-style attention for images), balancing
the tasks by loss weighting or by gradient methods on the shared parameters.`,
	}
	cmd.AddCommand(newMTLTrainCmd(), newMTLBenchCmd(), newMTLPredictCmd())
	return cmd
}

func newMTLTrainCmd() *cobra.Command {
	rc := mtl.RunConfig{Model: mtl.DefaultConfig("mmoe"), Train: mtl.TrainOptions{Epochs: 10, BatchSize: 256, LR: 1e-3, Seed: 1, Patience: 3}}
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a multi-task model and write checkpoints, metrics.json and a learning curve",
		Long: `train fits a multi-task model on a data source and writes to --out:
model.safetensors (best validation epoch), last.safetensors (latest epoch with
optimizer state, for --resume), model.json, metrics.json and learning-curve.png.

Data sources (--data):
` + mtl.DataSources,
		Example: `  trident mtl train --data census --model mmoe --balance ew --epochs 10 --out runs/census-mmoe
  trident mtl train --data csv:clicks.csv --task clicked:binary --task revenue:regression --model ple --out runs/clicks`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rc.Data == "" {
				return fmt.Errorf("--data is required; the sources are:\n%s", mtl.DataSources)
			}
			if rc.OutDir == "" {
				return fmt.Errorf("--out is required")
			}
			w := cmd.OutOrStdout()
			var bar *progress.Reporter
			rc.Train.OnStep = func(step, steps int, loss float64) {
				if bar == nil {
					bar = progress.New(cmd.ErrOrStderr(), steps, "epoch")
				}
				bar.Add(1, fmt.Sprintf("loss %.4f", loss))
				if step == steps {
					bar.Finish()
					bar = nil
				}
			}
			res, err := mtl.TrainRun(cmd.Context(), rc, w)
			if err != nil {
				if res != nil && len(res.History) > 0 && cmd.Context().Err() != nil {
					return fmt.Errorf("interrupted after epoch %d; continue with --resume: %w", len(res.History), err)
				}
				return err
			}
			fmt.Fprintf(w, "wrote %s\n", rc.OutDir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&rc.Data, "data", "", "data source (see above)")
	f.StringArrayVar(&rc.Source.Tasks, "task", nil, "csv target column as NAME:binary|multiclass|regression (repeatable)")
	f.StringSliceVar(&rc.Source.Dense, "dense", nil, "csv dense columns (default: every numeric column)")
	f.StringSliceVar(&rc.Source.Categorical, "categorical", nil, "csv columns to treat as categorical even if numeric")
	f.StringSliceVar(&rc.Source.Drop, "drop", nil, "csv columns that are not inputs")
	f.StringVar(&rc.Model.Arch, "model", rc.Model.Arch, "architecture: "+strings.Join(mtl.Architectures, ", ")+" (images: "+strings.Join(mtl.ImageArchitectures, ", ")+")")
	f.StringVar(&rc.Balance, "balance", "ew", "balancing method: "+mtl.MethodHelp())
	f.IntSliceVar(&rc.Model.Hidden, "hidden", rc.Model.Hidden, "hidden widths of the bottom, each expert or each column")
	f.IntVar(&rc.Model.Experts, "experts", rc.Model.Experts, "shared experts (moe, mmoe, cgc, ple)")
	f.IntVar(&rc.Model.TaskExperts, "task-experts", rc.Model.TaskExperts, "experts per task (cgc, ple)")
	f.IntVar(&rc.Model.Levels, "levels", rc.Model.Levels, "extraction levels (ple)")
	f.IntSliceVar(&rc.Model.Tower, "tower", rc.Model.Tower, "hidden widths of each task tower")
	f.IntVar(&rc.Model.EmbedDim, "embed", rc.Model.EmbedDim, "embedding width of categorical columns")
	f.IntVar(&rc.Train.Epochs, "epochs", rc.Train.Epochs, "epochs")
	f.IntVar(&rc.Train.BatchSize, "batch", rc.Train.BatchSize, "batch size")
	f.Float64Var(&rc.Train.LR, "lr", rc.Train.LR, "Adam learning rate")
	f.Float64Var(&rc.Train.WeightDecay, "weight-decay", 0, "L2 weight decay")
	f.Uint64Var(&rc.Train.Seed, "seed", rc.Train.Seed, "random seed (data split, initialization, shuffling)")
	f.IntVar(&rc.Train.Patience, "patience", rc.Train.Patience, "stop after this many epochs without validation improvement (0: never)")
	f.StringVar(&rc.OutDir, "out", "", "output directory")
	f.BoolVar(&rc.Resume, "resume", false, "continue an interrupted run from --out/last.safetensors")
	return cmd
}

func newMTLPredictCmd() *cobra.Command {
	var model, data, out string
	cmd := &cobra.Command{
		Use:   "predict",
		Short: "Predict every task for the rows of a table with a trained model",
		Long: `predict loads a model directory written by "mtl train" and writes one CSV
row of predictions per input row: probabilities for binary tasks, one column
per class for multi-class tasks, values for regression. The table must have
the model's input columns; target columns may be absent.`,
		Example: `  trident mtl predict --model runs/census-mmoe --data ../shared/data/census-income/census-income.test.gz`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if model == "" || data == "" {
				return fmt.Errorf("--model and --data are required")
			}
			_, path, ok := strings.Cut(data, ":")
			if !ok || strings.HasPrefix(data, "/") || strings.HasPrefix(data, ".") {
				path = data
			}
			if out == "" {
				return mtl.PredictFile(model, path, cmd.OutOrStdout())
			}
			return atomicfile.Write(out, func(f io.Writer) error { return mtl.PredictFile(model, path, f) })
		},
	}
	cmd.Flags().StringVar(&model, "model", "", "model directory written by mtl train")
	cmd.Flags().StringVar(&data, "data", "", "table to predict (a path, or csv:PATH)")
	cmd.Flags().StringVar(&out, "out", "", "write the CSV here instead of standard output")
	return cmd
}

func newMTLBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Reproduce multi-task learning experiments from the literature",
	}
	cmd.AddCommand(newMTLBenchSyntheticCmd(), newMTLBenchFrontCmd("multifashion"), newMTLBenchFrontCmd("multimnist"), newMTLBenchTableCmd())
	return cmd
}

func newMTLBenchTableCmd() *cobra.Command {
	tb := mtl.TableBench{Data: "census", Archs: []string{"shared-bottom", "mmoe", "cgc", "ple"}, Balance: "ew", Epochs: 8, BatchSize: 256, LR: 1e-3, Seed: 1}
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "table",
		Short: "Architectures on a table (Census-Income by default): per-task test metrics and Δm% over single-task models",
		Long: `table trains the single-task baseline and each architecture on a tabular data
source with one balancing method, keeps each one's best validation epoch, and
prints per-task test metrics, the multi-task gain Δm% (mean relative gain of
each task's AUC, accuracy or RMSE over the baseline) and training speed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			results, err := tb.Run(cmd.Context(), func(r mtl.TableResult) {
				fmt.Fprintf(cmd.ErrOrStderr(), "  %s done (%.0fs)\n", r.Arch, r.Seconds)
			})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(results)
			}
			fmt.Fprintf(w, "%s, balance %s, %d epochs (best validation epoch kept)\n", tb.Data, tb.Balance, tb.Epochs)
			fmt.Fprintf(w, "%-14s %10s", "model", "params")
			for _, m := range results[0].Test {
				fmt.Fprintf(w, " %12s", m.Task)
			}
			fmt.Fprintf(w, " %8s %10s\n", "Δm%", "samples/s")
			for _, r := range results {
				fmt.Fprintf(w, "%-14s %10d", r.Arch, r.Parameters)
				for _, m := range r.Test {
					switch {
					case m.AUC != 0:
						fmt.Fprintf(w, " %8s%.4f", "AUC ", m.AUC)
					case m.RMSE != 0:
						fmt.Fprintf(w, " %7s%.4f", "RMSE ", m.RMSE)
					default:
						fmt.Fprintf(w, " %8s%.4f", "acc ", m.Accuracy)
					}
				}
				fmt.Fprintf(w, " %+8.3f %10.0f\n", r.DeltaM, r.SamplesPerSec)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&tb.Data, "data", tb.Data, "tabular data source (census, census2, adult, synthetic, csv:PATH)")
	f.StringSliceVar(&tb.Archs, "models", tb.Archs, "architectures to compare with the single-task baseline")
	f.StringVar(&tb.Balance, "balance", tb.Balance, "balancing method: "+mtl.MethodHelp())
	f.IntVar(&tb.Epochs, "epochs", tb.Epochs, "epochs per model")
	f.IntVar(&tb.BatchSize, "batch", tb.BatchSize, "batch size")
	f.Float64Var(&tb.LR, "lr", tb.LR, "Adam learning rate")
	f.Uint64Var(&tb.Seed, "seed", tb.Seed, "random seed")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

func newMTLBenchFrontCmd(data string) *cobra.Command {
	fb := mtl.FrontBench{Data: data, Arch: "shared-bottom", TrainRows: 20000, Epochs: 5, BatchSize: 256, LR: 1e-3, Seed: 1, Seeds: 1}
	var methods []string
	var plotPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   data,
		Short: "Every balancing method on one network for " + data + ": per-task accuracy and the trade-off front",
		Long: data + ` trains the MultiLeNet of Sener and Koltun (2018) once per balancing method on
the two tasks (left and right item) and prints each run's test accuracy per
task, marking the runs on the Pareto front; --plot writes a scatter of task-1
against task-2 accuracy.

With --seeds N each method runs with N seeds (new training and validation
overlays, initialization and shuffling; the same test overlays) and the table gives
per task the mean ± standard deviation, the 95% confidence interval of the
mean, and each method's difference from equal weighting (ew, or the first
method when ew is not run) paired by seed: mean ± standard error, "better"
or "worse" when its 95% interval excludes zero, "within noise" otherwise.

Every epoch is scored on the validation overlays (built from half of the
test images, disjoint from the test overlays): the mean over the two tasks
of the validation accuracy. Each run is tested with the weights of its best
epoch, printed in the "epoch" column; the test split plays no part in the
choice. Progress lines on stderr give every epoch's validation and test
accuracy.` + frontScheduleNote(data),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fb.Methods = methods
			if len(fb.Methods) == 0 {
				fb.Methods = defaultFrontMethods()
			}
			if len(fb.Methods) == 0 {
				return fmt.Errorf("no balancing methods given")
			}
			if fb.Seeds < 1 {
				return fmt.Errorf("--seeds %d: want at least 1", fb.Seeds)
			}
			if data == "multimnist" {
				fb.Schedule = mtl.MGDAUBSchedule(fb.LR)
				fb.Dropout = mtl.MGDAUBDropout
			}
			fb.OnEpoch = func(method string, seed uint64, e mtl.FrontEpoch) {
				fmt.Fprintf(cmd.ErrOrStderr(), "    %-12s seed %d epoch %3d/%d lr %.3g val %.4f %.4f test %.4f %.4f\n",
					method, seed, e.Epoch, fb.Epochs, e.LR, e.Val[0], e.Val[1], e.Test[0], e.Test[1])
			}
			w := cmd.OutOrStdout()
			rows := "all"
			if fb.TrainRows > 0 {
				rows = fmt.Sprint(fb.TrainRows)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d methods × %d seeds, %s training images, %d epochs each\n", data, len(fb.Methods), fb.Seeds, rows, fb.Epochs)
			points, err := fb.Run(cmd.Context(), func(p mtl.FrontPoint) {
				fmt.Fprintf(cmd.ErrOrStderr(), "  %-12s seed %d left %.4f right %.4f at epoch %d (val %.4f %.4f) (%.0fs)\n",
					p.Method, p.Seed, p.Accuracy[0], p.Accuracy[1], p.BestEpoch, p.Val[0], p.Val[1], p.Seconds)
			})
			if err != nil {
				return err
			}
			if fb.Seeds > 1 {
				return printFrontSeeds(w, data, fb, points, plotPath, asJSON)
			}
			front := mtl.ParetoFront(points)
			onFront := map[int]bool{}
			for _, i := range front {
				onFront[i] = true
			}
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(points)
			}
			fmt.Fprintf(w, "%-14s %10s %10s %6s %8s  %s\n", "method", "left acc", "right acc", "epoch", "seconds", "front")
			for i, p := range points {
				mark := ""
				if onFront[i] {
					mark = "*"
				}
				fmt.Fprintf(w, "%-14s %10.4f %10.4f %6d %8.0f  %s\n", p.Method, p.Accuracy[0], p.Accuracy[1], p.BestEpoch, p.Seconds, mark)
			}
			if plotPath != "" {
				var groups []chart.Group
				for _, p := range points {
					groups = append(groups, chart.Group{Name: p.Method, X: []float64{p.Accuracy[0]}, Y: []float64{p.Accuracy[1]}})
				}
				if err := writeFrontPlot(plotPath, data, "Pareto front", groups, points, front); err != nil {
					return err
				}
				fmt.Fprintf(w, "wrote %s\n", plotPath)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&methods, "methods", nil, "balancing methods to compare (default: all)")
	f.StringVar(&fb.Arch, "model", fb.Arch, "image architecture: "+strings.Join(mtl.ImageArchitectures, ", "))
	f.IntVar(&fb.TrainRows, "train-rows", fb.TrainRows, "training images to use (0: all 60,000)")
	f.IntVar(&fb.Epochs, "epochs", fb.Epochs, "epochs per method")
	f.IntVar(&fb.BatchSize, "batch", fb.BatchSize, "batch size")
	f.Float64Var(&fb.LR, "lr", fb.LR, "Adam learning rate")
	f.Uint64Var(&fb.Seed, "seed", fb.Seed, "random seed (the first one with --seeds)")
	f.IntVar(&fb.Seeds, "seeds", fb.Seeds, "seeds per method (seed, seed+1, ...); more than one adds mean ± sd and the paired comparison with ew")
	f.StringVar(&plotPath, "plot", "", "write the trade-off scatter to this PNG file")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

// frontScheduleNote describes the learning-rate schedule of a front
// benchmark's protocol.
func frontScheduleNote(data string) string {
	if data != "multimnist" {
		return "\n\nAdam runs at the constant rate --lr."
	}
	return `

Adam starts at --lr and, as in Sener and Koltun's MultiMNIST training
script, its rate is multiplied by 0.85 before every tenth epoch. As in their
MultiLeNet, training drops (p = 0.5) whole channels of the trunk's second
convolution, one mask per batch, and single units of each head's hidden
layer; evaluation runs without dropout.`
}

// printFrontSeeds prints the per-method summary of a multi-seed front
// benchmark and, if plotPath is set, plots every run with the front of the
// per-method means.
func printFrontSeeds(w io.Writer, data string, fb mtl.FrontBench, points []mtl.FrontPoint, plotPath string, asJSON bool) error {
	baseline := fb.Methods[0]
	for _, m := range fb.Methods {
		if m == "ew" {
			baseline = m
		}
	}
	sum, err := mtl.SummarizeFront(points, baseline)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Runs     []mtl.FrontPoint   `json:"runs"`
			Baseline string             `json:"baseline"`
			Summary  []mtl.FrontSummary `json:"summary"`
		}{points, baseline, sum})
	}
	means := make([]mtl.FrontPoint, len(sum))
	for i, s := range sum {
		means[i] = mtl.FrontPoint{Method: s.Method, Accuracy: s.Mean}
	}
	front := mtl.ParetoFront(means)
	onFront := map[int]bool{}
	for _, i := range front {
		onFront[i] = true
	}
	fmt.Fprintf(w, "%s: test accuracy, mean ± sd over %d seeds [95%% CI half-width]; Δ = method − %s paired by seed, mean ± SE\n", data, fb.Seeds, baseline)
	fmt.Fprintf(w, "%-12s %-27s %-27s %-30s %-30s %s\n", "method", "left acc", "right acc", "Δ left", "Δ right", "front")
	for i, s := range sum {
		fmt.Fprintf(w, "%-12s", s.Method)
		for t := range s.Mean {
			fmt.Fprintf(w, " %.4f ± %.4f [±%.4f]  ", s.Mean[t], s.SD[t], s.CI95[t])
		}
		for t := range s.Mean {
			if s.Diff == nil {
				fmt.Fprintf(w, " %-30s", "(baseline)")
				continue
			}
			fmt.Fprintf(w, " %-30s", fmt.Sprintf("%+.4f ± %.4f %s", s.Diff[t], s.DiffSE[t], s.Verdict(t)))
		}
		mark := ""
		if onFront[i] {
			mark = "*"
		}
		fmt.Fprintf(w, " %s\n", mark)
	}
	var worse []string
	for _, s := range sum {
		if !s.NotWorse() {
			worse = append(worse, s.Method)
		}
	}
	if len(worse) == 0 {
		fmt.Fprintf(w, "no method is significantly worse than %s on either task (95%%, paired by seed)\n", baseline)
	} else {
		fmt.Fprintf(w, "significantly worse than %s on a task (95%%, paired by seed): %s\n", baseline, strings.Join(worse, ", "))
	}
	if plotPath != "" {
		var groups []chart.Group
		for _, s := range sum {
			g := chart.Group{Name: s.Method}
			for _, p := range points {
				if p.Method == s.Method {
					g.X = append(g.X, p.Accuracy[0])
					g.Y = append(g.Y, p.Accuracy[1])
				}
			}
			groups = append(groups, g)
		}
		if err := writeFrontPlot(plotPath, data, "Pareto front of the means", groups, means, front); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", plotPath)
	}
	return nil
}

// writeFrontPlot draws the runs' scatter groups and connects the points of
// the Pareto front, drawn as the group frontName.
func writeFrontPlot(path, data, frontName string, groups []chart.Group, points []mtl.FrontPoint, front []int) error {
	fr := chart.Group{Name: frontName, Connect: true}
	for _, i := range front {
		fr.X = append(fr.X, points[i].Accuracy[0])
		fr.Y = append(fr.Y, points[i].Accuracy[1])
	}
	groups = append(groups, fr)
	return chart.Scatter(path, data+": test accuracy per task", "left task accuracy", "right task accuracy", groups)
}

// defaultFrontMethods lists the methods the front benchmarks compare: every
// method of package balance with its default settings, and Pareto MTL
// towards each of five preference vectors.
func defaultFrontMethods() []string {
	var out []string
	for _, name := range balance.Names() {
		switch name {
		case "fixed", "pmtl", "epo":
			continue
		}
		out = append(out, name)
	}
	for i := 0; i < 5; i++ {
		out = append(out, fmt.Sprintf("pmtl:5/%d", i))
	}
	return out
}

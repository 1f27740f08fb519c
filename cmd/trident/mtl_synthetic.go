package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trident-lab/trident/internal/chart"
	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/mtl"
)

func newMTLBenchSyntheticCmd() *cobra.Command {
	sb := mtl.DefaultSyntheticBench()
	var plotPath string
	var quick, asJSON bool
	correlations := sb.Correlations
	cmd := &cobra.Command{
		Use:   "synthetic",
		Short: "The MMoE paper's experiment: training loss of shared-bottom, OMoE and MMoE against task correlation",
		Long: `synthetic repeats the synthetic-data experiment of the MMoE paper (Ma et al.,
KDD 2018, section 5, figure 4). At each task correlation p, shared-bottom (one
shared layer of 113 units), the one-gate mixture of experts and MMoE (8 experts
of 16 units) with towers of 8 units are trained with Adam on two regression
tasks; every run draws a new data set and a new initialization, and the
training loss (mean squared error, mean of the two tasks) is averaged over the
runs at every step. Each model's learning rate is searched over 1e-4, 1e-3 and
1e-2 on separate runs, as in the paper. Each run makes 20 passes over its
50,000 training rows, as many as the jz95/ml-paper-lab reproduction makes over
its own; the paper gives no number of steps.

The table gives the training loss over the last tenth of the steps and the
held-out loss after training (mean and 95% confidence interval over the runs),
the difference to MMoE paired by data set, and how that difference grows as p
falls. --plot writes the difference to MMoE against p, and the averaged loss
curves at each p next to it (NAME-p0.5.png).`,
		Example: `  trident mtl bench synthetic --plot synthetic.png
  trident mtl bench synthetic --quick`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if quick {
				seeds := sb.Seeds
				sb = sb.Quick()
				if cmd.Flags().Changed("seeds") {
					sb.Seeds = seeds
				}
			}
			if cmd.Flags().Changed("p") {
				sb.Correlations = correlations
			}
			if plotPath != "" && !strings.EqualFold(filepath.Ext(plotPath), ".png") {
				return fmt.Errorf("--plot %s: the plot is a PNG file, name it NAME.png", plotPath)
			}
			w := cmd.OutOrStdout()
			bar := progress.New(cmd.ErrOrStderr(), sb.Runs(), "synthetic runs")
			cells, err := sb.Run(cmd.Context(), func(done, _ int) { bar.Add(1, "") })
			bar.Finish()
			if err != nil {
				return err
			}
			var paths []string
			if plotPath != "" {
				if paths, err = plotSynthetic(plotPath, sb, cells); err != nil {
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Settings mtl.SyntheticBench  `json:"settings"`
					Cells    []mtl.SyntheticCell `json:"cells"`
				}{sb, cells})
			}
			if err := printSynthetic(w, sb, cells); err != nil {
				return err
			}
			if len(paths) > 0 {
				fmt.Fprintf(w, "wrote %s\n", strings.Join(paths, ", "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&sb.Seeds, "seeds", sb.Seeds, "measured runs per model and correlation (a new data set and initialization each)")
	f.BoolVar(&quick, "quick", false, "a few-minute version: p = 1.0 and 0.5, 6 runs of 2,600 steps")
	f.Float64SliceVar(&correlations, "p", correlations, "task correlations")
	f.Float64Var(&sb.C, "c", sb.C, "scale c of the task weight vectors (the paper leaves it open; 3 is the jz95/ml-paper-lab reproduction's)")
	f.StringVar(&plotPath, "plot", "", "write the summary plot to this PNG file and the loss curves next to it")
	f.BoolVar(&asJSON, "json", false, "print the settings and every run's results as JSON")
	return cmd
}

// printSynthetic writes the settings and the table of results.
func printSynthetic(w io.Writer, sb mtl.SyntheticBench, cells []mtl.SyntheticCell) error {
	lrs := make([]string, len(sb.LRs))
	for i, lr := range sb.LRs {
		lrs[i] = fmt.Sprint(lr)
	}
	fmt.Fprintf(w, "%d runs per model and correlation; %d Adam steps of %d examples on %d training rows (c = %g); learning rate searched over %s on %d other runs\n",
		sb.Seeds, sb.Steps, sb.BatchSize, sb.Rows, sb.C, strings.Join(lrs, ", "), sb.TuneSeeds)
	ref := "mmoe"
	for _, part := range []struct {
		title string
		vals  func(*mtl.SyntheticCell) []float64
	}{
		{"training loss over the last tenth of the steps", func(c *mtl.SyntheticCell) []float64 { return c.Final }},
		{fmt.Sprintf("held-out loss after training (%d rows)", sb.TestRows), func(c *mtl.SyntheticCell) []float64 { return c.Test }},
	} {
		fmt.Fprintf(w, "\n%s, mean ± 95%% interval:\n%-5s", part.title, "p")
		for _, a := range sb.Archs {
			fmt.Fprintf(w, " %19s", a)
		}
		for _, a := range sb.Archs {
			if a != ref {
				fmt.Fprintf(w, " %19s", a+" − "+ref)
			}
		}
		fmt.Fprintln(w)
		for _, p := range sb.Correlations {
			fmt.Fprintf(w, "%-5.2f", p)
			for _, a := range sb.Archs {
				m, ci := mtl.MeanCI95(part.vals(mtl.Cell(cells, a, p)))
				fmt.Fprintf(w, " %9.4f ± %7.4f", m, ci)
			}
			base := mtl.Cell(cells, ref, p)
			for _, a := range sb.Archs {
				if a == ref || base == nil {
					continue
				}
				m, ci, err := mtl.PairedDiff(part.vals(mtl.Cell(cells, a, p)), part.vals(base))
				if err != nil {
					return err
				}
				fmt.Fprintf(w, " %+9.4f ± %7.4f", m, ci)
			}
			fmt.Fprintln(w)
		}
	}
	if err := printGrowth(w, sb, cells, ref); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nlearning rate kept:\n")
	for _, p := range sb.Correlations {
		fmt.Fprintf(w, "%-5.2f", p)
		for _, a := range sb.Archs {
			fmt.Fprintf(w, " %19s", fmt.Sprintf("%s %g", a, mtl.Cell(cells, a, p).LR))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// diffs returns the per-run differences of arch's final training loss to
// ref's at correlation p (the runs share their data sets).
func diffs(cells []mtl.SyntheticCell, arch, ref string, p float64) []float64 {
	a, b := mtl.Cell(cells, arch, p).Final, mtl.Cell(cells, ref, p).Final
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// printGrowth writes how much each architecture's gap to ref widens from
// the first correlation to each other one. Run s draws its inputs, u1, u2,
// α and β from seed s at every correlation, so the gaps pair across p too.
func printGrowth(w io.Writer, sb mtl.SyntheticBench, cells []mtl.SyntheticCell, ref string) error {
	if len(sb.Correlations) < 2 || mtl.Cell(cells, ref, sb.Correlations[0]) == nil {
		return nil
	}
	p0 := sb.Correlations[0]
	fmt.Fprintf(w, "\ngrowth of the training-loss gap to %s since p = %.2f (paired by data seed), mean ± 95%% interval:\n%-5s", ref, p0, "p")
	for _, a := range sb.Archs {
		if a != ref {
			fmt.Fprintf(w, " %19s", a)
		}
	}
	fmt.Fprintln(w)
	for _, p := range sb.Correlations[1:] {
		fmt.Fprintf(w, "%-5.2f", p)
		for _, a := range sb.Archs {
			if a == ref {
				continue
			}
			m, ci, err := mtl.PairedDiff(diffs(cells, a, ref, p), diffs(cells, a, ref, p0))
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " %+9.4f ± %7.4f", m, ci)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// plotSynthetic writes the summary against p to path and the averaged
// loss curves of each correlation to path-p<P>.png.
func plotSynthetic(path string, sb mtl.SyntheticBench, cells []mtl.SyntheticCell) ([]string, error) {
	const ref = "mmoe"
	var summary []chart.Series
	for _, a := range sb.Archs {
		if a == ref || mtl.Cell(cells, ref, sb.Correlations[0]) == nil {
			continue
		}
		s := chart.Series{Name: a + " − " + ref}
		for _, p := range sb.Correlations {
			m, ci, err := mtl.PairedDiff(mtl.Cell(cells, a, p).Final, mtl.Cell(cells, ref, p).Final)
			if err != nil {
				return nil, err
			}
			s.X, s.Y, s.Err = append(s.X, p), append(s.Y, m), append(s.Err, ci)
		}
		summary = append(summary, s)
	}
	var paths []string
	if len(summary) > 0 {
		title := fmt.Sprintf("MMoE synthetic experiment: gap to MMoE on the same data sets, %d runs", sb.Seeds)
		if err := chart.Lines(path, title, "task correlation p", "final training loss minus MMoE's (95% interval)", summary); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	for _, p := range sb.Correlations {
		var curves []chart.Series
		for _, a := range sb.Archs {
			c := mtl.Cell(cells, a, p)
			// A log scale keeps the late, small differences visible next
			// to the first steps' large losses.
			s := chart.Series{Name: a}
			for k, step := range c.CurveStep {
				s.X = append(s.X, float64(step))
				s.Y = append(s.Y, math.Log10(c.Curve[k]))
			}
			curves = append(curves, s)
		}
		pp := fmt.Sprintf("%s-p%.1f.png", stem, p)
		if err := chart.Lines(pp, fmt.Sprintf("correlation p = %g, mean of %d runs", p, sb.Seeds), "training step", "log10 of the training loss (MSE)", curves); err != nil {
			return nil, err
		}
		paths = append(paths, pp)
	}
	return paths, nil
}

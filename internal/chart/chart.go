// Package chart draws the PNG plots Trident's commands write: lines with
// error bars, and labelled scatter plots.
package chart

import (
	"fmt"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/trident-lab/trident/internal/atomicfile"
)

// Series is one line: points (X[i], Y[i]) with optional symmetric error
// bars Err[i].
type Series struct {
	Name string
	X, Y []float64
	Err  []float64
}

// Lines writes a line plot of series to path as a PNG.
func Lines(path, title, xLabel, yLabel string, series []Series) error {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Add(plotter.NewGrid())
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("chart %s: series %s has %d x and %d y values", path, s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, len(s.X))
		for j := range s.X {
			pts[j].X, pts[j].Y = s.X[j], s.Y[j]
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		c := plotutil.Color(i)
		l.Color, sc.Color = c, c
		sc.Shape = plotutil.Shape(i)
		p.Add(l, sc)
		p.Legend.Add(s.Name, l, sc)
		if len(s.Err) == len(s.X) {
			errs := make(plotter.YErrors, len(s.Err))
			for j, e := range s.Err {
				errs[j].Low, errs[j].High = e, e
			}
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYer
				plotter.YErrorer
			}{pts, errs})
			if err != nil {
				return fmt.Errorf("chart %s: %w", path, err)
			}
			eb.Color = c
			p.Add(eb)
		}
	}
	p.Legend.Top = true
	return save(p, path)
}

// Group is a set of labelled points drawn in one colour; Connect joins
// them in order (for a Pareto front).
type Group struct {
	Name    string
	X, Y    []float64
	Connect bool
}

// Scatter writes a scatter plot of groups to path as a PNG.
func Scatter(path, title, xLabel, yLabel string, groups []Group) error {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.Add(plotter.NewGrid())
	for i, g := range groups {
		pts := make(plotter.XYs, len(g.X))
		for j := range g.X {
			pts[j].X, pts[j].Y = g.X[j], g.Y[j]
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("chart %s: %w", path, err)
		}
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(3)
		p.Add(sc)
		p.Legend.Add(g.Name, sc)
		if g.Connect && len(pts) > 1 {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("chart %s: %w", path, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			p.Add(l)
		}
	}
	// Trade-off points gather towards the top right: keep the legend in
	// the opposite corner.
	p.Legend.Left = true
	return save(p, path)
}

func save(p *plot.Plot, path string) error {
	w, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("chart %s: %w", path, err)
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := w.WriteTo(out)
		return err
	})
}

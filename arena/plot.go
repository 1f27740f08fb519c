package arena

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// maxPlotPoints bounds the refits drawn; longer runs are sampled evenly.
const maxPlotPoints = 200

// WritePlot draws each engine's Bradley–Terry rating, refitted after every
// game in the order the games finished, with its final 95% interval as a
// band, and writes it as an image (PNG, SVG or PDF by the file's
// extension).
func (rep *Report) WritePlot(path string) error {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if ext != "png" && ext != "svg" && ext != "pdf" {
		return fmt.Errorf("plot %s: want a .png, .svg or .pdf file", path)
	}
	if len(rep.Records) == 0 {
		return fmt.Errorf("plot %s: no games to plot", path)
	}
	p := plot.New()
	game := map[string]string{"nogo": "NoGo", "atarigo": "Atari-Go"}[rep.Game]
	p.Title.Text = fmt.Sprintf("%s %dx%d %s: ratings over %d games (bands: final 95%% intervals)", game, rep.Width, rep.Height, rep.Format, len(rep.Records))
	p.X.Label.Text = "games played"
	p.Y.Label.Text = "Elo (Bradley-Terry)"
	p.Add(plotter.NewGrid())

	n := len(rep.Records)
	step := max(1, (n+maxPlotPoints-1)/maxPlotPoints)
	lines := make([]plotter.XYs, len(rep.Names))
	for g := step; ; g += step {
		g = min(g, n)
		if fit := ratings(rep.Names, rep.Records[:g], rep.Anchor); fit != nil {
			for i := range rep.Names {
				lines[i] = append(lines[i], plotter.XY{X: float64(g), Y: fit.Elo[i]})
			}
		}
		if g == n {
			break
		}
	}
	final := ratings(rep.Names, rep.Records, rep.Anchor)
	for i, name := range rep.Names {
		if len(lines[i]) == 0 {
			continue
		}
		c := plotutil.Color(i)
		if final != nil && final.Error[i] > 0 {
			lo, hi := final.Elo[i]-final.Error[i], final.Elo[i]+final.Error[i]
			band, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: lo}, {X: float64(n), Y: lo}, {X: float64(n), Y: hi}, {X: 0, Y: hi}})
			if err != nil {
				return fmt.Errorf("plot %s: %w", path, err)
			}
			r, g, b, _ := c.RGBA()
			band.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 28}
			band.LineStyle.Width = 0
			p.Add(band)
		}
		l, err := plotter.NewLine(lines[i])
		if err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(name, l)
	}
	p.Legend.Top = true
	if err := p.Save(8*vg.Inch, 5*vg.Inch, path); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}

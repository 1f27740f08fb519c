package arena

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/trident-lab/trident/arena/stats"
)

// Num is a number that is written to JSON as null when it is infinite or
// not a number (an Elo estimate after a clean sweep is infinite).
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	// Adding 0 turns -0 into 0.
	return json.Marshal(math.Round(f*1e4)/1e4 + 0)
}

// ratingPrior is the number of virtual draws of the Bradley–Terry fit, the
// default of BayesElo.
const ratingPrior = 2

// Report is the summary of a run.
type Report struct {
	Game   string `json:"game"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Format Format `json:"format"`
	// Games counts the games played; BlackWins, WhiteWins and Draws split
	// them by colour, which shows the first-move advantage.
	Games      int          `json:"games"`
	BlackWins  int          `json:"black_wins"`
	WhiteWins  int          `json:"white_wins"`
	Draws      int          `json:"draws"`
	Forfeits   int          `json:"forfeits"`
	Standings  []Standing   `json:"standings"`
	HeadToHead []HeadToHead `json:"head_to_head"`
	// Crosstable[i][j] is what Standings' engine i scored against j,
	// in the order of Names.
	Names      []string        `json:"names"`
	Crosstable [][]Cell        `json:"crosstable"`
	Knockout   []KnockoutRound `json:"knockout,omitempty"`
	SPRT       *SPRTStatus     `json:"sprt,omitempty"`
	// Records are the games in the order they finished.
	Records []Record `json:"-"`
	// Anchor is the engine rated 0, or empty when ratings average 0.
	Anchor string `json:"anchor,omitempty"`
}

// Standing is one engine's line of the table, with its Bradley–Terry
// rating from all its games.
type Standing struct {
	Rank     int     `json:"rank"`
	Name     string  `json:"name"`
	Games    int     `json:"games"`
	Wins     int     `json:"wins"`
	Draws    int     `json:"draws"`
	Losses   int     `json:"losses"`
	Points   float64 `json:"points"`
	Score    Num     `json:"score"`
	Elo      Num     `json:"elo"`
	EloError Num     `json:"elo_error95"`
}

// HeadToHead is the record of A against B, from A's side, with the Elo
// difference it implies.
type HeadToHead struct {
	A     string      `json:"a"`
	B     string      `json:"b"`
	WDL   stats.WDL   `json:"wdl"`
	Penta stats.Penta `json:"pentanomial"`
	// Model is "pentanomial" when the estimate comes from complete game
	// pairs, "trinomial" when no pair is complete.
	Model    string `json:"model"`
	Score    Num    `json:"score"`
	Elo      Num    `json:"elo"`
	EloLow   Num    `json:"elo_low95"`
	EloHigh  Num    `json:"elo_high95"`
	EloError Num    `json:"elo_error95"`
	LOS      Num    `json:"los"`
}

// Cell is one entry of the crosstable.
type Cell struct {
	Points float64 `json:"points"`
	Games  int     `json:"games"`
}

// SPRTStatus is the state of a match's sequential test.
type SPRTStatus struct {
	Elo0     float64 `json:"elo0"`
	Elo1     float64 `json:"elo1"`
	Alpha    float64 `json:"alpha"`
	Beta     float64 `json:"beta"`
	LLR      Num     `json:"llr"`
	Lower    Num     `json:"lower"`
	Upper    Num     `json:"upper"`
	Decision string  `json:"decision"`
}

// KnockoutRound is one round of a knockout: the engines that advanced
// without playing and the matches played.
type KnockoutRound struct {
	Round   int             `json:"round"`
	Byes    []string        `json:"byes,omitempty"`
	Matches []KnockoutMatch `json:"matches"`
}

// KnockoutMatch is one knockout match; Winner advances.
type KnockoutMatch struct {
	A       string  `json:"a"`
	B       string  `json:"b"`
	PointsA float64 `json:"points_a"`
	PointsB float64 `json:"points_b"`
	Winner  string  `json:"winner"`
}

// headToHead sums the games between a and b from a's side; game pairs are
// the two games 2k and 2k+1 of one match.
func headToHead(a, b string, recs []Record) HeadToHead {
	h := HeadToHead{A: a, B: b}
	type key struct{ round, match, pair int }
	halves := map[key][]float64{}
	for _, r := range recs {
		if !(r.Black == a && r.White == b || r.Black == b && r.White == a) {
			continue
		}
		s := r.ScoreFor(a)
		switch s {
		case 1:
			h.WDL.Wins++
		case 0.5:
			h.WDL.Draws++
		default:
			h.WDL.Losses++
		}
		k := key{r.Round, r.Match, r.Index / 2}
		halves[k] = append(halves[k], s)
	}
	for _, s := range halves {
		if len(s) == 2 {
			h.Penta.AddPair(s[0], s[1])
		}
	}
	e := stats.EstimateWDL(h.WDL)
	h.Model = "trinomial"
	if h.Penta.Pairs() > 0 {
		e = stats.EstimatePenta(h.Penta)
		h.Model = "pentanomial"
	}
	h.Score, h.Elo, h.EloLow, h.EloHigh = Num(e.Score), Num(e.Elo), Num(e.EloLow), Num(e.EloHigh)
	h.EloError, h.LOS = Num(e.EloError), Num(e.LOS)
	return h
}

// ratings fits Bradley–Terry ratings to the records; nil when there are
// no games.
func ratings(names []string, recs []Record, anchor string) *stats.Ratings {
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	var games []stats.Outcome
	for _, r := range recs {
		a, okA := idx[r.Black]
		b, okB := idx[r.White]
		if okA && okB {
			games = append(games, stats.Outcome{A: a, B: b, ScoreA: r.ScoreFor(r.Black)})
		}
	}
	if len(games) == 0 {
		return nil
	}
	anc := -1
	if anchor != "" {
		anc = idx[anchor]
	}
	fit, err := stats.FitBradleyTerry(len(names), games, ratingPrior, anc)
	if err != nil {
		return nil
	}
	return fit
}

func buildReport(cfg Config, recs []Record, rounds []KnockoutRound) *Report {
	rep := &Report{Game: cfg.Conditions.Game, Width: cfg.Conditions.Width, Height: cfg.Conditions.Height,
		Format: cfg.Format, Games: len(recs), Records: recs, Knockout: rounds, Anchor: cfg.Anchor}
	n := len(cfg.Engines)
	names := make([]string, n)
	idx := map[string]int{}
	for i, e := range cfg.Engines {
		names[i] = e.Name
		idx[e.Name] = i
	}
	cross := make([][]Cell, n)
	for i := range cross {
		cross[i] = make([]Cell, n)
	}
	wdl := make([]stats.WDL, n)
	for _, r := range recs {
		switch r.Winner {
		case "black":
			rep.BlackWins++
		case "white":
			rep.WhiteWins++
		default:
			rep.Draws++
		}
		if strings.HasSuffix(r.Result, "+F") || strings.HasSuffix(r.Result, "+T") {
			rep.Forfeits++
		}
		b, w := idx[r.Black], idx[r.White]
		sb := r.ScoreFor(r.Black)
		cross[b][w].Points += sb
		cross[b][w].Games++
		cross[w][b].Points += 1 - sb
		cross[w][b].Games++
		for _, side := range []struct {
			i int
			s float64
		}{{b, sb}, {w, 1 - sb}} {
			switch side.s {
			case 1:
				wdl[side.i].Wins++
			case 0.5:
				wdl[side.i].Draws++
			default:
				wdl[side.i].Losses++
			}
		}
	}
	fit := ratings(names, recs, cfg.Anchor)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	elo := func(i int) float64 {
		if fit == nil {
			return wdl[i].Points()
		}
		return fit.Elo[i]
	}
	sort.SliceStable(order, func(x, y int) bool { return elo(order[x]) > elo(order[y]) })
	for rank, i := range order {
		st := Standing{Rank: rank + 1, Name: names[i], Games: wdl[i].Games(), Wins: wdl[i].Wins,
			Draws: wdl[i].Draws, Losses: wdl[i].Losses, Points: wdl[i].Points(),
			Score: Num(math.NaN()), Elo: Num(math.NaN()), EloError: Num(math.NaN())}
		if st.Games > 0 {
			st.Score = Num(st.Points / float64(st.Games))
		}
		if fit != nil {
			st.Elo, st.EloError = Num(fit.Elo[i]), Num(fit.Error[i])
		}
		rep.Standings = append(rep.Standings, st)
	}
	rep.Names = names
	rep.Crosstable = cross
	for a := range n {
		for b := a + 1; b < n; b++ {
			if cross[a][b].Games > 0 {
				rep.HeadToHead = append(rep.HeadToHead, headToHead(names[a], names[b], recs))
			}
		}
	}
	if cfg.SPRT != nil {
		s := *cfg.SPRT
		p := headToHead(names[0], names[1], recs).Penta
		llr := s.LLR(p)
		lo, hi := s.Bounds()
		rep.SPRT = &SPRTStatus{Elo0: s.Elo0, Elo1: s.Elo1, Alpha: s.Alpha, Beta: s.Beta,
			LLR: Num(llr), Lower: Num(lo), Upper: Num(hi), Decision: s.Decide(llr).String()}
	}
	return rep
}

// WriteJSON writes the report as indented JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func fmtNum(n Num, format string) string {
	f := float64(n)
	switch {
	case math.IsNaN(f):
		return "-"
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := fmt.Sprintf(format, f)
	if strings.Trim(s, "+-0.%") == "" {
		// Do not print a rounded zero as "-0.0".
		s = fmt.Sprintf(format, 0.0)
	}
	return s
}

// WriteTable writes the report as readable text: standings, head-to-head
// records, the crosstable, the knockout bracket and the SPRT.
func (rep *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	game := map[string]string{"nogo": "NoGo", "atarigo": "Atari-Go"}[rep.Game]
	fmt.Fprintf(&b, "%s %dx%d, %s: %d games (black won %d, white %d, drawn %d; %d forfeits)\n",
		game, rep.Width, rep.Height, rep.Format, rep.Games, rep.BlackWins, rep.WhiteWins, rep.Draws, rep.Forfeits)
	anchor := "ratings average 0"
	if rep.Anchor != "" {
		anchor = rep.Anchor + " rated 0"
	}
	fmt.Fprintf(&b, "\nRatings: Bradley-Terry maximum likelihood (MM, %d virtual draws prior; %s; ±95%%)\n", ratingPrior, anchor)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rank\tname\tgames\twins\tdraws\tlosses\tscore\telo\t±\t")
	for _, s := range rep.Standings {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", s.Rank, s.Name, s.Games, s.Wins, s.Draws, s.Losses,
			fmtNum(s.Score*100, "%.1f%%"), fmtNum(s.Elo, "%+.0f"), fmtNum(s.EloError, "%.0f"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.HeadToHead) > 0 {
		fmt.Fprintf(&b, "\nHead to head (Elo of the first over the second, 95%% interval):\n")
		for _, h := range rep.HeadToHead {
			fmt.Fprintf(&b, "%s vs %s: %s, score %s, Elo %s ± %s [%s, %s] (%s), LOS %s, Ptnml(0-2) %v\n",
				h.A, h.B, h.WDL, fmtNum(h.Score*100, "%.1f%%"), fmtNum(h.Elo, "%+.1f"), fmtNum(h.EloError, "%.1f"),
				fmtNum(h.EloLow, "%+.0f"), fmtNum(h.EloHigh, "%+.0f"), h.Model, fmtNum(h.LOS*100, "%.1f%%"), h.Penta)
		}
	}
	if len(rep.Names) > 2 {
		fmt.Fprintf(&b, "\nCrosstable (points of the row against the column / games):\n")
		tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "\t")
		for _, n := range rep.Names {
			fmt.Fprintf(tw, "%s\t", n)
		}
		fmt.Fprintln(tw)
		for i, n := range rep.Names {
			fmt.Fprintf(tw, "%s\t", n)
			for j := range rep.Names {
				c := rep.Crosstable[i][j]
				switch {
				case i == j:
					fmt.Fprint(tw, "-\t")
				case c.Games == 0:
					fmt.Fprint(tw, ".\t")
				default:
					fmt.Fprintf(tw, "%s/%d\t", strconv.FormatFloat(c.Points, 'f', -1, 64), c.Games)
				}
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, st := range rep.Knockout {
		fmt.Fprintf(&b, "\nKnockout round %d:", st.Round)
		if len(st.Byes) > 0 {
			fmt.Fprintf(&b, " byes for %s;", strings.Join(st.Byes, ", "))
		}
		fmt.Fprintln(&b)
		for _, m := range st.Matches {
			fmt.Fprintf(&b, "  %s %s - %s %s: %s advances\n", m.A, strconv.FormatFloat(m.PointsA, 'f', -1, 64),
				strconv.FormatFloat(m.PointsB, 'f', -1, 64), m.B, m.Winner)
		}
	}
	if s := rep.SPRT; s != nil {
		fmt.Fprintf(&b, "\nSPRT [%g, %g] alpha %g beta %g: LLR %s (%s, %s): %s\n", s.Elo0, s.Elo1, s.Alpha, s.Beta,
			fmtNum(s.LLR, "%.2f"), fmtNum(s.Lower, "%.2f"), fmtNum(s.Upper, "%.2f"), s.Decision)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

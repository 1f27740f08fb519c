// Package stats turns game results into the numbers engine developers act
// on: the score of a match, the Elo difference it implies with a 95%
// interval, the likelihood of superiority, a sequential probability ratio
// test on game pairs, and Bradley–Terry ratings of many players.
//
// Elo here is the logistic Elo of chess and Go ratings: a difference of D
// points means an expected score of 1/(1+10^(-D/400)). The match estimates
// follow cutechess-cli and fastchess: the score is the mean result, its
// standard error comes from the spread of the observed results (per game
// for the trinomial win/draw/loss model, per colour-swapped game pair for
// the pentanomial model), and the Elo interval is the score interval mapped
// through the logistic curve.
package stats

import (
	"fmt"
	"math"
)

// z95 is the two-sided 95% quantile of the standard normal distribution.
const z95 = 1.959963984540054

// eloPerNat converts a log-odds difference (natural units) to Elo points.
const eloPerNat = 400 / math.Ln10

// EloFromScore returns the Elo difference that gives an expected score s.
// It is -Inf at 0 and +Inf at 1.
func EloFromScore(s float64) float64 {
	switch {
	case s <= 0:
		return math.Inf(-1)
	case s >= 1:
		return math.Inf(1)
	}
	return -400 * math.Log10(1/s-1)
}

// ScoreFromElo returns the expected score of a player rated d Elo points
// above its opponent.
func ScoreFromElo(d float64) float64 {
	return 1 / (1 + math.Pow(10, -d/400))
}

// WDL counts the results of a series of games from one player's side.
type WDL struct {
	Wins   int `json:"wins"`
	Draws  int `json:"draws"`
	Losses int `json:"losses"`
}

// Games returns the number of games counted.
func (r WDL) Games() int { return r.Wins + r.Draws + r.Losses }

// Points returns wins plus half the draws.
func (r WDL) Points() float64 { return float64(r.Wins) + float64(r.Draws)/2 }

// Add returns the sum of two records.
func (r WDL) Add(o WDL) WDL {
	return WDL{r.Wins + o.Wins, r.Draws + o.Draws, r.Losses + o.Losses}
}

// Flip returns the same games seen from the opponent's side.
func (r WDL) Flip() WDL { return WDL{r.Losses, r.Draws, r.Wins} }

func (r WDL) String() string { return fmt.Sprintf("+%d =%d -%d", r.Wins, r.Draws, r.Losses) }

// Penta counts colour-swapped game pairs by the points one player scored in
// the pair: index 0 holds pairs lost twice (0 points), 1 a loss and a draw
// (½), 2 a win and a loss or two draws (1), 3 a win and a draw (1½), 4 two
// wins (2). It is the "Ptnml(0-2)" line of fastchess.
type Penta [5]int

// Pairs returns the number of pairs counted.
func (p Penta) Pairs() int { return p[0] + p[1] + p[2] + p[3] + p[4] }

// AddPair counts one pair with results a and b, each 1 (win), ½ (draw) or 0
// (loss) for the player.
func (p *Penta) AddPair(a, b float64) {
	i := int(math.Round(2 * (a + b)))
	p[min(max(i, 0), 4)]++
}

// Flip returns the same pairs seen from the opponent's side.
func (p Penta) Flip() Penta { return Penta{p[4], p[3], p[2], p[1], p[0]} }

// Estimate is what a match says about the strength of one player against
// another.
type Estimate struct {
	// N is the number of observations: games for the trinomial model, game
	// pairs for the pentanomial one.
	N int
	// Score is the mean points per game, in [0, 1].
	Score float64
	// StdErr is the standard error of Score.
	StdErr float64
	// ScoreLow and ScoreHigh bound the 95% interval of Score, clamped to [0, 1].
	ScoreLow, ScoreHigh float64
	// Elo is the difference implied by Score; EloLow and EloHigh are the
	// 95% interval mapped through the logistic curve, so it is not
	// symmetric. Infinite when a bound reaches 0 or 1.
	Elo, EloLow, EloHigh float64
	// EloError is half the width of the Elo interval, the "±" that
	// cutechess and fastchess print.
	EloError float64
	// LOS is the likelihood of superiority: the probability, under the
	// normal approximation, that the player is the stronger one.
	LOS float64
}

// EstimateWDL estimates from individual games (the trinomial model). Use it
// when games are not played in colour-swapped pairs.
func EstimateWDL(r WDL) Estimate {
	return estimate([]float64{1, 0.5, 0}, []int{r.Wins, r.Draws, r.Losses})
}

// EstimatePenta estimates from game pairs (the pentanomial model). Pairing
// cancels most of the first-move advantage, so its interval is honest and
// usually narrower than the trinomial one computed from the same games.
func EstimatePenta(p Penta) Estimate {
	return estimate([]float64{0, 0.25, 0.5, 0.75, 1}, p[:])
}

// estimate computes an Estimate from counts of observations taking the
// values x (per-game scores).
func estimate(x []float64, counts []int) Estimate {
	n := 0
	for _, c := range counts {
		n += c
	}
	e := Estimate{N: n, Score: 0.5, ScoreLow: 0, ScoreHigh: 1, LOS: 0.5,
		EloLow: math.Inf(-1), EloHigh: math.Inf(1), EloError: math.Inf(1)}
	if n == 0 {
		return e
	}
	var mean float64
	for i, c := range counts {
		mean += x[i] * float64(c)
	}
	mean /= float64(n)
	var variance float64
	for i, c := range counts {
		d := x[i] - mean
		variance += d * d * float64(c)
	}
	variance /= float64(n)
	e.Score = mean
	e.StdErr = math.Sqrt(variance / float64(n))
	e.ScoreLow = max(0, mean-z95*e.StdErr)
	e.ScoreHigh = min(1, mean+z95*e.StdErr)
	e.Elo = EloFromScore(mean)
	e.EloLow = EloFromScore(e.ScoreLow)
	e.EloHigh = EloFromScore(e.ScoreHigh)
	e.EloError = (e.EloHigh - e.EloLow) / 2
	if math.IsInf(e.EloLow, 0) || math.IsInf(e.EloHigh, 0) {
		e.EloError = math.Inf(1)
	}
	switch {
	case e.StdErr > 0:
		e.LOS = normalCDF((mean - 0.5) / e.StdErr)
	case mean > 0.5:
		e.LOS = 1
	case mean < 0.5:
		e.LOS = 0
	}
	return e
}

// normalCDF is the standard normal distribution function.
func normalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

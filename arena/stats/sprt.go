package stats

import (
	"fmt"
	"math"
)

// SPRT is a sequential probability ratio test of H0 "the player is elo0
// Elo stronger" against H1 "elo1 Elo stronger" (logistic Elo, elo0 < elo1),
// with a false-positive rate Alpha and a false-negative rate Beta. A match
// stops as soon as the log-likelihood ratio leaves the interval between the
// bounds. It is the generalized SPRT of Fishtest and fastchess on the
// pentanomial (game-pair) model: each hypothesis is represented by the
// distribution of pair scores that is closest to the observed one (maximum
// likelihood) among those with the hypothesised expected score.
type SPRT struct {
	Elo0, Elo1  float64
	Alpha, Beta float64
}

// Validate reports whether the test is well defined.
func (s SPRT) Validate() error {
	switch {
	case !(s.Elo0 < s.Elo1):
		return fmt.Errorf("sprt: elo0 (%g) must be less than elo1 (%g)", s.Elo0, s.Elo1)
	case !(s.Alpha > 0 && s.Alpha < 1):
		return fmt.Errorf("sprt: alpha %g is not in (0, 1)", s.Alpha)
	case !(s.Beta > 0 && s.Beta < 1):
		return fmt.Errorf("sprt: beta %g is not in (0, 1)", s.Beta)
	case s.Alpha+s.Beta >= 1:
		return fmt.Errorf("sprt: alpha + beta = %g must be below 1", s.Alpha+s.Beta)
	case math.Abs(s.Elo0) > 2000 || math.Abs(s.Elo1) > 2000:
		return fmt.Errorf("sprt: elo0 and elo1 must be within ±2000")
	}
	return nil
}

// Bounds returns the lower bound log(β/(1-α)), below which H0 is accepted,
// and the upper bound log((1-β)/α), above which H1 is accepted.
func (s SPRT) Bounds() (lower, upper float64) {
	return math.Log(s.Beta / (1 - s.Alpha)), math.Log((1 - s.Beta) / s.Alpha)
}

// Decision is the state of a sequential test.
type Decision int8

// Decisions.
const (
	Continue Decision = iota
	AcceptH0
	AcceptH1
)

func (d Decision) String() string {
	switch d {
	case AcceptH0:
		return "H0 accepted"
	case AcceptH1:
		return "H1 accepted"
	}
	return "continue"
}

// Decide compares a log-likelihood ratio with the bounds.
func (s SPRT) Decide(llr float64) Decision {
	lo, hi := s.Bounds()
	switch {
	case llr >= hi:
		return AcceptH1
	case llr <= lo:
		return AcceptH0
	}
	return Continue
}

// LLR returns the log-likelihood ratio of H1 against H0 given the pairs
// counted in p. Empty categories are given a weight of 0.001 pairs, as
// fastchess does, so that the maximum-likelihood distributions stay inside
// the simplex; the ratio is 0 when no pair has been played.
func (s SPRT) LLR(p Penta) float64 {
	if p.Pairs() == 0 {
		return 0
	}
	// Per-game scores of the five pair outcomes.
	x := [5]float64{0, 0.25, 0.5, 0.75, 1}
	var freq [5]float64
	total := 0.0
	for i, c := range p {
		freq[i] = float64(c)
		if c == 0 {
			freq[i] = 1e-3
		}
		total += freq[i]
	}
	for i := range freq {
		freq[i] /= total
	}
	p0 := constrainedMLE(x, freq, ScoreFromElo(s.Elo0))
	p1 := constrainedMLE(x, freq, ScoreFromElo(s.Elo1))
	llr := 0.0
	for i := range freq {
		llr += freq[i] * (math.Log(p1[i]) - math.Log(p0[i]))
	}
	return total * llr
}

// constrainedMLE returns the distribution on the outcomes x that maximises
// the likelihood of the observed frequencies f subject to its mean being
// mu, with x[0] < mu < x[len-1]. By Lagrange multipliers it is
// p_i = f_i / (1 + θ(x_i - mu)), where θ is the root of
// g(θ) = Σ f_i (x_i - mu) / (1 + θ(x_i - mu)) (M. Van den Bergh, "Comments
// on Normalized Elo", proposition 1.1). g decreases strictly on the interval
// where every denominator is positive, from +∞ to -∞, so bisection finds θ.
func constrainedMLE(x, f [5]float64, mu float64) [5]float64 {
	lo := -1 / (x[4] - mu)
	hi := -1 / (x[0] - mu)
	g := func(theta float64) float64 {
		s := 0.0
		for i := range x {
			d := x[i] - mu
			s += f[i] * d / (1 + theta*d)
		}
		return s
	}
	// Stop when the bracket no longer shrinks in floating point.
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if g(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	theta := lo + (hi-lo)/2
	var p [5]float64
	for i := range x {
		p[i] = f[i] / (1 + theta*(x[i]-mu))
	}
	return p
}

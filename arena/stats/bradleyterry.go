package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Outcome is one game between players A and B (indices into the player
// list) in which A scored ScoreA: 1 for a win, ½ for a draw, 0 for a loss.
type Outcome struct {
	A, B   int
	ScoreA float64
}

// Ratings are Bradley–Terry ratings of a field of players, in Elo points.
type Ratings struct {
	// Elo holds each player's rating, shifted so that the anchor is 0 (or,
	// with no anchor, so that the ratings average 0).
	Elo []float64
	// Error holds the half-width of each rating's 95% interval, relative to
	// the anchor (the anchor's own is 0) or to the field's mean.
	Error []float64
	// Iterations is the number of minorization–maximization steps taken.
	Iterations int
}

// ErrUnbounded is returned (wrapped) when, with no prior, some player's
// maximum-likelihood rating is infinite.
var ErrUnbounded = errors.New("rating unbounded")

// maxIterations bounds the minorization–maximization loop; on fields of a
// few dozen players it converges in well under a thousand steps.
const maxIterations = 100000

// FitBradleyTerry fits the Bradley–Terry model P(i beats j) = γi/(γi+γj) to
// the outcomes by maximum likelihood, with the minorization–maximization
// algorithm of Hunter (2004), "MM algorithms for generalized Bradley–Terry
// models", the method of BayesElo. A draw counts as half a win for each
// side.
//
// prior ≥ 0 adds that many virtual draws between each player and a virtual
// opponent of rating 0, as BayesElo's default prior of two virtual draws
// does: it keeps the ratings of players who won or lost every game finite
// and shrinks ratings from few games towards the field. With prior 0 the
// fit is the plain maximum-likelihood one and fails with ErrUnbounded when
// it does not exist.
//
// anchor names the player whose rating is fixed at 0; -1 centres the
// ratings on their mean instead. The intervals are ±1.96 standard errors
// from the inverse of the observed Fisher information (the Hessian of the
// negative log-likelihood, prior included) at the fit.
func FitBradleyTerry(players int, games []Outcome, prior float64, anchor int) (*Ratings, error) {
	if players < 1 {
		return nil, fmt.Errorf("bradley-terry: no players")
	}
	if anchor < -1 || anchor >= players {
		return nil, fmt.Errorf("bradley-terry: anchor %d out of range", anchor)
	}
	if prior < 0 || math.IsNaN(prior) || math.IsInf(prior, 0) {
		return nil, fmt.Errorf("bradley-terry: prior %g must be a finite number ≥ 0", prior)
	}
	// n[i][j]: games between i and j; w[i]: points of i, prior included.
	n := make([][]float64, players)
	for i := range n {
		n[i] = make([]float64, players)
	}
	w := make([]float64, players)
	for k, g := range games {
		if g.A < 0 || g.A >= players || g.B < 0 || g.B >= players || g.A == g.B {
			return nil, fmt.Errorf("bradley-terry: game %d: bad players %d and %d", k, g.A, g.B)
		}
		if !(g.ScoreA == 0 || g.ScoreA == 0.5 || g.ScoreA == 1) {
			return nil, fmt.Errorf("bradley-terry: game %d: score %g is not 0, ½ or 1", k, g.ScoreA)
		}
		n[g.A][g.B]++
		n[g.B][g.A]++
		w[g.A] += g.ScoreA
		w[g.B] += 1 - g.ScoreA
	}
	for i := range w {
		w[i] += prior / 2
	}
	if prior == 0 {
		if err := checkBounded(games, players); err != nil {
			return nil, err
		}
	}

	// gamma[i] = exp(θi); the virtual opponent has γ = 1.
	gamma := make([]float64, players)
	for i := range gamma {
		gamma[i] = 1
	}
	r := &Ratings{}
	next := make([]float64, players)
	for r.Iterations = 1; r.Iterations <= maxIterations; r.Iterations++ {
		change := 0.0
		for i := range gamma {
			denom := prior / (gamma[i] + 1)
			for j := range gamma {
				if n[i][j] > 0 {
					denom += n[i][j] / (gamma[i] + gamma[j])
				}
			}
			if denom == 0 {
				next[i] = gamma[i] // a player with no games and no prior
				continue
			}
			next[i] = w[i] / denom
		}
		if prior == 0 {
			// Without the virtual opponent the scale is free: fix the
			// geometric mean at 1 so the iteration cannot drift.
			logMean := 0.0
			for _, g := range next {
				logMean += math.Log(g)
			}
			logMean /= float64(players)
			for i := range next {
				next[i] /= math.Exp(logMean)
			}
		}
		for i := range gamma {
			change = max(change, math.Abs(math.Log(next[i]/gamma[i])))
			gamma[i] = next[i]
		}
		if change < 1e-12 {
			break
		}
	}
	if r.Iterations > maxIterations {
		return nil, fmt.Errorf("bradley-terry: no convergence after %d iterations", maxIterations)
	}

	theta := make([]float64, players)
	for i, g := range gamma {
		theta[i] = math.Log(g)
	}
	ref := 0.0
	if anchor >= 0 {
		ref = theta[anchor]
	} else {
		for _, t := range theta {
			ref += t
		}
		ref /= float64(players)
	}
	r.Elo = make([]float64, players)
	for i, t := range theta {
		r.Elo[i] = eloPerNat * (t - ref)
	}
	cov, err := covariance(n, gamma, prior)
	if err != nil {
		return nil, err
	}
	r.Error = make([]float64, players)
	c := make([]float64, players)
	for i := range r.Error {
		// Contrast vector of θi - reference.
		for k := range c {
			c[k] = 0
			if anchor < 0 {
				c[k] = -1 / float64(players)
			}
		}
		c[i]++
		if anchor >= 0 {
			c[anchor]--
		}
		cv := mat.NewVecDense(players, c)
		v := mat.Inner(cv, cov, cv)
		r.Error[i] = z95 * eloPerNat * math.Sqrt(max(v, 0))
	}
	return r, nil
}

// covariance inverts the Fisher information of θ = log γ. Without a prior
// the information is singular along (1, …, 1), the direction ratings can
// shift together; adding 11ᵀ/n makes it invertible without changing the
// variance of any contrast (a combination whose weights sum to 0), which is
// all that is reported.
func covariance(n [][]float64, gamma []float64, prior float64) (*mat.SymDense, error) {
	k := len(gamma)
	info := mat.NewSymDense(k, nil)
	for i := range k {
		d := prior * gamma[i] / ((gamma[i] + 1) * (gamma[i] + 1))
		for j := range k {
			if j == i || n[i][j] == 0 {
				continue
			}
			pq := gamma[i] * gamma[j] / ((gamma[i] + gamma[j]) * (gamma[i] + gamma[j]))
			d += n[i][j] * pq
			if j > i {
				info.SetSym(i, j, -n[i][j]*pq)
			}
		}
		info.SetSym(i, i, d)
	}
	if prior == 0 {
		for i := range k {
			for j := i; j < k; j++ {
				info.SetSym(i, j, info.At(i, j)+1/float64(k))
			}
		}
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(info); !ok {
		return nil, fmt.Errorf("bradley-terry: information matrix is singular (are some players unconnected?)")
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("bradley-terry: inverting the information matrix: %w", err)
	}
	return &cov, nil
}

// checkBounded reports whether the maximum-likelihood fit exists: by
// Hunter's condition, for every split of the players into two groups some
// player of each group has scored against the other, that is, the directed
// graph "i scored points against j" is strongly connected.
func checkBounded(games []Outcome, players int) error {
	scored := make([][]bool, players)
	for i := range scored {
		scored[i] = make([]bool, players)
	}
	for _, g := range games {
		if g.ScoreA > 0 {
			scored[g.A][g.B] = true
		}
		if g.ScoreA < 1 {
			scored[g.B][g.A] = true
		}
	}
	reach := func(forward bool) []bool {
		seen := make([]bool, players)
		seen[0] = true
		stack := []int{0}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j := range players {
				e := scored[i][j]
				if !forward {
					e = scored[j][i]
				}
				if e && !seen[j] {
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		return seen
	}
	fwd, back := reach(true), reach(false)
	for i := range players {
		if !fwd[i] || !back[i] {
			return fmt.Errorf("bradley-terry: player %d: %w (it or a group with it won or lost every game against the rest; use a prior)", i, ErrUnbounded)
		}
	}
	return nil
}

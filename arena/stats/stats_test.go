package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.10g, want %.10g (±%g)", name, got, want, tol)
	}
}

func TestEloScoreRoundTrip(t *testing.T) {
	for _, d := range []float64{-800, -191, 0, 0.5, 100, 400} {
		near(t, "EloFromScore(ScoreFromElo)", EloFromScore(ScoreFromElo(d)), d, 1e-9)
	}
	near(t, "ScoreFromElo(400)", ScoreFromElo(400), 10.0/11, 1e-15)
	if !math.IsInf(EloFromScore(1), 1) || !math.IsInf(EloFromScore(0), -1) {
		t.Error("EloFromScore at 0 or 1 is not infinite")
	}
}

func TestEstimateHandComputed(t *testing.T) {
	// 6 wins, 2 draws, 2 losses: mean 0.7; variance per game
	// (6·0.3² + 2·0.2² + 2·0.7²)/10 = 0.16; standard error √(0.16/10).
	e := EstimateWDL(WDL{Wins: 6, Draws: 2, Losses: 2})
	near(t, "score", e.Score, 0.7, 1e-12)
	near(t, "stderr", e.StdErr, math.Sqrt(0.016), 1e-12)
	near(t, "elo", e.Elo, 400*math.Log10(0.7/0.3), 1e-9)
	near(t, "eloLow", e.EloLow, -33.39935000168885, 1e-8)
	near(t, "eloHigh", e.EloHigh, 504.03329224498987, 1e-8)
	near(t, "eloError", e.EloError, 268.71632112333936, 1e-8)
	near(t, "LOS", e.LOS, 0.9430768509966709, 1e-9)

	// Pairs 0:1, ½:2, 1:5, 1½:7, 2:3; per-game pair scores 0 … 1.
	p := EstimatePenta(Penta{1, 2, 5, 7, 3})
	if p.N != 18 {
		t.Errorf("N = %d, want 18", p.N)
	}
	near(t, "penta score", p.Score, 0.625, 1e-12)
	near(t, "penta stderr", p.StdErr, 0.06288461901484317, 1e-12)
	near(t, "penta elo", p.Elo, 88.73949984654251, 1e-9)
	near(t, "penta eloError", p.EloError, 94.00871883207694, 1e-8)
	near(t, "penta LOS", p.LOS, 0.9765812934581807, 1e-9)
}

func TestEstimateDegenerate(t *testing.T) {
	tests := []struct {
		name  string
		e     Estimate
		score float64
		los   float64
	}{
		{"empty", EstimateWDL(WDL{}), 0.5, 0.5},
		{"all wins", EstimateWDL(WDL{Wins: 4}), 1, 1},
		{"all losses", EstimatePenta(Penta{3, 0, 0, 0, 0}), 0, 0},
		{"all even pairs", EstimatePenta(Penta{0, 0, 5, 0, 0}), 0.5, 0.5},
	}
	for _, tc := range tests {
		if tc.e.Score != tc.score || tc.e.LOS != tc.los {
			t.Errorf("%s: score %g LOS %g, want %g %g", tc.name, tc.e.Score, tc.e.LOS, tc.score, tc.los)
		}
		if math.IsNaN(tc.e.Elo) || math.IsNaN(tc.e.EloError) {
			t.Errorf("%s: NaN in %+v", tc.name, tc.e)
		}
	}
}

func TestPentaAddPair(t *testing.T) {
	var p Penta
	for _, r := range [][2]float64{{0, 0}, {0, 0.5}, {1, 0}, {0.5, 0.5}, {1, 0.5}, {1, 1}} {
		p.AddPair(r[0], r[1])
	}
	if p != (Penta{1, 1, 2, 1, 1}) {
		t.Errorf("penta = %v", p)
	}
	if p.Flip() != (Penta{1, 1, 2, 1, 1}) || (Penta{1, 2, 3, 4, 5}).Flip() != (Penta{5, 4, 3, 2, 1}) {
		t.Error("Flip wrong")
	}
}

// pairGame draws one game pair between a player d Elo stronger than its
// opponent, with a first-move advantage of adv Elo and draws with
// probability drawP, and returns the player's two results.
func pairGame(r *rand.Rand, d, adv, drawP float64) (float64, float64) {
	game := func(e float64) float64 {
		if r.Float64() < drawP {
			return 0.5
		}
		if r.Float64() < ScoreFromElo(e) {
			return 1
		}
		return 0
	}
	return game(d + adv), game(d - adv)
}

// TestIntervalCoverage plays many simulated matches between players of a
// known strength difference and checks that the 95% intervals of both
// models cover the true expected score about 95% of the time.
func TestIntervalCoverage(t *testing.T) {
	const matches, pairs = 800, 120
	for _, tc := range []struct{ d, adv, draw float64 }{{0, 150, 0}, {70, 100, 0.2}, {-120, 0, 0.1}} {
		r := rand.New(rand.NewPCG(1, uint64(tc.d+1000)))
		// The true expected per-game score of a colour-balanced pair.
		truth := (1-tc.draw)*(ScoreFromElo(tc.d+tc.adv)+ScoreFromElo(tc.d-tc.adv))/2 + tc.draw/2
		coverP, coverT := 0, 0
		for range matches {
			var p Penta
			var w WDL
			for range pairs {
				a, b := pairGame(r, tc.d, tc.adv, tc.draw)
				p.AddPair(a, b)
				for _, s := range []float64{a, b} {
					switch s {
					case 1:
						w.Wins++
					case 0.5:
						w.Draws++
					default:
						w.Losses++
					}
				}
			}
			ep, et := EstimatePenta(p), EstimateWDL(w)
			if ep.ScoreLow <= truth && truth <= ep.ScoreHigh {
				coverP++
			}
			if et.ScoreLow <= truth && truth <= et.ScoreHigh {
				coverT++
			}
			// Elo intervals are the score intervals mapped monotonically.
			if et.EloLow > EloFromScore(truth) != (et.ScoreLow > truth) {
				t.Fatal("Elo interval disagrees with score interval")
			}
		}
		fp := float64(coverP) / matches
		t.Logf("d=%g adv=%g draws=%g: coverage pentanomial %.3f, trinomial %.3f", tc.d, tc.adv, tc.draw, fp, float64(coverT)/matches)
		if fp < 0.93 || fp > 0.97 {
			t.Errorf("d=%g adv=%g: pentanomial coverage %.3f, want about 0.95", tc.d, tc.adv, fp)
		}
		// Trinomial intervals ignore the pairing; with a colour advantage
		// they are conservative (too wide), never too narrow.
		ft := float64(coverT) / matches
		if ft < 0.93 {
			t.Errorf("d=%g adv=%g: trinomial coverage %.3f, want at least about 0.95", tc.d, tc.adv, ft)
		}
	}
}

func TestSPRTBounds(t *testing.T) {
	lo, hi := SPRT{Elo0: 0, Elo1: 10, Alpha: 0.05, Beta: 0.05}.Bounds()
	near(t, "lower", lo, math.Log(0.05/0.95), 1e-15)
	near(t, "upper", hi, 2.9444389791664403, 1e-12)
	lo, hi = SPRT{Elo0: 0, Elo1: 10, Alpha: 0.05, Beta: 0.1}.Bounds()
	near(t, "lower", lo, math.Log(0.1/0.95), 1e-15)
	near(t, "upper", hi, math.Log(0.9/0.05), 1e-15)
	for _, bad := range []SPRT{{10, 0, 0.05, 0.05}, {0, 5, 0, 0.05}, {0, 5, 0.05, 1}, {0, 5, 0.6, 0.5}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestSPRTLLR(t *testing.T) {
	s := SPRT{Elo0: 0, Elo1: 50, Alpha: 0.05, Beta: 0.05}
	// Computed independently (bisection in high precision) for these counts.
	near(t, "LLR", s.LLR(Penta{1, 2, 5, 7, 3}), 1.3019150902957175, 1e-6)
	if s.LLR(Penta{}) != 0 {
		t.Error("LLR of no pairs is not 0")
	}
	// The ratio is antisymmetric in the sense that swapping the players
	// and negating the hypotheses gives the same evidence.
	p := Penta{3, 8, 20, 11, 5}
	mirror := SPRT{Elo0: -50, Elo1: 0, Alpha: 0.05, Beta: 0.05}
	near(t, "mirrored LLR", mirror.LLR(p.Flip()), -s.LLR(p), 1e-6)
	// For many pairs and close hypotheses the GSPRT approaches the normal
	// approximation N (s1-s0)(2s̄-s0-s1) / (2σ²), σ² the per-pair variance.
	big := Penta{400, 1900, 4100, 2300, 500}
	close := SPRT{Elo0: 0, Elo1: 5, Alpha: 0.05, Beta: 0.05}
	e := EstimatePenta(big)
	s0, s1 := ScoreFromElo(0), ScoreFromElo(5)
	variance := e.StdErr * e.StdErr * float64(e.N)
	approx := float64(e.N) * (s1 - s0) * (2*e.Score - s0 - s1) / (2 * variance)
	near(t, "LLR vs normal approximation", close.LLR(big), approx, 0.02*math.Abs(approx)+0.01)
}

// TestConstrainedMLE checks the maximum-likelihood distribution against
// its definition: it sums to 1, has the required mean, and no feasible
// perturbation (one keeping the sum and the mean) raises the likelihood.
func TestConstrainedMLE(t *testing.T) {
	x := [5]float64{0, 0.25, 0.5, 0.75, 1}
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		var f [5]float64
		sum := 0.0
		for i := range f {
			f[i] = r.Float64() + 1e-3
			sum += f[i]
		}
		for i := range f {
			f[i] /= sum
		}
		mu := 0.2 + 0.6*r.Float64()
		p := constrainedMLE(x, f, mu)
		total, mean := 0.0, 0.0
		for i := range p {
			total += p[i]
			mean += p[i] * x[i]
		}
		near(t, "sum", total, 1, 1e-9)
		near(t, "mean", mean, mu, 1e-9)
		ll := func(q [5]float64) float64 {
			s := 0.0
			for i := range q {
				s += f[i] * math.Log(q[i])
			}
			return s
		}
		base := ll(p)
		for range 20 {
			// A direction orthogonal to (1,…,1) and to x.
			var d [5]float64
			for i := range d {
				d[i] = r.NormFloat64()
			}
			for _, b := range [][5]float64{{1, 1, 1, 1, 1}, {-2, -1, 0, 1, 2}} {
				dot, nn := 0.0, 0.0
				for i := range d {
					dot += d[i] * b[i]
					nn += b[i] * b[i]
				}
				for i := range d {
					d[i] -= dot / nn * b[i]
				}
			}
			var q [5]float64
			ok := true
			for i := range q {
				q[i] = p[i] + 1e-3*d[i]
				ok = ok && q[i] > 0
			}
			if ok && ll(q) > base+1e-12 {
				t.Fatalf("perturbation raises likelihood: %g > %g", ll(q), base)
			}
		}
	}
}

// TestSPRTErrorRates runs many simulated SPRTs with the truth at elo0 and
// at elo1 and checks that they stop on the correct side at about the
// configured error rates.
func TestSPRTErrorRates(t *testing.T) {
	s := SPRT{Elo0: 0, Elo1: 60, Alpha: 0.05, Beta: 0.1}
	const runs = 1000
	for _, tc := range []struct {
		truth   float64
		want    Decision
		maxMiss float64
	}{{0, AcceptH0, s.Alpha}, {60, AcceptH1, s.Beta}} {
		r := rand.New(rand.NewPCG(5, uint64(tc.truth)))
		// The hypotheses are about the expected score; with a colour
		// advantage of 100 Elo, find the strength difference d that gives
		// the expected score of tc.truth.
		lo, hi := -1000.0, 1000.0
		for range 100 {
			mid := (lo + hi) / 2
			if (ScoreFromElo(mid+100)+ScoreFromElo(mid-100))/2 < ScoreFromElo(tc.truth) {
				lo = mid
			} else {
				hi = mid
			}
		}
		d := lo
		wrong := 0
		for range runs {
			var p Penta
			dec := Continue
			for dec == Continue {
				if p.Pairs() > 20000 {
					t.Fatal("SPRT did not stop")
				}
				p.AddPair(pairGame(r, d, 100, 0))
				dec = s.Decide(s.LLR(p))
			}
			if dec != tc.want {
				wrong++
			}
		}
		rate := float64(wrong) / runs
		// The sequential test overshoots its bounds, so the real error
		// rates are at or a little below the configured ones.
		if rate > tc.maxMiss+0.025 {
			t.Errorf("truth %g Elo: wrong decision in %.3f of runs, configured %.2f", tc.truth, rate, tc.maxMiss)
		}
		t.Logf("truth %g Elo: wrong decisions %.3f (configured %.2f)", tc.truth, rate, tc.maxMiss)
	}
}

func TestBradleyTerryHandComputed(t *testing.T) {
	// A beats B three games out of four: the maximum-likelihood odds are
	// 3, a difference of 400·log10(3) Elo. The information on θA-θB is
	// N·p·q = 4·¾·¼, so each player's deviation from the mean has standard
	// error √(1/0.75)/2 in natural units.
	games := []Outcome{{0, 1, 1}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}}
	r, err := FitBradleyTerry(2, games, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "A", r.Elo[0], 400*math.Log10(3)/2, 1e-6)
	near(t, "B", r.Elo[1], -400*math.Log10(3)/2, 1e-6)
	near(t, "A error", r.Error[0], 196.5765760438887, 1e-4)
	r, err = FitBradleyTerry(2, games, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "A anchored at B", r.Elo[0], 400*math.Log10(3), 1e-6)
	near(t, "anchor error", r.Error[1], 0, 1e-12)
	near(t, "A error vs anchor", r.Error[0], 2*196.5765760438887, 1e-4)

	// With the prior, a player who won every game gets a finite rating.
	sweep := []Outcome{{0, 1, 1}, {0, 1, 1}}
	if _, err := FitBradleyTerry(2, sweep, 0, -1); !errors.Is(err, ErrUnbounded) {
		t.Errorf("sweep without prior: err = %v, want ErrUnbounded", err)
	}
	r, err = FitBradleyTerry(2, sweep, 2, -1)
	if err != nil {
		t.Fatal(err)
	}
	if !(r.Elo[0] > 0 && r.Elo[0] < 400) || math.IsNaN(r.Error[0]) {
		t.Errorf("sweep with prior: %+v", r)
	}
}

func TestBradleyTerryBadInput(t *testing.T) {
	for _, tc := range []struct {
		players int
		games   []Outcome
		prior   float64
		anchor  int
	}{
		{0, nil, 1, -1},
		{2, []Outcome{{0, 0, 1}}, 1, -1},
		{2, []Outcome{{0, 2, 1}}, 1, -1},
		{2, []Outcome{{0, 1, 0.3}}, 1, -1},
		{2, nil, -1, -1},
		{2, nil, 1, 5},
		{3, []Outcome{{0, 1, 1}, {1, 0, 1}}, 0, -1}, // player 2 never played
	} {
		if _, err := FitBradleyTerry(tc.players, tc.games, tc.prior, tc.anchor); err == nil {
			t.Errorf("%+v accepted", tc)
		}
	}
}

// TestBradleyTerryStationary checks the fit against its definition on
// random tournaments: at the maximum, every player's points (prior
// included) equal the points the model expects it to score.
func TestBradleyTerryStationary(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 30 {
		players := 2 + r.IntN(6)
		var games []Outcome
		for range 10 + r.IntN(80) {
			a, b := r.IntN(players), r.IntN(players)
			if a == b {
				continue
			}
			games = append(games, Outcome{a, b, float64(r.IntN(3)) / 2})
		}
		prior := 2.0
		fit, err := FitBradleyTerry(players, games, prior, -1)
		if err != nil {
			t.Fatal(err)
		}
		gamma := make([]float64, players)
		for i, e := range fit.Elo {
			gamma[i] = math.Exp(e / eloPerNat)
		}
		// The ratings are centred, so the virtual opponent's γ, c, is
		// unknown; the game terms of the gradient sum to 0, so c is where
		// the prior terms sum to 0, found by bisection.
		grad := func(c float64) []float64 {
			g := make([]float64, players)
			for i := range g {
				g[i] = prior/2 - prior*gamma[i]/(gamma[i]+c)
			}
			for _, o := range games {
				p := gamma[o.A] / (gamma[o.A] + gamma[o.B])
				g[o.A] += o.ScoreA - p
				g[o.B] += (1 - o.ScoreA) - (1 - p)
			}
			return g
		}
		lo, hi := 1e-9, 1e9
		for range 200 {
			mid := math.Sqrt(lo * hi)
			s := 0.0
			for _, v := range grad(mid) {
				s += v
			}
			if s < 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		for i, v := range grad(lo) {
			if math.Abs(v) > 1e-6 {
				t.Fatalf("trial %d: player %d gradient %g at the fit", trial, i, v)
			}
		}
	}
}

// TestBradleyTerryCoverage draws round robins among players of known
// ratings and checks that the intervals cover each true difference from
// the anchor about 95% of the time.
func TestBradleyTerryCoverage(t *testing.T) {
	truth := []float64{0, 80, -60, 150}
	const reps, perPair = 300, 40
	r := rand.New(rand.NewPCG(9, 10))
	covered, total := 0, 0
	for range reps {
		var games []Outcome
		for a := range truth {
			for b := a + 1; b < len(truth); b++ {
				p := ScoreFromElo(truth[a] - truth[b])
				for range perPair {
					s := 0.0
					if r.Float64() < p {
						s = 1
					}
					games = append(games, Outcome{a, b, s})
				}
			}
		}
		fit, err := FitBradleyTerry(len(truth), games, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(truth); i++ {
			total++
			if math.Abs(fit.Elo[i]-truth[i]) <= fit.Error[i] {
				covered++
			}
		}
	}
	f := float64(covered) / float64(total)
	if f < 0.93 || f > 0.97 {
		t.Errorf("coverage %.3f, want about 0.95", f)
	}
	t.Logf("Bradley-Terry coverage %.3f", f)
}

package mtl

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// SyntheticBench configures the MMoE paper's synthetic experiment (Ma et
// al., KDD 2018, section 5 and figure 4): shared-bottom, the one-gate
// mixture of experts (OMoE) and MMoE trained on two regression tasks whose
// correlation is controlled, each run on a new data set and a new
// initialization, with the training loss averaged over runs at every step.
type SyntheticBench struct {
	Correlations []float64 // task correlations p
	Archs        []string  // shared-bottom, moe (OMoE) and mmoe
	Seeds        int       // measured runs per model and correlation
	// LRs are the Adam learning rates searched (the paper grid-searches
	// 1e-4, 1e-3 and 1e-2). The rate kept for each model and correlation
	// is the one with the lowest mean training loss over TuneSeeds runs
	// whose seeds are disjoint from the measured ones.
	LRs       []float64
	TuneSeeds int
	Rows      int // training examples per run
	TestRows  int // held-out examples per run, from the same draw
	// Steps is the number of training steps per run. The paper does not
	// give it; the default makes 20 passes over the training rows, as many
	// as the public reproduction jz95/ml-paper-lab makes over its own (20
	// epochs). At a third of that every model is still far from the end
	// of its descent, and the comparison is one of early speed
	// (docs/BENCHMARKS.md).
	Steps     int
	BatchSize int
	Windows   int // points on each loss curve: means over Steps/Windows steps
	// C scales the task weight vectors, which sets how many periods of
	// the sine terms fall in the range of the inputs. The paper leaves it
	// open; the default 3 is the scale of jz95/ml-paper-lab's
	// reproduction of the experiment. At c = 1 every model fits both tasks
	// nearly to the noise floor whatever the correlation
	// (docs/BENCHMARKS.md).
	C float64
}

// DefaultSyntheticBench returns the settings of the experiment.
func DefaultSyntheticBench() SyntheticBench {
	return SyntheticBench{
		Correlations: []float64{1.0, 0.9, 0.8, 0.5},
		Archs:        []string{"shared-bottom", "moe", "mmoe"},
		Seeds:        20,
		LRs:          []float64{1e-4, 1e-3, 1e-2},
		TuneSeeds:    1,
		Rows:         50000,
		TestRows:     5000,
		Steps:        7800, // 20 passes over 50,000 rows in batches of 128
		BatchSize:    128,
		Windows:      30,
		C:            3,
	}
}

// Quick shrinks the experiment to a few minutes: the two ends of the
// correlation range, fewer runs and a third of the steps. The rows stay:
// with fewer, the networks start to memorize them.
func (sb SyntheticBench) Quick() SyntheticBench {
	sb.Correlations = []float64{1.0, 0.5}
	sb.Seeds, sb.TuneSeeds = 6, 1
	sb.Steps /= 3
	return sb
}

// SyntheticConfigFor returns the paper's network for an architecture:
// 8 experts of one 16-unit layer for the mixtures, one shared layer of 113
// units for shared-bottom (the same number of parameters in the shared
// part and the towers: 100·16·8 + 16·8·2 = 13056 ≈ 113·(100 + 8·2)), and
// towers of one 8-unit layer.
func SyntheticConfigFor(arch string) Config {
	cfg := Config{Arch: arch, Tower: []int{8}}
	switch arch {
	case "moe", "mmoe":
		cfg.Experts, cfg.Hidden = 8, []int{16}
	default:
		cfg.Hidden = []int{113}
	}
	return cfg
}

// SyntheticCell is the result of one architecture at one correlation.
// Losses are the mean of the two tasks' squared errors.
type SyntheticCell struct {
	Arch string  `json:"arch"`
	P    float64 `json:"p"`
	LR   float64 `json:"lr"`
	// TuneLoss is the mean training loss of the tuning runs at each of
	// SyntheticBench.LRs.
	TuneLoss []float64 `json:"tune_loss"`
	// Final is each run's mean training loss over the last tenth of the
	// steps, and Test its held-out loss after the last step.
	Final []float64 `json:"final"`
	Test  []float64 `json:"test"`
	// Mean and CI95 summarize Final (mean and half-width of the 95%
	// confidence interval of the mean); TestMean and TestCI95 summarize Test.
	Mean     float64 `json:"mean"`
	CI95     float64 `json:"ci95"`
	TestMean float64 `json:"test_mean"`
	TestCI95 float64 `json:"test_ci95"`
	// Curve[w] is the training loss averaged over runs and over the steps
	// of window w, which ends at step CurveStep[w].
	CurveStep []int     `json:"curve_step"`
	Curve     []float64 `json:"curve"`
	CurveCI95 []float64 `json:"curve_ci95"`
}

// Cell returns the cell of arch at correlation p, or nil.
func Cell(cells []SyntheticCell, arch string, p float64) *SyntheticCell {
	for i := range cells {
		if cells[i].Arch == arch && cells[i].P == p {
			return &cells[i]
		}
	}
	return nil
}

func (sb SyntheticBench) validate() error {
	switch {
	case len(sb.Correlations) == 0 || len(sb.Archs) == 0 || len(sb.LRs) == 0:
		return fmt.Errorf("mtl: synthetic benchmark needs correlations, architectures and learning rates")
	case sb.Seeds < 2:
		return fmt.Errorf("mtl: synthetic benchmark needs at least 2 seeds for an interval, have %d", sb.Seeds)
	case len(sb.LRs) > 1 && sb.TuneSeeds < 1:
		return fmt.Errorf("mtl: choosing among %d learning rates needs tuning seeds", len(sb.LRs))
	case sb.Steps < 10 || sb.BatchSize < 1 || sb.Rows < sb.BatchSize || sb.TestRows < 1:
		return fmt.Errorf("mtl: synthetic benchmark needs steps >= 10, rows >= batch size and test rows, have %d steps, %d rows, batch %d", sb.Steps, sb.Rows, sb.BatchSize)
	case sb.C <= 0:
		return fmt.Errorf("mtl: the weight scale c must be positive, have %g", sb.C)
	case sb.Windows < 1 || sb.Windows > sb.Steps:
		return fmt.Errorf("mtl: %d curve windows for %d steps", sb.Windows, sb.Steps)
	}
	for _, p := range sb.Correlations {
		if p < -1 || p > 1 {
			return fmt.Errorf("mtl: correlation %g is outside [-1, 1]", p)
		}
	}
	for _, a := range sb.Archs {
		if !slices.Contains(Architectures, a) || a == "esmm" {
			return fmt.Errorf("mtl: %q is not a regression architecture (want one of shared-bottom, moe, mmoe, ...)", a)
		}
	}
	return nil
}

// Runs returns the number of training runs Run performs.
func (sb SyntheticBench) Runs() int {
	tune := 0
	if len(sb.LRs) > 1 {
		tune = sb.TuneSeeds * len(sb.LRs)
	}
	return len(sb.Correlations) * len(sb.Archs) * (tune + sb.Seeds)
}

// tuneSeedBase offsets the seeds of the learning-rate search from the
// measured ones.
const tuneSeedBase = 1 << 20

// Run performs the experiment and returns one cell per correlation and
// architecture, in that order: at each correlation, the learning-rate
// search and then Seeds measured runs of every architecture. Measured run
// s draws its data set from seed s, so at one correlation all
// architectures see the same data sets (differences can be paired by
// seed), and across correlations the inputs, u1, u2, α and β are the same.
// progress, if not nil, is called after each training run.
func (sb SyntheticBench) Run(ctx context.Context, progress func(done, total int)) ([]SyntheticCell, error) {
	if err := sb.validate(); err != nil {
		return nil, err
	}
	total, done := sb.Runs(), 0
	tick := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	var cells []SyntheticCell
	for _, p := range sb.Correlations {
		row := make([]SyntheticCell, len(sb.Archs))
		for i, arch := range sb.Archs {
			row[i] = SyntheticCell{Arch: arch, P: p, LR: sb.LRs[0]}
		}
		if len(sb.LRs) > 1 {
			sums := make([][]float64, len(sb.Archs)) // [arch][lr]
			for i := range sums {
				sums[i] = make([]float64, len(sb.LRs))
			}
			for s := 1; s <= sb.TuneSeeds; s++ {
				train, test, err := sb.data(p, uint64(tuneSeedBase+s))
				if err != nil {
					return nil, err
				}
				for i, arch := range sb.Archs {
					for j, lr := range sb.LRs {
						r, err := sb.run(ctx, arch, lr, train, test, uint64(tuneSeedBase+s))
						if err != nil {
							return nil, err
						}
						sums[i][j] += mean(r.curve) / float64(sb.TuneSeeds)
						tick()
					}
				}
			}
			for i := range row {
				row[i].TuneLoss = sums[i]
				// A diverged run scores +Inf and never wins.
				row[i].LR = sb.LRs[argmin(sums[i])]
			}
		}
		curves := make([][][]float64, len(sb.Archs)) // [arch][seed][window]
		for s := 1; s <= sb.Seeds; s++ {
			train, test, err := sb.data(p, uint64(s))
			if err != nil {
				return nil, err
			}
			for i, arch := range sb.Archs {
				r, err := sb.run(ctx, arch, row[i].LR, train, test, uint64(s))
				if err != nil {
					return nil, err
				}
				curves[i] = append(curves[i], r.windows)
				row[i].Final = append(row[i].Final, r.final)
				row[i].Test = append(row[i].Test, r.test)
				tick()
			}
		}
		for i := range row {
			c := &row[i]
			c.Mean, c.CI95 = MeanCI95(c.Final)
			c.TestMean, c.TestCI95 = MeanCI95(c.Test)
			w := sb.Steps / sb.Windows
			for k := 0; k < sb.Windows; k++ {
				col := make([]float64, len(curves[i]))
				for s, cv := range curves[i] {
					col[s] = cv[k]
				}
				m, ci := MeanCI95(col)
				c.CurveStep = append(c.CurveStep, (k+1)*w)
				c.Curve = append(c.Curve, m)
				c.CurveCI95 = append(c.CurveCI95, ci)
			}
		}
		cells = append(cells, row...)
	}
	return cells, nil
}

// data draws the training and held-out rows of seed at correlation p.
func (sb SyntheticBench) data(p float64, seed uint64) (train, test *Dataset, err error) {
	all, err := Synthetic(SyntheticConfig{Rows: sb.Rows + sb.TestRows, Dim: 100, P: p, C: sb.C, M: 10, Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	return all.Slice(0, sb.Rows), all.Slice(sb.Rows, sb.Rows+sb.TestRows), nil
}

func argmin(xs []float64) int {
	best := 0
	for i, x := range xs {
		if x < xs[best] {
			best = i
		}
	}
	return best
}

// syntheticRun is what one training run records.
type syntheticRun struct {
	curve   []float64 // training loss at every step
	windows []float64 // curve averaged over Windows consecutive windows
	final   float64   // curve averaged over the last tenth of the steps
	test    float64   // held-out loss after the last step
}

// run trains arch once on train, initialized and shuffled from seed, and
// evaluates it on test.
func (sb SyntheticBench) run(ctx context.Context, arch string, lr float64, train, test *Dataset, seed uint64) (syntheticRun, error) {
	net, err := NewNetwork(SyntheticConfigFor(arch), train, seed)
	if err != nil {
		return syntheticRun{}, err
	}
	tr, err := NewTrainer(net, EqualWeights(2), TrainOptions{Epochs: 1, BatchSize: sb.BatchSize, LR: lr, Seed: seed})
	if err != nil {
		return syntheticRun{}, err
	}
	// Minibatches are drawn without replacement, one pass over the
	// training rows after another.
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var perm []int
	r := syntheticRun{curve: make([]float64, sb.Steps)}
	for s := range r.curve {
		if err := ctx.Err(); err != nil {
			return syntheticRun{}, err
		}
		if len(perm) < sb.BatchSize {
			perm = rng.Perm(sb.Rows)
		}
		losses, err := tr.Step(train.Batch(perm[:sb.BatchSize]))
		perm = perm[sb.BatchSize:]
		if err != nil {
			// The learning-rate search tries rates at which a run may
			// diverge; such a run scores +Inf instead of stopping the
			// experiment.
			return divergedRun(sb), nil
		}
		r.curve[s] = (losses[0] + losses[1]) / 2
	}
	w := sb.Steps / sb.Windows
	for i := 0; i < sb.Windows; i++ {
		r.windows = append(r.windows, mean(r.curve[i*w:(i+1)*w]))
	}
	r.final = mean(r.curve[sb.Steps-max(1, sb.Steps/10):])
	m := Evaluate(net, test, 4096)
	r.test = (m[0].MSE + m[1].MSE) / 2
	return r, nil
}

func divergedRun(sb SyntheticBench) syntheticRun {
	inf := math.Inf(1)
	r := syntheticRun{curve: []float64{inf}, final: inf, test: inf}
	for i := 0; i < sb.Windows; i++ {
		r.windows = append(r.windows, inf)
	}
	return r
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// MeanCI95 returns the mean of xs and the half-width of the 95% confidence
// interval of the mean (Student's t with len(xs)−1 degrees of freedom; 0
// for fewer than two values).
func MeanCI95(xs []float64) (mean, half float64) {
	mean, _, _, half = spread(xs)
	return mean, half
}

// PairedDiff returns the mean of a[i] − b[i] and the half-width of its 95%
// confidence interval: the comparison of two architectures run on the same
// data sets (the same seeds).
func PairedDiff(a, b []float64) (mean, half float64, err error) {
	if len(a) != len(b) {
		return 0, 0, fmt.Errorf("mtl: paired difference of %d and %d runs", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	mean, half = MeanCI95(d)
	return mean, half, nil
}

package balance

import (
	"fmt"
	"math"
	"strings"

	"github.com/trident-lab/trident/nn"
)

// names lists the methods New builds, in the order of the package
// documentation.
var names = []string{"ew", "fixed", "uw", "gradnorm", "dwa", "rlw",
	"pcgrad", "mgda", "mgda-ub", "cagrad", "nash", "imtl", "aligned", "pmtl", "epo"}

// Names returns the names New accepts.
func Names() []string { return append([]string(nil), names...) }

// New returns the method called name, configured by cfg:
//
//	ew        equal weights
//	fixed     fixed weights cfg.Weights
//	uw        uncertainty weighting (Kendall et al. 2018)
//	gradnorm  GradNorm (Chen et al. 2018), asymmetry cfg.Alpha
//	dwa       dynamic weight average (Liu et al. 2019), cfg.Temperature
//	rlw       random loss weighting (Lin et al. 2021), cfg.Seed
//	pcgrad    PCGrad (Yu et al. 2020), cfg.Seed
//	mgda      MGDA min-norm combination (Sener and Koltun 2018), cfg.Normalization
//	mgda-ub   MGDA-UB: the same on representation gradients
//	cagrad    CAGrad (Liu et al. 2021), radius cfg.C
//	nash      Nash-MTL (Navon et al. 2022)
//	imtl      IMTL-G (Liu et al. 2021)
//	aligned   Aligned-MTL (Senushkin et al. 2023)
//	pmtl      Pareto MTL (Lin et al. 2019), cfg.Preferences[cfg.Preference]
//	epo       EPO search (Mahapatra and Rajan 2020), the same preference
func New(name string, cfg Config) (Method, error) {
	if cfg.Tasks < 1 {
		return nil, fmt.Errorf("balance: %s: need at least one task, have %d", name, cfg.Tasks)
	}
	b := base{name: name, tasks: cfg.Tasks}
	switch name {
	case "ew":
		return newFixed(b, nil)
	case "fixed":
		return newFixed(b, cfg.Weights)
	case "uw":
		return newUncertainty(b), nil
	case "gradnorm":
		return newGradNorm(b, orDefault(cfg.Alpha, 1.5))
	case "dwa":
		return newDWA(b, orDefault(cfg.Temperature, 2))
	case "rlw":
		return &randomWeights{base: b, seed: cfg.Seed}, nil
	case "pcgrad":
		return newGradMethod(b, Needs{TaskGrads: true}, pcgrad{seed: cfg.Seed}), nil
	case "mgda", "mgda-ub":
		switch cfg.Normalization {
		case "", "none", "l2", "loss", "loss+":
		default:
			return nil, fmt.Errorf("balance: %s: unknown gradient normalisation %q (valid: none, l2, loss, loss+)", name, cfg.Normalization)
		}
		return newGradMethod(b, Needs{TaskGrads: true, Representation: name == "mgda-ub"}, mgda{norm: cfg.Normalization}), nil
	case "cagrad":
		c := orDefault(cfg.C, 0.5)
		if c < 0 || math.IsNaN(c) {
			return nil, fmt.Errorf("balance: cagrad: radius c = %g, want c ≥ 0", c)
		}
		return newGradMethod(b, Needs{TaskGrads: true}, cagrad{c: c}), nil
	case "nash":
		return newGradMethod(b, Needs{TaskGrads: true}, nash{}), nil
	case "imtl":
		return newGradMethod(b, Needs{TaskGrads: true}, imtlg{}), nil
	case "aligned":
		return newGradMethod(b, Needs{TaskGrads: true}, aligned{}), nil
	case "pmtl":
		return newParetoMTL(b, cfg.Preferences, cfg.Preference)
	case "epo":
		return newEPO(b, cfg.Preferences, cfg.Preference)
	}
	return nil, fmt.Errorf("balance: unknown method %q (valid: %s)", name, strings.Join(names, ", "))
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// base carries what every method has and the defaults of the methods that
// have no parameters, no epoch hook and no state.
type base struct {
	name  string
	tasks int
}

func (b *base) Name() string               { return b.name }
func (b *base) Needs() Needs               { return Needs{} }
func (b *base) Params() []*nn.Tensor       { return nil }
func (b *base) EndEpoch([]float64) error   { return nil }
func (b *base) State() []float64           { return nil }
func (b *base) SetState(s []float64) error { return b.checkState(s, 0) }

func (b *base) checkState(s []float64, n int) error {
	if len(s) != n {
		return fmt.Errorf("balance: %s: state of %d values, want %d", b.name, len(s), n)
	}
	for i, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("balance: %s: state value %d is %g", b.name, i, v)
		}
	}
	return nil
}

// checkLosses validates the step's losses, sizes its Weights and clears
// the outputs of gradient methods.
func (b *base) checkLosses(s *Step) error {
	s.Shared, s.Coef = nil, nil
	if len(s.Losses) != b.tasks {
		return fmt.Errorf("balance: %s: %d losses for %d tasks", b.name, len(s.Losses), b.tasks)
	}
	for i, l := range s.Losses {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return fmt.Errorf("balance: %s: loss of task %d is %g", b.name, i, l)
		}
	}
	if len(s.Weights) != b.tasks {
		s.Weights = make([]float64, b.tasks)
	}
	return nil
}

// checkRows validates per-task gradient rows and returns their length.
func (b *base) checkRows(what string, rows [][]float32) (int, error) {
	if len(rows) != b.tasks {
		return 0, fmt.Errorf("balance: %s: %s for %d tasks, want %d", b.name, what, len(rows), b.tasks)
	}
	n := len(rows[0])
	for i, r := range rows {
		if len(r) != n {
			return 0, fmt.Errorf("balance: %s: %s of task %d has %d values, task 0's has %d", b.name, what, i, len(r), n)
		}
	}
	return n, nil
}

func (b *base) checkEpochLosses(l []float64) error {
	if len(l) != b.tasks {
		return fmt.Errorf("balance: %s: %d epoch losses for %d tasks", b.name, len(l), b.tasks)
	}
	for i, v := range l {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("balance: %s: epoch loss of task %d is %g", b.name, i, v)
		}
	}
	return nil
}

package balance

import "github.com/trident-lab/trident/nn"

// Method is one balancing method. Its methods are not safe for concurrent
// use: a trainer owns one Method per model.
type Method interface {
	// Name is the method's name as accepted by New.
	Name() string
	// Needs says which gradients the trainer must compute before Combine.
	Needs() Needs
	// Params returns the method's own trainable tensors, to be optimized
	// and checkpointed with the model, or nil.
	Params() []*nn.Tensor
	// Combine reads the step's losses and gradients and writes its
	// Weights (always) and Shared and Coef (gradient methods).
	Combine(s *Step) error
	// EndEpoch receives the mean loss of each task over the epoch that has
	// just ended. Methods that do not use epoch losses ignore it.
	EndEpoch(meanLosses []float64) error
	// State returns the method's state other than Params, for checkpoints
	// (nil when it has none); SetState restores it.
	State() []float64
	// SetState restores a state returned by State.
	SetState(state []float64) error
}

// Needs lists what a method needs in a Step besides the losses.
type Needs struct {
	// TaskGrads asks for Step.Grads: each task's gradient of the shared
	// parameters (or of the shared representation, see Representation).
	TaskGrads bool
	// Representation says the method is defined on gradients with respect
	// to the shared representation rather than the shared parameters
	// (MGDA-UB). Such a method works on either; a trainer that cannot take
	// gradients with respect to the representation passes parameter
	// gradients.
	Representation bool
	// LastSharedGrads asks for Step.LastShared: each task's gradient of the
	// weights of the last shared layer.
	LastSharedGrads bool
}

// Step is what a method sees of one training step, and where it writes its
// decision.
type Step struct {
	// Index counts the training steps from 0 over the whole run.
	Index int
	// Losses holds the value of each task's loss.
	Losses []float64
	// Grads[i] is the flat gradient of task i's loss alone, when
	// Needs().TaskGrads; every row has the same length.
	Grads [][]float32
	// LastShared[i] is the flat gradient of task i's loss alone with
	// respect to the last shared layer's weights, when
	// Needs().LastSharedGrads.
	LastShared [][]float32

	// Weights is set by Combine: the weight of each task's loss in the
	// backward pass (1 for every task with gradient methods).
	Weights []float64
	// Shared is set by gradient methods: the combined gradient, laid out
	// as the rows of Grads, that replaces the shared gradient. Combine
	// reuses its storage when it already has the right length. Loss
	// weighting methods set it to nil.
	Shared []float32
	// Coef is set by gradient methods: Shared = Σ_i Coef[i]·Grads[i].
	// Loss weighting methods set it to nil.
	Coef []float64
}

// Config holds the settings of the methods; New reads the fields its method
// uses. Zero values select each paper's default.
type Config struct {
	// Tasks is the number of tasks T (at least 1; 2 for most gradient
	// methods to matter).
	Tasks int
	// Seed seeds the random choices of RLW and PCGrad.
	Seed uint64
	// Weights are the loss weights of "fixed" (length Tasks, non-negative,
	// not all zero).
	Weights []float64
	// Alpha is GradNorm's asymmetry α (default 1.5).
	Alpha float64
	// Temperature is DWA's temperature (default 2).
	Temperature float64
	// C is CAGrad's radius c (default 0.5).
	C float64
	// Normalization is how MGDA scales each task's gradient before the
	// min-norm solve, as in Sener and Koltun's code: "none" (default),
	// "l2" (by its norm), "loss" (by its loss) or "loss+" (by both).
	Normalization string
	// Preferences are the K preference vectors of a Pareto-front
	// exploration (see Preferences), for "pmtl" and "epo": each is a
	// direction in loss space (non-negative; positive for "epo") along
	// which a model's task losses should end up. Preference picks the one
	// this model is trained towards; "pmtl" also uses the others, which
	// bound its sub-region.
	Preferences [][]float64
	// Preference is the index in Preferences of this model's vector.
	Preference int
}

package mtl

import (
	"fmt"
	"math/rand/v2"

	"github.com/trident-lab/trident/nn"
)

// ImageArchitectures lists the architectures for image datasets.
var ImageArchitectures = []string{"single", "shared-bottom", "mtan"}

// convTrunk is the MultiLeNet trunk of Sener and Koltun (2018): conv 5×5
// (C→10), max-pool 2, ReLU, conv 5×5 (10→20), max-pool 2, ReLU, dense to 50,
// ReLU. On 28×28 inputs the flattened features are 20·4·4 = 320.
type convTrunk struct {
	c1, c2 *nn.Conv
	fc     *nn.Dense
}

func newConvTrunk(ps *nn.Params, prefix string, channels, height, width int, rng *rand.Rand) (*convTrunk, error) {
	h, w := (height-4)/2, (width-4)/2
	h, w = (h-4)/2, (w-4)/2
	if h < 1 || w < 1 {
		return nil, fmt.Errorf("mtl: images of %d×%d are too small for the LeNet trunk (at least 16×16)", width, height)
	}
	return &convTrunk{
		c1: nn.NewConv(ps, prefix+"conv1", channels, 10, 5, nn.Conv2DOptions{}, rng),
		c2: nn.NewConv(ps, prefix+"conv2", 10, 20, 5, nn.Conv2DOptions{}, rng),
		fc: nn.NewDense(ps, prefix+"fc", 20*h*w, 50, rng),
	}, nil
}

// stages returns the feature maps after each conv stage.
func (t *convTrunk) stages(x *nn.Tensor) (s1, s2 *nn.Tensor) {
	s1 = nn.ReLU(nn.MaxPool2D(t.c1.Forward(x), 2, 2, 0))
	s2 = nn.ReLU(nn.MaxPool2D(t.c2.Forward(s1), 2, 2, 0))
	return s1, s2
}

// features returns the trunk's dense output, the shared representation;
// drop, if not nil, is applied to the stage-2 feature maps first.
func (t *convTrunk) features(x *nn.Tensor, drop func(*nn.Tensor) *nn.Tensor) *nn.Tensor {
	_, s2 := t.stages(x)
	if drop != nil {
		s2 = drop(s2)
	}
	return nn.ReLU(t.fc.Forward(nn.Flatten(s2)))
}

// imageHead is the MultiLeNet task head: dense 50→50, ReLU, dense to the
// task's outputs.
func newImageHead(ps *nn.Params, prefix string, outputs int, rng *rand.Rand) *tower {
	return newTower(ps, prefix+"head", 50, []int{50}, outputs, rng)
}

// imageDropout is the dropout of Sener and Koltun's MultiLeNet
// (multi_task/models/multi_lenet.py in isl-org/MultiObjectiveOptimization):
// whole channels of the second convolution's output, one mask for the
// batch, and single units of each head's hidden layer, both with
// probability p and only in training. Theirs multiplies by the 0/1 mask
// and does not rescale, neither in training nor in evaluation; this one is
// inverted dropout (survivors scaled by 1/(1 − p)), so evaluation sees
// activations of the scale training did.
type imageDropout struct {
	p   float32
	rng *rand.Rand // seeded with the network, so runs repeat
}

// channels zeroes whole feature maps of x [N, C, H, W], the same maps for
// every example of the batch. Applied after max-pool and ReLU rather than
// straight after the convolution as theirs is: multiplying a map by a
// non-negative constant commutes with both, so the result is the same on
// a quarter of the elements.
func (d *imageDropout) channels(x *nn.Tensor) *nn.Tensor {
	c, hw := x.Shape[1], x.Shape[2]*x.Shape[3]
	mask := nn.Zeros(c, x.Shape[2], x.Shape[3])
	keep := 1 / (1 - d.p)
	for ch := 0; ch < c; ch++ {
		if d.rng.Float32() >= d.p {
			for i := ch * hw; i < (ch+1)*hw; i++ {
				mask.Data[i] = keep
			}
		}
	}
	return nn.Mul(x, mask)
}

// head runs task head h with dropout on its hidden layer.
func (d *imageDropout) head(h *tower, x *nn.Tensor) *nn.Tensor {
	return h.out.Forward(nn.Dropout(h.hidden.forward(x), d.p, true, d.rng))
}

// imageNet covers the three image architectures: separate trunks per task
// (single), one shared trunk (shared-bottom), or one shared trunk with
// task-specific attention over its feature maps (mtan).
type imageNet struct {
	arch   string
	trunks []*convTrunk // one, or one per task for "single"
	heads  []*tower
	att    []*taskAttention // mtan only
	cut    *repCut          // shared-bottom only
	drop   *imageDropout    // nil: no dropout
}

// taskAttention is a task's attention in the style of MTAN (Liu, Johns and
// Davison, CVPR 2019): at each stage a 1×1 convolution with a sigmoid turns
// the shared features (and, after the first stage, the task's own features
// from the stage before) into a soft mask over the shared features, so each
// task selects what it needs from one shared trunk.
type taskAttention struct {
	mask1, mask2 *nn.Conv
	down         *nn.Conv // carries the task's stage-1 features to stage 2
	fc           *nn.Dense
}

// newImageNet builds the network; with dropout p > 0 it draws its masks
// from dropRNG.
func newImageNet(ps *nn.Params, arch string, d *Dataset, p float32, dropRNG, rng *rand.Rand) (*imageNet, error) {
	m := &imageNet{arch: arch}
	if p > 0 {
		m.drop = &imageDropout{p: p, rng: dropRNG}
	}
	T := len(d.Tasks)
	switch arch {
	case "single":
		for i := 0; i < T; i++ {
			t, err := newConvTrunk(ps, TaskPrefix(i)+"trunk/", d.Channels, d.Height, d.Width, rng)
			if err != nil {
				return nil, err
			}
			m.trunks = append(m.trunks, t)
		}
	case "shared-bottom", "mtan":
		t, err := newConvTrunk(ps, SharedPrefix+"trunk/", d.Channels, d.Height, d.Width, rng)
		if err != nil {
			return nil, err
		}
		m.trunks = []*convTrunk{t}
		if arch == "mtan" {
			for i := 0; i < T; i++ {
				p := TaskPrefix(i) + "attention/"
				m.att = append(m.att, &taskAttention{
					mask1: nn.NewConv(ps, p+"mask1", 10, 10, 1, nn.Conv2DOptions{}, rng),
					down:  nn.NewConv(ps, p+"down", 10, 20, 5, nn.Conv2DOptions{}, rng),
					mask2: nn.NewConv(ps, p+"mask2", 40, 20, 1, nn.Conv2DOptions{}, rng),
					fc:    nn.NewDense(ps, p+"fc", t.fc.W.Shape[0], 50, rng),
				})
			}
		}
	default:
		return nil, fmt.Errorf("mtl: unknown image architecture %q (want single, shared-bottom or mtan)", arch)
	}
	for i, task := range d.Tasks {
		m.heads = append(m.heads, newImageHead(ps, TaskPrefix(i), task.Outputs(), rng))
	}
	return m, nil
}

func (m *imageNet) lastShared() []*nn.Tensor {
	if m.arch == "single" {
		return nil
	}
	return []*nn.Tensor{m.trunks[0].fc.W}
}

func (m *imageNet) forward(inputs []*nn.Tensor, train bool) []*nn.Tensor {
	T := len(m.heads)
	out := make([]*nn.Tensor, T)
	var dropMaps func(*nn.Tensor) *nn.Tensor
	head := func(i int, x *nn.Tensor) *nn.Tensor { return m.heads[i].forward(x) }
	if train && m.drop != nil {
		dropMaps = m.drop.channels
		head = func(i int, x *nn.Tensor) *nn.Tensor { return m.drop.head(m.heads[i], x) }
	}
	switch m.arch {
	case "single":
		for i := range m.heads {
			out[i] = head(i, m.trunks[i].features(inputs[0], dropMaps))
		}
	case "mtan":
		s1, s2 := m.trunks[0].stages(inputs[0])
		if dropMaps != nil {
			s2 = dropMaps(s2)
		}
		for i, a := range m.att {
			t1 := nn.Mul(nn.Sigmoid(a.mask1.Forward(s1)), s1)
			own := nn.ReLU(nn.MaxPool2D(a.down.Forward(t1), 2, 2, 0))
			t2 := nn.Mul(nn.Sigmoid(a.mask2.Forward(nn.Concat(1, s2, own))), s2)
			out[i] = head(i, nn.ReLU(a.fc.Forward(nn.Flatten(t2))))
		}
	default:
		f := m.cut.apply(m.trunks[0].features(inputs[0], dropMaps))
		for i := range m.heads {
			out[i] = head(i, f)
		}
	}
	return out
}

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

// features returns the trunk's dense output, the shared representation.
func (t *convTrunk) features(x *nn.Tensor) *nn.Tensor {
	_, s2 := t.stages(x)
	return nn.ReLU(t.fc.Forward(nn.Flatten(s2)))
}

// imageHead is the MultiLeNet task head: dense 50→50, ReLU, dense to the
// task's outputs.
func newImageHead(ps *nn.Params, prefix string, outputs int, rng *rand.Rand) *tower {
	return newTower(ps, prefix+"head", 50, []int{50}, outputs, rng)
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

func newImageNet(ps *nn.Params, arch string, d *Dataset, rng *rand.Rand) (*imageNet, error) {
	m := &imageNet{arch: arch}
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

func (m *imageNet) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	T := len(m.heads)
	out := make([]*nn.Tensor, T)
	switch m.arch {
	case "single":
		for i, h := range m.heads {
			out[i] = h.forward(m.trunks[i].features(inputs[0]))
		}
	case "mtan":
		s1, s2 := m.trunks[0].stages(inputs[0])
		for i, a := range m.att {
			t1 := nn.Mul(nn.Sigmoid(a.mask1.Forward(s1)), s1)
			own := nn.ReLU(nn.MaxPool2D(a.down.Forward(t1), 2, 2, 0))
			t2 := nn.Mul(nn.Sigmoid(a.mask2.Forward(nn.Concat(1, s2, own))), s2)
			out[i] = m.heads[i].forward(nn.ReLU(a.fc.Forward(nn.Flatten(t2))))
		}
	default:
		f := m.cut.apply(m.trunks[0].features(inputs[0]))
		for i, h := range m.heads {
			out[i] = h.forward(f)
		}
	}
	return out
}

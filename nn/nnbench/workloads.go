// Package nnbench defines the fixed workloads with which Trident measures
// its neural engine against peers (PyTorch, OpenBLAS): square sgemm, an MMoE
// training step, an ESPCN ×2 training step and game-network inference. The
// definitions are kept exactly as stated in docs/BENCHMARKS.md so that the
// peer script bench/peers/nn_bench.py runs the same computation; `trident
// bench nn` and `go test -bench` in this package both run this code.
package nnbench

import (
	"math/rand/v2"
	"strconv"

	"github.com/trident-lab/trident/nn"
)

// Sizes of the MMoE workload.
const (
	MMoEBatch   = 1024
	MMoEInputs  = 512
	MMoEExperts = 8
	MMoEHidden  = 128
	MMoEOut     = 64
	MMoETasks   = 2
	MMoETower   = 32
)

// MMoE is one multi-gate mixture-of-experts training problem: 8 experts
// Dense(512→128)+ReLU+Dense(128→64)+ReLU, 2 softmax gates Dense(512→8)
// mixing the experts, 2 towers Dense(64→32)+ReLU+Dense(32→1), the
// per-task BCE-with-logits losses summed, Adam.
type MMoE struct {
	params  *nn.Params
	arena   *nn.Arena
	experts [][2]*nn.Dense
	gates   []*nn.Dense
	towers  [][2]*nn.Dense
	opt     *nn.Adam

	x      *nn.Tensor
	labels []*nn.Tensor
}

// NewMMoE builds the model and one fixed batch of random inputs and 0/1
// labels from seed.
func NewMMoE(seed uint64) *MMoE {
	rng := nn.NewRNG(seed)
	ps := nn.NewParams()
	m := &MMoE{params: ps}
	for e := 0; e < MMoEExperts; e++ {
		p := "expert" + strconv.Itoa(e)
		m.experts = append(m.experts, [2]*nn.Dense{
			nn.NewDense(ps, p+"/fc0", MMoEInputs, MMoEHidden, rng),
			nn.NewDense(ps, p+"/fc1", MMoEHidden, MMoEOut, rng),
		})
	}
	for t := 0; t < MMoETasks; t++ {
		p := "task" + strconv.Itoa(t)
		m.gates = append(m.gates, nn.NewDense(ps, p+"/gate", MMoEInputs, MMoEExperts, rng))
		m.towers = append(m.towers, [2]*nn.Dense{
			nn.NewDense(ps, p+"/tower0", MMoEOut, MMoETower, rng),
			nn.NewDense(ps, p+"/tower1", MMoETower, 1, rng),
		})
	}
	m.opt = nn.NewAdam(ps.Trainable(), 1e-3)
	m.arena = nn.NewArena()
	ps.SetArena(m.arena)
	m.x = nn.Zeros(MMoEBatch, MMoEInputs)
	nn.Normal(m.x, 1, rng)
	for t := 0; t < MMoETasks; t++ {
		y := nn.Zeros(MMoEBatch, 1)
		for i := range y.Data {
			y.Data[i] = float32(rng.IntN(2))
		}
		m.labels = append(m.labels, y)
	}
	return m
}

// Loss runs the forward pass and returns the summed loss.
func (m *MMoE) Loss() *nn.Tensor {
	outs := make([]*nn.Tensor, len(m.experts))
	for e, ex := range m.experts {
		outs[e] = nn.ReLU(ex[1].Forward(nn.ReLU(ex[0].Forward(m.x))))
	}
	stacked := nn.Stack(1, outs...) // [N, E, D]
	var loss *nn.Tensor
	for t, g := range m.gates {
		w := nn.Softmax(g.Forward(m.x), 1) // [N, E]
		mixed := nn.Reshape(nn.MatMul(nn.Reshape(w, MMoEBatch, 1, MMoEExperts), stacked), MMoEBatch, MMoEOut)
		logit := m.towers[t][1].Forward(nn.ReLU(m.towers[t][0].Forward(mixed)))
		l := nn.BCEWithLogits(logit, m.labels[t])
		if loss == nil {
			loss = l
		} else {
			loss = nn.Add(loss, l)
		}
	}
	return loss
}

// Step runs one training step (zero gradients, forward, backward, Adam)
// and returns the loss before the update. The step's tensors go back to
// the model's arena at the end, so a warm step reuses their memory.
func (m *MMoE) Step() float32 {
	m.params.ZeroGrad()
	loss := m.Loss()
	nn.Backward(loss)
	m.opt.Step()
	v := loss.Item()
	m.arena.Release()
	return v
}

// Sizes of the ESPCN workload.
const (
	ESPCNBatch = 32
	ESPCNSize  = 64
	ESPCNScale = 2
)

// ESPCN is one ×2 sub-pixel super-resolution training problem (Shi et al.
// 2016): batch 32 of 1×64×64 patches, conv5×5(1→64)+tanh,
// conv3×3(64→32)+tanh, conv3×3(32→4), pixel shuffle to 1×128×128, MSE,
// Adam.
type ESPCN struct {
	params        *nn.Params
	arena         *nn.Arena
	c1, c2, c3    *nn.Conv
	opt           *nn.Adam
	input, target *nn.Tensor
}

// NewESPCN builds the model and one fixed batch of random patches and
// targets from seed.
func NewESPCN(seed uint64) *ESPCN {
	rng := nn.NewRNG(seed)
	ps := nn.NewParams()
	e := &ESPCN{
		params: ps,
		c1:     nn.NewConv(ps, "conv1", 1, 64, 5, nn.Conv2DOptions{Padding: [2]int{2, 2}}, rng),
		c2:     nn.NewConv(ps, "conv2", 64, 32, 3, nn.Conv2DOptions{Padding: [2]int{1, 1}}, rng),
		c3:     nn.NewConv(ps, "conv3", 32, ESPCNScale*ESPCNScale, 3, nn.Conv2DOptions{Padding: [2]int{1, 1}}, rng),
	}
	e.opt = nn.NewAdam(ps.Trainable(), 1e-3)
	e.arena = nn.NewArena()
	ps.SetArena(e.arena)
	e.input = uniform(rng, ESPCNBatch, 1, ESPCNSize, ESPCNSize)
	e.target = uniform(rng, ESPCNBatch, 1, ESPCNSize*ESPCNScale, ESPCNSize*ESPCNScale)
	return e
}

func uniform(rng *rand.Rand, shape ...int) *nn.Tensor {
	t := nn.Zeros(shape...)
	for i := range t.Data {
		t.Data[i] = rng.Float32()
	}
	return t
}

// Loss runs the forward pass and returns the MSE.
func (e *ESPCN) Loss() *nn.Tensor {
	h := nn.Tanh(e.c1.Forward(e.input))
	h = nn.Tanh(e.c2.Forward(h))
	h = nn.PixelShuffle(e.c3.Forward(h), ESPCNScale)
	return nn.MSE(h, e.target)
}

// Step runs one training step and returns the loss before the update,
// recycling the step's tensors through the model's arena as MMoE.Step does.
func (e *ESPCN) Step() float32 {
	e.params.ZeroGrad()
	loss := e.Loss()
	nn.Backward(loss)
	e.opt.Step()
	v := loss.Item()
	e.arena.Release()
	return v
}

// Sizes of the game network.
const (
	GameBoard    = 9
	GamePlanes   = 4
	GameChannels = 64
	GameBlocks   = 6
)

// GameNet is a small AlphaZero-style residual network for 9×9 boards:
// conv3×3(4→64)+ReLU, 6 residual blocks of two conv3×3(64→64) with ReLU
// (the second ReLU after the skip addition), a policy head conv1×1(64→1)
// giving 81 logits and a value head Dense(64·81→1)+tanh.
type GameNet struct {
	params *nn.Params
	stem   *nn.Conv
	blocks [][2]*nn.Conv
	policy *nn.Conv
	value  *nn.Dense
	rng    *rand.Rand
}

// NewGameNet builds the network from seed.
func NewGameNet(seed uint64) *GameNet {
	rng := nn.NewRNG(seed)
	ps := nn.NewParams()
	same := nn.Conv2DOptions{Padding: [2]int{1, 1}}
	g := &GameNet{
		params: ps,
		stem:   nn.NewConv(ps, "stem", GamePlanes, GameChannels, 3, same, rng),
		rng:    rng,
	}
	for b := 0; b < GameBlocks; b++ {
		p := "block" + strconv.Itoa(b)
		g.blocks = append(g.blocks, [2]*nn.Conv{
			nn.NewConv(ps, p+"/conv0", GameChannels, GameChannels, 3, same, rng),
			nn.NewConv(ps, p+"/conv1", GameChannels, GameChannels, 3, same, rng),
		})
	}
	g.policy = nn.NewConv(ps, "policy", GameChannels, 1, 1, nn.Conv2DOptions{}, rng)
	g.value = nn.NewDense(ps, "value", GameChannels*GameBoard*GameBoard, 1, rng)
	return g
}

// Input returns a random batch of input planes with 0/1 entries.
func (g *GameNet) Input(batch int) *nn.Tensor {
	x := nn.Zeros(batch, GamePlanes, GameBoard, GameBoard)
	for i := range x.Data {
		x.Data[i] = float32(g.rng.IntN(2))
	}
	return x
}

// Forward evaluates x [N, 4, 9, 9] with the autograd layers, without
// recording a graph, and returns the policy logits [N, 81] and values
// [N, 1]. Eval gives the inference path that workload (c) measures; this
// is its reference.
func (g *GameNet) Forward(x *nn.Tensor) (policy, value *nn.Tensor) {
	g.params.NoGrad(func() {
		h := nn.ReLU(g.stem.Forward(x))
		for _, b := range g.blocks {
			r := nn.ReLU(b[0].Forward(h))
			h = nn.ReLU(nn.Add(b[1].Forward(r), h))
		}
		n := x.Shape[0]
		policy = nn.Reshape(g.policy.Forward(h), n, GameBoard*GameBoard)
		value = nn.Tanh(g.value.Forward(nn.Reshape(h, n, -1)))
	})
	return policy, value
}

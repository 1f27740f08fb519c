package nnbench

import "github.com/trident-lab/trident/nn"

// GameEval is the inference form of a GameNet: a snapshot of its weights in
// nn's inference layers (nn.EvalConv, nn.EvalDense) and the working memory
// of its passes. It computes what GameNet.Forward computes, to float32
// rounding, without building tensors for a graph. It is what workload (c)
// measures.
type GameEval struct {
	stem   *nn.EvalConv
	blocks [][2]*nn.EvalConv
	policy *nn.EvalConv
	value  *nn.EvalDense
	infer  *nn.Infer
}

// Eval snapshots g's current weights for inference. Training g afterwards
// does not change the snapshot; call Eval again.
func (g *GameNet) Eval() *GameEval {
	e := &GameEval{
		stem:   nn.NewEvalConv(g.stem),
		policy: nn.NewEvalConv(g.policy),
		value:  nn.NewEvalDenseNHWC(g.value, GameChannels, GameBoard, GameBoard),
		infer:  nn.NewInfer(),
	}
	for _, b := range g.blocks {
		e.blocks = append(e.blocks, [2]*nn.EvalConv{nn.NewEvalConv(b[0]), nn.NewEvalConv(b[1])})
	}
	return e
}

// Forward evaluates x [N, 4, 9, 9] and returns the policy logits [N, 81]
// and values [N, 1]. They stay valid until the next call; a GameEval must
// not be used by two goroutines at once.
func (e *GameEval) Forward(x *nn.Tensor) (policy, value *nn.Tensor) {
	in := e.infer
	in.Reset()
	n := x.Shape[0]
	h := e.stem.Forward(in, in.ChannelsLast(x), nil, nn.ActReLU)
	for _, b := range e.blocks {
		r := b[0].Forward(in, h, nil, nn.ActReLU)
		h = b[1].Forward(in, r, h, nn.ActReLU)
	}
	policy = in.Reshape(e.policy.Forward(in, h, nil, nn.ActNone), n, GameBoard*GameBoard)
	value = e.value.Forward(in, h, nn.ActTanh)
	return policy, value
}

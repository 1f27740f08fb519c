package nn

// Arena recycles the memory of training steps. A training step computes the
// same tensors, of the same sizes, every time; without an arena each of them
// is a fresh allocation that the garbage collector has to clear and reclaim
// (tens of megabytes per step for the MMoE and ESPCN benchmarks). With one,
// the second and later steps reuse the first step's buffers.
//
// Use it like this:
//
//	arena := nn.NewArena()
//	params.SetArena(arena)
//	for step := ... {
//		params.ZeroGrad()
//		loss := model.Loss(batch)
//		nn.Backward(loss)
//		opt.Step()
//		lossValue := loss.Item() // read what you need ...
//		arena.Release()          // ... before the step's tensors go back
//	}
//
// The rule: a tensor belongs to the arena when it is the result of an
// operation that records a graph (RequiresGrad is true) and one of the
// operation's inputs requiring a gradient belongs to it or is a parameter
// attached with Params.SetArena. Such tensors — activations, losses, and the
// views Reshape makes of them — stay valid until the next Release. Release
// takes their storage back for reuse and cuts them from the graph, leaving
// them with nil Data, so that code that kept one past the end of its step
// fails on an index instead of reading a later step's numbers. To keep a
// result across steps, copy it first (Clone, or Item for a scalar).
//
// Everything else is untouched: parameters and their gradients, optimizer
// state, the inputs and targets the caller made, and every result computed
// without a graph (inside Params.NoGrad, or from tensors that require no
// gradient) are ordinary heap tensors that live as long as they are
// referenced. Views that bypass the graph, such as Detach or New on an
// arena tensor's Data, share its storage and must not outlive the step
// either.
//
// The gradients of intermediate results that Backward computes come from the
// arena too and go back to it as soon as Backward has passed them on.
//
// Buffers are matched by exact length and kept until the arena itself is
// dropped, so a loop whose shapes change (a smaller last batch of an epoch)
// holds one set of buffers for each shape it has seen.
//
// An Arena is not safe for concurrent use: one goroutine at a time may run
// operations whose results belong to it, and Release must not run while
// such an operation does.
type Arena struct {
	// free holds buffers ready for reuse, by length. Steps repeat the same
	// shapes, so exact lengths find their buffer again.
	free map[int][]*[]float32
	// held are the buffers handed to results since the last Release.
	held []*[]float32
	// owned are the results that belong to the arena since the last
	// Release.
	owned []*Tensor
	// bw is Backward's working state, kept to be reused.
	bw backwardState
}

// NewArena returns an empty arena.
func NewArena() *Arena {
	return &Arena{free: map[int][]*[]float32{}}
}

// SetArena attaches every trainable parameter of p to a (nil detaches
// them): the results of operations on them then belong to a, as described
// at Arena.
func (p *Params) SetArena(a *Arena) {
	for _, t := range p.Trainable() {
		t.arena = a
	}
}

// Release ends a step: the storage of every tensor that belongs to a goes
// back for reuse, and those tensors are left without data or graph.
func (a *Arena) Release() {
	for _, t := range a.owned {
		t.Data, t.Grad = nil, nil
		t.node, t.nodeVal = nil, node{}
	}
	clear(a.owned)
	a.owned = a.owned[:0]
	// In reverse, so that the next step, taking from the end of the free
	// lists, finds each result's buffer from the step before.
	for i := len(a.held) - 1; i >= 0; i-- {
		a.give(a.held[i])
	}
	clear(a.held)
	a.held = a.held[:0]
}

// take returns a buffer of n elements with unspecified contents.
func (a *Arena) take(n int) *[]float32 {
	list := a.free[n]
	if len(list) == 0 {
		s := make([]float32, n)
		return &s
	}
	p := list[len(list)-1]
	list[len(list)-1] = nil
	a.free[n] = list[:len(list)-1]
	return p
}

// give returns a buffer obtained from take.
func (a *Arena) give(p *[]float32) {
	a.free[len(*p)] = append(a.free[len(*p)], p)
}

// arenaOf returns the arena that the result of an operation on inputs
// belongs to: that of the first input that requires a gradient and has one.
func arenaOf(inputs ...*Tensor) *Arena {
	for _, in := range inputs {
		if in != nil && in.requiresGrad && in.arena != nil {
			return in.arena
		}
	}
	return nil
}

// result returns a tensor of the given shape (which it keeps, not copies)
// for the result of an operation on inputs: with storage from their arena
// when they have one, else from the heap. With zero unset the contents of
// arena storage are unspecified, for operations that write every element.
func result(shape []int, zero bool, inputs ...*Tensor) *Tensor {
	n := numel(shape)
	a := arenaOf(inputs...)
	if a == nil {
		return &Tensor{Shape: shape, Data: make([]float32, n)}
	}
	p := a.take(n)
	a.held = append(a.held, p)
	if zero {
		clear(*p)
	}
	return &Tensor{Shape: shape, Data: *p}
}

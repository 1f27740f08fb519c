package nn

import "fmt"

// node records how a tensor was computed: its inputs and the function that
// turns the gradient of the output into gradients of the inputs.
type node struct {
	op     string
	inputs []*Tensor
	// in holds the inputs of operations with up to three of them, so that
	// recording one needs no separate allocation for the list.
	in [3]*Tensor
	// backward adds d loss / d input into inGrads[i] for every input i whose
	// inGrads[i] is not nil, given out (the forward result) and its
	// gradient g.
	backward func(out *Tensor, g []float32, inGrads [][]float32)
}

// record attaches a node to out when any input requires a gradient. The
// result then belongs to the inputs' arena, if they have one.
func record(out *Tensor, op string, backward func(out *Tensor, g []float32, inGrads [][]float32), inputs ...*Tensor) *Tensor {
	for _, in := range inputs {
		if in != nil && in.requiresGrad {
			out.requiresGrad = true
			n := &out.nodeVal
			*n = node{op: op, backward: backward}
			if len(inputs) <= len(n.in) {
				n.inputs = append(n.in[:0], inputs...)
			} else {
				n.inputs = append([]*Tensor(nil), inputs...)
			}
			out.node = n
			if a := arenaOf(inputs...); a != nil {
				out.arena = a
				a.owned = append(a.owned, out)
			}
			return out
		}
	}
	return out
}

// Backward computes the gradient of loss, which must hold one element, with
// respect to every leaf tensor that requires a gradient and that loss depends
// on, and adds it to the leaf's Grad. Call ZeroGrad on the leaves (or
// Params.ZeroGrad) between steps.
func Backward(loss *Tensor) {
	if len(loss.Data) != 1 {
		panic(shapeErr("Backward", "loss has shape %v, want a single element", loss.Shape))
	}
	one := [1]float32{1}
	BackwardWith(loss, one[:])
}

// backwardState is the working memory of one Backward call; an arena keeps
// one to reuse, so that a warm step allocates none of it.
type backwardState struct {
	order   []*Tensor
	stack   []topoFrame
	seen    map[*Tensor]bool
	grads   map[*Tensor]*[]float32
	inGrads [][]float32
}

type topoFrame struct {
	t    *Tensor
	next int
}

// BackwardWith is Backward with an explicit gradient of out (same length as
// out.Data), for vector-Jacobian products of non-scalar outputs.
func BackwardWith(out *Tensor, grad []float32) {
	if len(grad) != len(out.Data) {
		panic(shapeErr("Backward", "gradient of %d elements for tensor of shape %v", len(grad), out.Shape))
	}
	if !out.requiresGrad {
		return
	}
	a := out.arena
	st := &backwardState{}
	if a != nil {
		st = &a.bw
	}
	if st.grads == nil {
		st.grads = map[*Tensor]*[]float32{}
		st.seen = map[*Tensor]bool{}
	}
	order := st.topoOrder(out)
	// Intermediate gradients come from the arena (or a scratch pool) and go
	// back as soon as the node they belong to has passed them on. Leaves
	// receive theirs directly in Grad: every backward function adds to its
	// input gradients, so accumulating there is the same sum.
	grads := st.grads
	first := takeGrad(a, len(grad))
	copy(*first, grad)
	grads[out] = first
	for i := len(order) - 1; i >= 0; i-- {
		t := order[i]
		gp := grads[t]
		if gp == nil {
			continue
		}
		g := *gp
		if t.node == nil {
			if t.Grad == nil {
				t.Grad = make([]float32, len(t.Data))
			}
			addTo(t.Grad, g)
		} else {
			inGrads := st.inGrads[:0]
			for _, in := range t.node.inputs {
				switch {
				case in == nil || !in.requiresGrad:
					inGrads = append(inGrads, nil)
				case in.node == nil:
					if in.Grad == nil {
						in.Grad = make([]float32, len(in.Data))
					}
					inGrads = append(inGrads, in.Grad)
				default:
					ip := grads[in]
					if ip == nil {
						ip = takeGrad(a, len(in.Data))
						clearLarge(*ip)
						grads[in] = ip
					}
					inGrads = append(inGrads, *ip)
				}
			}
			st.inGrads = inGrads
			t.node.backward(t, g, inGrads)
			clear(inGrads)
		}
		delete(grads, t) // intermediate gradients are not needed again
		giveGrad(a, gp)
	}
	clear(st.order)
	st.order = st.order[:0]
}

// clearLarge zeroes buf, spreading a large one over goroutines (the
// gradient of a convolution's output can be tens of megabytes).
func clearLarge(buf []float32) {
	if len(buf) < elementwiseMinCost {
		clear(buf)
		return
	}
	elementwise(len(buf), 1, func(lo, hi int) { clear(buf[lo:hi]) })
}

// takeGrad returns a buffer of n elements with unspecified contents, from a
// when it is not nil and from the scratch pool otherwise.
func takeGrad(a *Arena, n int) *[]float32 {
	if a != nil {
		return a.take(n)
	}
	return getScratch(n)
}

// giveGrad returns a buffer obtained from takeGrad.
func giveGrad(a *Arena, p *[]float32) {
	if a != nil {
		a.give(p)
		return
	}
	putScratch(p)
}

// topoOrder lists the tensors that out depends on and that require a
// gradient, inputs before the tensors computed from them.
func topoOrder(out *Tensor) []*Tensor {
	st := backwardState{seen: map[*Tensor]bool{}}
	return st.topoOrder(out)
}

// topoOrder is topoOrder on st's reusable memory; the result is st.order.
func (st *backwardState) topoOrder(out *Tensor) []*Tensor {
	order, seen := st.order[:0], st.seen
	stack := append(st.stack[:0], topoFrame{t: out})
	seen[out] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.node != nil && f.next < len(f.t.node.inputs) {
			in := f.t.node.inputs[f.next]
			f.next++
			if in != nil && in.requiresGrad && !seen[in] {
				seen[in] = true
				stack = append(stack, topoFrame{t: in})
			}
			continue
		}
		order = append(order, f.t)
		stack = stack[:len(stack)-1]
	}
	clear(seen)
	clear(stack[:cap(stack)])
	st.order, st.stack = order, stack[:0]
	return order
}

// GraphString describes the operations that produced t, one per line, for
// debugging.
func GraphString(t *Tensor) string {
	s := ""
	for _, n := range topoOrder(t) {
		if n.node == nil {
			s += fmt.Sprintf("leaf %v\n", n.Shape)
			continue
		}
		s += fmt.Sprintf("%s -> %v\n", n.node.op, n.Shape)
	}
	return s
}

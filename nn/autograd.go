package nn

import "fmt"

// node records how a tensor was computed: its inputs and the function that
// turns the gradient of the output into gradients of the inputs.
type node struct {
	op     string
	inputs []*Tensor
	// backward adds d loss / d input into inGrads[i] for every input i whose
	// inGrads[i] is not nil, given out (the forward result) and its
	// gradient g.
	backward func(out *Tensor, g []float32, inGrads [][]float32)
}

// record attaches a node to out when any input requires a gradient.
func record(out *Tensor, op string, backward func(out *Tensor, g []float32, inGrads [][]float32), inputs ...*Tensor) *Tensor {
	for _, in := range inputs {
		if in != nil && in.requiresGrad {
			out.requiresGrad = true
			out.node = &node{op: op, inputs: inputs, backward: backward}
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
	BackwardWith(loss, []float32{1})
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
	order := topoOrder(out)
	// Intermediate gradients come from the scratch pool and go back to it
	// as soon as the node they belong to has passed them on, so a warm
	// training step reuses the same buffers instead of allocating them.
	grads := make(map[*Tensor]*[]float32, len(order))
	first := getScratch(len(grad))
	copy(*first, grad)
	grads[out] = first
	inGrads := make([][]float32, 0, 4)
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
			inGrads = inGrads[:0]
			for _, in := range t.node.inputs {
				if in == nil || !in.requiresGrad {
					inGrads = append(inGrads, nil)
					continue
				}
				ip := grads[in]
				if ip == nil {
					ip = getScratch(len(in.Data))
					clear(*ip)
					grads[in] = ip
				}
				inGrads = append(inGrads, *ip)
			}
			t.node.backward(t, g, inGrads)
		}
		delete(grads, t) // intermediate gradients are not needed again
		putScratch(gp)
	}
}

// topoOrder lists the tensors that out depends on and that require a
// gradient, inputs before the tensors computed from them.
func topoOrder(out *Tensor) []*Tensor {
	var order []*Tensor
	seen := map[*Tensor]bool{}
	type frame struct {
		t    *Tensor
		next int
	}
	stack := []frame{{t: out}}
	seen[out] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.node != nil && f.next < len(f.t.node.inputs) {
			in := f.t.node.inputs[f.next]
			f.next++
			if in != nil && in.requiresGrad && !seen[in] {
				seen[in] = true
				stack = append(stack, frame{t: in})
			}
			continue
		}
		order = append(order, f.t)
		stack = stack[:len(stack)-1]
	}
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

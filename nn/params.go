package nn

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Params is an ordered collection of named tensors: the trainable parameters
// of a model and its non-trainable buffers (such as batch-norm running
// statistics). Names are paths like "shared/expert0/fc1/w"; a group is every
// parameter whose name starts with a prefix such as "shared/" or "task0/",
// which is how multi-task trainers pick out the shared parameters.
type Params struct {
	names   []string
	tensors map[string]*Tensor
	buffer  map[string]bool
}

// NewParams returns an empty collection.
func NewParams() *Params {
	return &Params{tensors: map[string]*Tensor{}, buffer: map[string]bool{}}
}

// Add registers t as a trainable parameter under name, marks it as requiring
// a gradient and returns it. It panics if the name is taken: two layers
// with the same name are a bug in the model's code.
func (p *Params) Add(name string, t *Tensor) *Tensor {
	p.add(name, t)
	t.requiresGrad = true
	return t
}

// AddBuffer registers t as non-trainable state saved with the model.
func (p *Params) AddBuffer(name string, t *Tensor) *Tensor {
	p.add(name, t)
	p.buffer[name] = true
	return t
}

func (p *Params) add(name string, t *Tensor) {
	if name == "" {
		panic(shapeErr("Params.Add", "empty parameter name"))
	}
	if _, dup := p.tensors[name]; dup {
		panic(shapeErr("Params.Add", "parameter %q registered twice", name))
	}
	if t.node != nil {
		panic(shapeErr("Params.Add", "parameter %q is the result of an operation, not a leaf", name))
	}
	p.names = append(p.names, name)
	p.tensors[name] = t
}

// Get returns the tensor registered under name, or nil.
func (p *Params) Get(name string) *Tensor { return p.tensors[name] }

// Names lists every name, parameters and buffers, in registration order.
func (p *Params) Names() []string { return slices.Clone(p.names) }

// IsBuffer reports whether name is a non-trainable buffer.
func (p *Params) IsBuffer(name string) bool { return p.buffer[name] }

// Trainable returns the trainable parameters in registration order.
func (p *Params) Trainable() []*Tensor { return p.Group("") }

// Group returns the trainable parameters whose names start with prefix, in
// registration order.
func (p *Params) Group(prefix string) []*Tensor {
	var out []*Tensor
	for _, n := range p.names {
		if !p.buffer[n] && strings.HasPrefix(n, prefix) {
			out = append(out, p.tensors[n])
		}
	}
	return out
}

// GroupNames returns the names of the trainable parameters in a group.
func (p *Params) GroupNames(prefix string) []string {
	var out []string
	for _, n := range p.names {
		if !p.buffer[n] && strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// Count returns the number of trainable scalar parameters.
func (p *Params) Count() int {
	n := 0
	for _, t := range p.Trainable() {
		n += len(t.Data)
	}
	return n
}

// ZeroGrad clears the gradients of every trainable parameter.
func (p *Params) ZeroGrad() { ZeroGrads(p.Trainable()) }

// ZeroGrads clears the gradients of ts.
func ZeroGrads(ts []*Tensor) {
	for _, t := range ts {
		t.ZeroGrad()
	}
}

// FlatGrad concatenates the gradients of ts into one vector (zeros for a
// tensor that has received no gradient). Multi-task gradient methods work on
// these vectors.
func FlatGrad(ts []*Tensor) []float32 {
	n := 0
	for _, t := range ts {
		n += len(t.Data)
	}
	out := make([]float32, 0, n)
	for _, t := range ts {
		if t.Grad == nil {
			out = append(out, make([]float32, len(t.Data))...)
			continue
		}
		out = append(out, t.Grad...)
	}
	return out
}

// SetFlatGrad writes a vector laid out as FlatGrad's result back into the
// gradients of ts.
func SetFlatGrad(ts []*Tensor, g []float32) error {
	n := 0
	for _, t := range ts {
		n += len(t.Data)
	}
	if len(g) != n {
		return fmt.Errorf("nn: SetFlatGrad: vector of %d values for %d parameters", len(g), n)
	}
	for _, t := range ts {
		if t.Grad == nil {
			t.Grad = make([]float32, len(t.Data))
		}
		copy(t.Grad, g[:len(t.Data)])
		g = g[len(t.Data):]
	}
	return nil
}

// GradNorm returns the Euclidean norm of the gradients of ts taken together.
func GradNorm(ts []*Tensor) float64 {
	var s float64
	for _, t := range ts {
		for _, g := range t.Grad {
			s += float64(g) * float64(g)
		}
	}
	return math.Sqrt(s)
}

// ClipGradNorm scales the gradients of ts so that their joint norm is at
// most maxNorm, and returns the norm before clipping (as PyTorch's
// clip_grad_norm_ does).
func ClipGradNorm(ts []*Tensor, maxNorm float64) float64 {
	norm := GradNorm(ts)
	if norm > maxNorm && norm > 0 {
		s := float32(maxNorm / (norm + 1e-6))
		for _, t := range ts {
			for i := range t.Grad {
				t.Grad[i] *= s
			}
		}
	}
	return norm
}

// FlatParams concatenates the values of ts into one vector.
func FlatParams(ts []*Tensor) []float32 {
	var out []float32
	for _, t := range ts {
		out = append(out, t.Data...)
	}
	return out
}

// NoGrad runs f with gradient recording switched off for the trainable
// parameters of p, so that inference builds no graph, and restores them
// afterwards. It must not run concurrently with training on the same
// parameters.
func (p *Params) NoGrad(f func()) {
	ts := p.Trainable()
	for _, t := range ts {
		t.requiresGrad = false
	}
	defer func() {
		for _, t := range ts {
			t.requiresGrad = true
		}
	}()
	f()
}

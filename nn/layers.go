package nn

import (
	"math/rand/v2"
	"strconv"
)

// Dense is a fully connected layer y = x·W + b with W of shape [in, out].
type Dense struct {
	W, B *Tensor
}

// NewDense registers "<name>/w" (Xavier-uniform) and "<name>/b" (zeros) in
// ps and returns the layer.
func NewDense(ps *Params, name string, in, out int, rng *rand.Rand) *Dense {
	w := Zeros(in, out)
	XavierUniform(w, rng)
	return &Dense{
		W: ps.Add(name+"/w", w),
		B: ps.Add(name+"/b", Zeros(out)),
	}
}

// Forward applies the layer to x of shape [N, in].
func (d *Dense) Forward(x *Tensor) *Tensor {
	if x.Dims() != 2 || x.Shape[1] != d.W.Shape[0] {
		panic(shapeErr("Dense", "input %v for weight %v, want [N, %d]", x.Shape, d.W.Shape, d.W.Shape[0]))
	}
	return Linear(x, d.W, d.B)
}

// Embedding maps category ids to learned vectors: a table of shape
// [vocab, dim].
type Embedding struct {
	Table *Tensor
}

// NewEmbedding registers "<name>/table", initialized from N(0, 0.01²) as is
// common for recommender embeddings, and returns the layer.
func NewEmbedding(ps *Params, name string, vocab, dim int, rng *rand.Rand) *Embedding {
	t := Zeros(vocab, dim)
	Normal(t, 0.01, rng)
	return &Embedding{Table: ps.Add(name+"/table", t)}
}

// Forward looks up the ids, returning [len(ids), dim].
func (e *Embedding) Forward(ids []int) *Tensor { return Gather(e.Table, ids) }

// MLP is a stack of Dense layers with an activation between them (and none
// after the last).
type MLP struct {
	Layers     []*Dense
	Activation func(*Tensor) *Tensor
}

// NewMLP builds Dense layers of the given sizes (sizes[0] inputs, then the
// width of each layer) named "<name>/fc0", "<name>/fc1", ..., with act
// between layers (ReLU when act is nil).
func NewMLP(ps *Params, name string, sizes []int, act func(*Tensor) *Tensor, rng *rand.Rand) *MLP {
	if act == nil {
		act = ReLU
	}
	m := &MLP{Activation: act}
	for i := 0; i+1 < len(sizes); i++ {
		m.Layers = append(m.Layers, NewDense(ps, name+"/fc"+strconv.Itoa(i), sizes[i], sizes[i+1], rng))
	}
	return m
}

// Forward applies the layers in turn.
func (m *MLP) Forward(x *Tensor) *Tensor {
	for i, l := range m.Layers {
		x = l.Forward(x)
		if i+1 < len(m.Layers) {
			x = m.Activation(x)
		}
	}
	return x
}

package nn

import (
	"fmt"
	"math"
	"slices"
)

// Optimizer updates parameters from their accumulated gradients.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step()
	// SetLR sets the learning rate used by the next Step.
	SetLR(lr float64)
	// LR reports the current learning rate.
	LR() float64
}

// SGD is stochastic gradient descent with optional momentum (heavy ball or
// Nesterov) and L2 weight decay, following PyTorch's torch.optim.SGD.
type SGD struct {
	Params      []*Tensor
	Rate        float64
	Momentum    float64
	Nesterov    bool
	WeightDecay float64

	velocity [][]float32
}

// NewSGD returns plain SGD over params with learning rate lr.
func NewSGD(params []*Tensor, lr float64) *SGD { return &SGD{Params: params, Rate: lr} }

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.Rate = lr }

// LR reports the learning rate.
func (o *SGD) LR() float64 { return o.Rate }

// Step applies one update.
func (o *SGD) Step() {
	if o.velocity == nil {
		o.velocity = make([][]float32, len(o.Params))
	}
	lr, mu, wd := float32(o.Rate), float32(o.Momentum), float32(o.WeightDecay)
	for k, p := range o.Params {
		if p.Grad == nil {
			continue
		}
		if o.Momentum != 0 && o.velocity[k] == nil {
			o.velocity[k] = make([]float32, len(p.Data))
		}
		v := o.velocity[k]
		for i, g := range p.Grad {
			g += wd * p.Data[i]
			if mu != 0 {
				v[i] = mu*v[i] + g
				if o.Nesterov {
					g += mu * v[i]
				} else {
					g = v[i]
				}
			}
			p.Data[i] -= lr * g
		}
	}
}

// Adam is the optimizer of Kingma and Ba (2015) with bias correction.
// WeightDecay adds an L2 term to the gradient (torch.optim.Adam); with
// Decoupled set it decays the weights directly instead (AdamW, Loshchilov and
// Hutter 2019).
type Adam struct {
	Params       []*Tensor
	Rate         float64
	Beta1, Beta2 float64
	Eps          float64
	WeightDecay  float64
	Decoupled    bool

	t    int
	m, v [][]float32
	// offsets[k] is where parameter k starts in the parameters laid end to
	// end, the index space Step splits among goroutines.
	offsets []int
}

// NewAdam returns Adam with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8).
func NewAdam(params []*Tensor, lr float64) *Adam {
	return &Adam{Params: params, Rate: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// NewAdamW returns AdamW with PyTorch's defaults (weight decay 0.01).
func NewAdamW(params []*Tensor, lr float64) *Adam {
	o := NewAdam(params, lr)
	o.WeightDecay, o.Decoupled = 0.01, true
	return o
}

// SetLR sets the learning rate.
func (o *Adam) SetLR(lr float64) { o.Rate = lr }

// LR reports the learning rate.
func (o *Adam) LR() float64 { return o.Rate }

// Steps reports how many updates have been applied.
func (o *Adam) Steps() int { return o.t }

// Step applies one update. The parameters' elements are independent, so
// they are updated in blocks spread over goroutines; every element sees the
// same arithmetic as on one goroutine.
func (o *Adam) Step() {
	if o.m == nil {
		o.m = make([][]float32, len(o.Params))
		o.v = make([][]float32, len(o.Params))
	}
	if len(o.offsets) != len(o.Params)+1 {
		o.offsets = make([]int, len(o.Params)+1)
	}
	for k, p := range o.Params {
		o.offsets[k+1] = o.offsets[k] + len(p.Data)
		if p.Grad != nil && o.m[k] == nil {
			o.m[k] = make([]float32, len(p.Data))
			o.v[k] = make([]float32, len(p.Data))
		}
	}
	o.t++
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	u := adamUpdate{
		b1: b1, c1: 1 - b1, b2: b2, c2: 1 - b2,
		stepSize: float32(o.Rate / (1 - math.Pow(o.Beta1, float64(o.t)))),
		sqrtC2:   float32(math.Sqrt(1 - math.Pow(o.Beta2, float64(o.t)))),
		eps:      float32(o.Eps),
		decay:    1,
	}
	if o.Decoupled {
		u.decay = 1 - float32(o.Rate*o.WeightDecay)
	} else {
		u.wd = float32(o.WeightDecay)
	}
	total := o.offsets[len(o.Params)]
	elementwise(total, 16, func(lo, hi int) {
		k, _ := slices.BinarySearch(o.offsets, lo+1)
		for k--; k < len(o.Params) && o.offsets[k] < hi; k++ {
			p := o.Params[k]
			if p.Grad == nil {
				continue
			}
			a, b := max(lo, o.offsets[k])-o.offsets[k], min(hi, o.offsets[k+1])-o.offsets[k]
			u.apply(p.Data[a:b], p.Grad[a:b], o.m[k][a:b], o.v[k][a:b])
		}
	})
}

// adamUpdate holds the constants of one Adam step. Its layout is read by
// adam_amd64.s.
type adamUpdate struct {
	b1, c1, b2, c2 float32 // c1 = 1 − b1, c2 = 1 − b2
	stepSize       float32
	sqrtC2         float32
	eps            float32
	wd             float32 // L2 weight decay added to the gradient
	decay          float32 // factor of decoupled weight decay (1 for none)
}

// applyGo updates the parameter values x with gradients g and moments m, v.
// Every product is converted to float32 explicitly so that the compiler
// does not fuse it into a multiply-add: the vector version must give the
// same bits whichever way a block is split.
func (u *adamUpdate) applyGo(x, g, m, v []float32) {
	g, m, v = g[:len(x)], m[:len(x)], v[:len(x)]
	for i, gi := range g {
		xi := x[i] * u.decay
		gi += float32(u.wd * xi)
		mi := float32(u.b1*m[i]) + float32(u.c1*gi)
		vi := float32(u.b2*v[i]) + float32(float32(u.c2*gi)*gi)
		m[i], v[i] = mi, vi
		denom := float32(math.Sqrt(float64(vi)))/u.sqrtC2 + u.eps
		x[i] = xi - float32(u.stepSize*mi)/denom
	}
}

// State returns the optimizer's moment estimates as named tensors (for
// checkpoints that resume training), prefixed with prefix, and the step count.
func (o *Adam) State(names []string, prefix string) (map[string]*Tensor, int, error) {
	if len(names) != len(o.Params) {
		return nil, 0, fmt.Errorf("nn: Adam.State: %d names for %d parameters", len(names), len(o.Params))
	}
	out := map[string]*Tensor{}
	for k, p := range o.Params {
		if o.m == nil || o.m[k] == nil {
			continue
		}
		out[prefix+names[k]+"/adam_m"] = New(o.m[k], p.Shape...)
		out[prefix+names[k]+"/adam_v"] = New(o.v[k], p.Shape...)
	}
	return out, o.t, nil
}

// SetState restores moments saved by State.
func (o *Adam) SetState(names []string, prefix string, state map[string]*Tensor, steps int) error {
	if len(names) != len(o.Params) {
		return fmt.Errorf("nn: Adam.SetState: %d names for %d parameters", len(names), len(o.Params))
	}
	o.m = make([][]float32, len(o.Params))
	o.v = make([][]float32, len(o.Params))
	for k, p := range o.Params {
		m, v := state[prefix+names[k]+"/adam_m"], state[prefix+names[k]+"/adam_v"]
		if m == nil || v == nil {
			continue
		}
		if len(m.Data) != len(p.Data) || len(v.Data) != len(p.Data) {
			return fmt.Errorf("nn: Adam.SetState: moments of %q have %d and %d values, parameter has %d", names[k], len(m.Data), len(v.Data), len(p.Data))
		}
		o.m[k] = append([]float32(nil), m.Data...)
		o.v[k] = append([]float32(nil), v.Data...)
	}
	o.t = steps
	return nil
}

package nn

import "math/rand/v2"

// Conv is a 2-D convolution layer over NCHW images with weight
// [out, in/groups, k, k] and bias [out].
type Conv struct {
	W, B *Tensor
	Opt  Conv2DOptions
}

// NewConv registers "<name>/w" (He-uniform, for ReLU networks) and
// "<name>/b" (zeros) for a k×k convolution from in to out channels, and
// returns the layer. opt.Groups must divide in and out.
func NewConv(ps *Params, name string, in, out, k int, opt Conv2DOptions, rng *rand.Rand) *Conv {
	groups := max(opt.Groups, 1)
	if in%groups != 0 || out%groups != 0 {
		panic(shapeErr("NewConv", "%d groups do not divide %d input and %d output channels", groups, in, out))
	}
	w := Zeros(out, in/groups, k, k)
	HeUniform(w, rng)
	return &Conv{W: ps.Add(name+"/w", w), B: ps.Add(name+"/b", Zeros(out)), Opt: opt}
}

// Forward applies the convolution to x [N, in, H, W].
func (c *Conv) Forward(x *Tensor) *Tensor { return Conv2D(x, c.W, c.B, c.Opt) }

// BatchNormLayer holds the affine parameters and running statistics of a
// batch normalization over the channels (axis 1) of its input.
type BatchNormLayer struct {
	Gamma, Beta             *Tensor
	RunningMean, RunningVar *Tensor
	Momentum, Eps           float32
}

// NewBatchNorm registers "<name>/gamma" (ones), "<name>/beta" (zeros) and the
// buffers "<name>/running_mean" and "<name>/running_var", with PyTorch's
// momentum 0.1 and eps 1e-5.
func NewBatchNorm(ps *Params, name string, channels int) *BatchNormLayer {
	return &BatchNormLayer{
		Gamma:       ps.Add(name+"/gamma", Full(1, channels)),
		Beta:        ps.Add(name+"/beta", Zeros(channels)),
		RunningMean: ps.AddBuffer(name+"/running_mean", Zeros(channels)),
		RunningVar:  ps.AddBuffer(name+"/running_var", Full(1, channels)),
		Momentum:    0.1,
		Eps:         1e-5,
	}
}

// Forward normalizes x with batch statistics when train is set (updating the
// running statistics) and with the running statistics otherwise.
func (b *BatchNormLayer) Forward(x *Tensor, train bool) *Tensor {
	return BatchNorm(x, b.Gamma, b.Beta, b.RunningMean, b.RunningVar, train, b.Momentum, b.Eps)
}

// LayerNormLayer normalizes over the trailing dimensions given by the shape
// of its affine parameters.
type LayerNormLayer struct {
	Gamma, Beta *Tensor
	Eps         float32
}

// NewLayerNorm registers "<name>/gamma" (ones) and "<name>/beta" (zeros) of
// the given trailing shape, with eps 1e-5.
func NewLayerNorm(ps *Params, name string, shape ...int) *LayerNormLayer {
	return &LayerNormLayer{
		Gamma: ps.Add(name+"/gamma", Full(1, shape...)),
		Beta:  ps.Add(name+"/beta", Zeros(shape...)),
		Eps:   1e-5,
	}
}

// Forward normalizes x over its trailing dimensions.
func (l *LayerNormLayer) Forward(x *Tensor) *Tensor {
	return LayerNormOp(x, l.Gamma, l.Beta, l.Gamma.Dims(), l.Eps)
}

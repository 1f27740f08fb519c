// Package nn is Trident's neural engine: float32 tensors, reverse-mode
// automatic differentiation, layers, losses, optimizers and safetensors
// checkpoints. Every trainer in Trident (multi-task models, learned
// super-sampling, game networks) is built on it.
//
// # Tensors and the graph
//
// A Tensor is a row-major float32 array with a shape. Operations are plain
// functions (Add, MatMul, Conv2D, ...) that return new tensors. When any
// input requires a gradient, the result remembers its inputs and how to push
// a gradient back through the operation: the computation builds its own
// graph as it runs (define-by-run, as in PyTorch). Backward(loss) walks that
// graph in reverse topological order and accumulates d loss / d leaf into the
// Grad of every leaf tensor that requires a gradient (the parameters).
// Gradients of intermediate results live only inside one Backward call, so
// a trainer may call Backward several times on different losses that share a
// graph — one per task, for multi-task gradient methods — and read, replace
// or combine the parameter gradients between calls. When no input requires
// a gradient nothing is recorded, which makes inference cheap.
//
// # Memory
//
// A training step computes the same tensors every time. Attaching an Arena
// to the parameters (Params.SetArena) lets the step's results and gradient
// buffers be reused by the next step once Arena.Release has ended it;
// see Arena for which tensors that covers and how long they stay valid.
// Without an arena every result is an ordinary heap allocation.
//
// # Inference
//
// Evaluating a trained network many times (a game search asking for one
// position at a time) has its own path: NewEvalConv and NewEvalDense
// snapshot layers into packed, channels-last form (3×3 convolutions by
// Winograd's algorithm), their Forward methods fuse the bias, a residual
// and the activation, and an Infer hands the same output buffers out again
// on every pass. The results equal the autograd layers' to float32
// rounding.
//
// # Errors
//
// Operations panic with a *ShapeError when shapes do not fit, naming the
// operation and the shapes, as slice indexing panics on a bad index: a shape
// mismatch is a bug in the model's code. Code that builds models from
// user-supplied configuration wraps the construction and the first forward
// pass in Try, which turns such a panic into an error.
//
// # Layout
//
// Images are NCHW (the inference layers take NHWC; see Infer.ChannelsLast).
// Matrices are [rows, cols]. Linear layers compute
// x·W + b with W of shape [in, out].
package nn

import (
	"fmt"
	"math"
	"strings"
)

// Tensor is an n-dimensional float32 array in row-major order.
type Tensor struct {
	// Shape holds the size of each dimension; a scalar has an empty shape.
	Shape []int
	// Data holds the elements, len(Data) == product of Shape.
	Data []float32
	// Grad accumulates the gradient of the losses passed to Backward with
	// respect to this tensor. It is set only on leaves that require a
	// gradient, and is nil until the first Backward that reaches them.
	Grad []float32

	requiresGrad bool
	// node is how the tensor was computed (nil for a leaf); it points at
	// nodeVal, which saves recording a separate allocation.
	node    *node
	nodeVal node
	// arena owns the tensor's storage until its next Release (for a
	// result), or receives the results computed from it (for a leaf).
	arena *Arena
}

// New returns a tensor with the given shape that uses data as its storage.
// It panics with a *ShapeError if len(data) does not match the shape.
func New(data []float32, shape ...int) *Tensor {
	n := checkShape("New", shape)
	if len(data) != n {
		panic(&ShapeError{Op: "New", Msg: fmt.Sprintf("%d values for shape %v (%d elements)", len(data), shape, n)})
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Zeros returns a tensor of zeros with the given shape.
func Zeros(shape ...int) *Tensor {
	n := checkShape("Zeros", shape)
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// Full returns a tensor with every element set to v.
func Full(v float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// Scalar returns a 0-dimensional tensor holding v.
func Scalar(v float32) *Tensor { return &Tensor{Shape: []int{}, Data: []float32{v}} }

// Param returns a leaf tensor that requires a gradient, holding data.
func Param(data []float32, shape ...int) *Tensor {
	t := New(data, shape...)
	t.requiresGrad = true
	return t
}

// RequiresGrad reports whether gradients flow to or through t.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad marks a leaf tensor as needing a gradient (or not). It
// panics when called on the result of an operation.
func (t *Tensor) SetRequiresGrad(b bool) {
	if t.node != nil {
		panic(&ShapeError{Op: "SetRequiresGrad", Msg: "called on the result of an operation, not a leaf"})
	}
	t.requiresGrad = b
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// Dims returns the number of dimensions.
func (t *Tensor) Dims() int { return len(t.Shape) }

// Item returns the only element of a one-element tensor.
func (t *Tensor) Item() float32 {
	if len(t.Data) != 1 {
		panic(&ShapeError{Op: "Item", Msg: fmt.Sprintf("tensor of shape %v has %d elements, want 1", t.Shape, len(t.Data))})
	}
	return t.Data[0]
}

// Detach returns a tensor sharing t's data but cut from the graph: no
// gradient flows through it.
func (t *Tensor) Detach() *Tensor {
	return &Tensor{Shape: t.Shape, Data: t.Data}
}

// Clone returns a deep copy of t's shape and data, cut from the graph.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// ZeroGrad clears the accumulated gradient.
func (t *Tensor) ZeroGrad() { clear(t.Grad) }

// String formats the shape and, for small tensors, the values.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v", t.Shape)
	if len(t.Data) <= 16 {
		fmt.Fprintf(&b, "%v", t.Data)
	}
	return b.String()
}

// HasNaN reports whether any element is NaN or infinite.
func (t *Tensor) HasNaN() bool {
	for _, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return true
		}
	}
	return false
}

// ShapeError reports tensors whose shapes do not fit an operation.
type ShapeError struct {
	Op  string
	Msg string
}

func (e *ShapeError) Error() string { return "nn: " + e.Op + ": " + e.Msg }

func shapeErr(op string, format string, args ...any) *ShapeError {
	return &ShapeError{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// Try runs f and returns the *ShapeError it panics with, if any, as an
// error. Other panics propagate.
func Try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if se, ok := r.(*ShapeError); ok {
				err = se
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// checkShape validates dimensions and returns the element count.
func checkShape(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(shapeErr(op, "negative dimension in shape %v", shape))
		}
		if d != 0 && n > math.MaxInt32/d {
			panic(shapeErr(op, "shape %v has too many elements", shape))
		}
		n *= d
	}
	return n
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// normAxis turns a possibly negative axis into an index below dims.
func normAxis(op string, axis, dims int) int {
	if axis < 0 {
		axis += dims
	}
	if axis < 0 || axis >= dims {
		panic(shapeErr(op, "axis %d out of range for %d dimensions", axis, dims))
	}
	return axis
}

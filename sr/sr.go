// Package sr is Trident's learned single-image super resolution: small
// convolutional networks that enlarge a luma plane by an integer factor with
// a sub-pixel convolution (PixelShuffle, Shi et al. 2016) at their end, and
// the pretrained weights shipped with Trident.
//
// The networks work on the luma Y' = 0.299R' + 0.587G' + 0.114B' of
// sRGB-encoded values, as the SR literature does, and predict only the
// residual between the true high-resolution luma and its bicubic
// (Catmull-Rom) enlargement: the caller adds that residual to a bicubic
// enlargement of the image. Adding the same residual to R', G' and B'
// changes Y' by exactly the residual and leaves the colour differences
// R'−Y' and B'−Y' as bicubic made them, i.e. chroma is upscaled by bicubic.
//
// Two families of shapes exist ([Shapes]). FSRCNN (Dong et al. 2016), with
// d features, s shrunk, m mapping layers and LeakyReLU 0.1 after every layer
// but the last:
//
//	feat   5×5 conv 1→d
//	shrink 1×1 conv d→s
//	map_i  3×3 conv s→s (m of them)
//	expand 1×1 conv s→d
//	out    3×3 conv d→r², then PixelShuffle(r)
//
// in the small FSRCNN-s-like (d, s, m) = (32, 12, 3) and the paper's
// FSRCNN(56, 12, 4), here with a 3×3 sub-pixel output layer in place of its
// 9×9 deconvolution; and a plain chain of 3×3 convolutions of d channels
// with ReLU after every layer but the last, the structure of the mobile
// real-time networks (ESPCN, ECBSR's inference form):
//
//	head   3×3 conv 1→d
//	body_i 3×3 conv d→d (m of them)
//	out    3×3 conv d→r², then PixelShuffle(r)
//
// The chain runs on nn's inference path (channels-last, Winograd 3×3
// layers), which is many times faster per multiply-add than FSRCNN's thin
// 1×1 and 12-channel layers on the autograd path, so its 7.6 times the
// multiply-adds of FSRCNN(56, 12, 4) take less time. Checkpoints name
// their shape in their metadata, so each shipped scale may use any.
//
// Every convolution is zero-padded to keep its size, so the networks are
// fully convolutional; [Net.Residual] runs them on overlapping tiles whose
// margins exceed the receptive field, with edge pixels repeated outside the
// image, so results do not depend on the tiling.
//
// The shipped weights (sr/weights/x2.safetensors, ...) were trained with
// `trident sr train`; the exact commands are in sr/weights/README.md.
package sr

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/safetensors"
)

// Names of the two shapes in checkpoint metadata ("arch"), so that a file
// for another network is refused with a clear error.
const (
	ArchSmall = "fsrcnn-s-residual-v1"
	ArchLarge = "fsrcnn-residual-v2"
	ArchPlain = "plain-c32-m8-residual-v1"
)

// Shape is one size of the network: its name, whether it is the plain
// chain, and FSRCNN's d, s and m (for the chain: its width d and number of
// body layers m; s is unused).
type Shape struct {
	Arch     string
	Plain    bool
	Features int // d
	Shrunk   int // s
	Mapping  int // m
}

// Shapes lists the network sizes, FSRCNN small first, then the chain.
func Shapes() []Shape {
	return []Shape{
		{Arch: ArchSmall, Features: 32, Shrunk: 12, Mapping: 3},
		{Arch: ArchLarge, Features: 56, Shrunk: 12, Mapping: 4},
		{Arch: ArchPlain, Plain: true, Features: 32, Mapping: 8},
	}
}

// ShapeOf returns the shape called arch.
func ShapeOf(arch string) (Shape, error) {
	for _, s := range Shapes() {
		if s.Arch == arch {
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("sr: unknown architecture %q (have %s)", arch, archNames())
}

func archNames() string {
	var names []string
	for _, s := range Shapes() {
		names = append(names, s.Arch)
	}
	return strings.Join(names, ", ")
}

// Radius is the receptive-field radius of the network in input pixels:
// for FSRCNN 2 (5×5) + Mapping (3×3 each) + 1 (final 3×3), for the chain
// one per 3×3 layer.
func (s Shape) Radius() int {
	if s.Plain {
		return 1 + s.Mapping + 1
	}
	return 2 + s.Mapping + 1
}

// MaxScale is the largest enlargement a network may be built for.
const MaxScale = 4

const slope = 0.1 // LeakyReLU

// Net is the super-resolution network for one scale.
type Net struct {
	Scale  int
	Shape  Shape
	Params *nn.Params
	convs  []*nn.Conv
}

// New builds a network of the shape named arch for scale (2..MaxScale)
// with weights initialised from rng.
func New(scale int, arch string, rng *rand.Rand) (*Net, error) {
	if scale < 2 || scale > MaxScale {
		return nil, fmt.Errorf("sr: scale %d is not supported (integer scales 2 to %d)", scale, MaxScale)
	}
	sh, err := ShapeOf(arch)
	if err != nil {
		return nil, err
	}
	ps := nn.NewParams()
	pad := func(k int) nn.Conv2DOptions { return nn.Conv2DOptions{Padding: [2]int{k / 2, k / 2}} }
	n := &Net{Scale: scale, Shape: sh, Params: ps}
	if sh.Plain {
		n.convs = append(n.convs, nn.NewConv(ps, "head", 1, sh.Features, 3, pad(3), rng))
		for i := 0; i < sh.Mapping; i++ {
			n.convs = append(n.convs, nn.NewConv(ps, fmt.Sprintf("body%d", i), sh.Features, sh.Features, 3, pad(3), rng))
		}
		n.convs = append(n.convs, nn.NewConv(ps, "out", sh.Features, scale*scale, 3, pad(3), rng))
		n.quietLast()
		return n, nil
	}
	n.convs = append(n.convs,
		nn.NewConv(ps, "feat", 1, sh.Features, 5, pad(5), rng),
		nn.NewConv(ps, "shrink", sh.Features, sh.Shrunk, 1, pad(1), rng))
	for i := 0; i < sh.Mapping; i++ {
		n.convs = append(n.convs, nn.NewConv(ps, fmt.Sprintf("map%d", i), sh.Shrunk, sh.Shrunk, 3, pad(3), rng))
	}
	n.convs = append(n.convs,
		nn.NewConv(ps, "expand", sh.Shrunk, sh.Features, 1, pad(1), rng),
		nn.NewConv(ps, "out", sh.Features, scale*scale, 3, pad(3), rng))
	n.quietLast()
	return n, nil
}

// quietLast scales the last layer's initial weights down, which starts the
// network near "residual = 0", i.e. at bicubic, where training should begin.
func (n *Net) quietLast() {
	for i := range n.convs[len(n.convs)-1].W.Data {
		n.convs[len(n.convs)-1].W.Data[i] *= 0.1
	}
}

// Forward maps luma x [N, 1, H, W] (sRGB-encoded, in [0,1]) to the residual
// [N, 1, H·r, W·r] to add to its bicubic enlargement.
func (n *Net) Forward(x *nn.Tensor) *nn.Tensor {
	h := nn.AddScalar(x, -0.5) // centre the input so zero padding is mid-grey
	last := len(n.convs) - 1
	for i, c := range n.convs {
		h = c.Forward(h)
		switch {
		case i == last:
		case n.Shape.Plain:
			h = nn.ReLU(h)
		default:
			h = nn.LeakyReLU(h, slope)
		}
	}
	return nn.PixelShuffle(h, n.Scale)
}

// infer computes Forward's values for inference. nn's LeakyReLU builds a
// new tensor through a per-element closure and keeps what its backward
// pass needs, a third of the time of a 960×540 enlargement; no gradient is
// ever taken here, so the activation is applied in place instead, with the
// same arithmetic.
func (n *Net) infer(x *nn.Tensor) *nn.Tensor {
	h := nn.AddScalar(x, -0.5)
	last := len(n.convs) - 1
	for i, c := range n.convs {
		h = c.Forward(h)
		if i < last {
			for k, v := range h.Data {
				if !(v > 0) {
					h.Data[k] = slope * v
				}
			}
		}
	}
	return nn.PixelShuffle(h, n.Scale)
}

// Meta is the checkpoint metadata that identifies the network.
func (n *Net) Meta() map[string]string { return nn.NetMeta(n.Shape.Arch, n.Scale) }

// CheckMeta verifies that checkpoint metadata describes a network of this
// architecture and scale; name is the file, for the message.
func (n *Net) CheckMeta(name string, meta map[string]string) error {
	if err := nn.CheckNetMeta(name, meta, n.Shape.Arch, n.Scale); err != nil {
		return fmt.Errorf("sr: %w", err)
	}
	return nil
}

// Load reads weights for a network of the given scale from a safetensors
// file (a checkpoint of `trident sr train` or an exported weights file),
// whose metadata names its shape.
func Load(path string, scale int) (*Net, error) {
	h, err := safetensors.ReadHeader(path)
	if err != nil {
		return nil, fmt.Errorf("sr: %w", err)
	}
	n, err := newFor(path, h.Metadata, scale)
	if err != nil {
		return nil, err
	}
	if err := nn.LoadNetFile(path, n.Params, n.Shape.Arch, scale); err != nil {
		return nil, fmt.Errorf("sr: %w", err)
	}
	return n, nil
}

// LoadFile reads a weights file written by `trident sr train` (or a
// checkpoint) for the scale its metadata names.
func LoadFile(path string) (*Net, error) {
	h, err := safetensors.ReadHeader(path)
	if err != nil {
		return nil, fmt.Errorf("sr: %w", err)
	}
	s, err := strconv.Atoi(h.Metadata["scale"])
	if err != nil || s < 2 || s > MaxScale {
		return nil, fmt.Errorf("sr: %s: metadata scale %q is not an integer from 2 to %d", path, h.Metadata["scale"], MaxScale)
	}
	return Load(path, s)
}

// shipped holds the default network of each scale; other files in weights/
// (x2-bicubic.safetensors) are read by path with Load or LoadFile.
//
//go:embed weights/x?.safetensors
var shipped embed.FS

// ErrNoWeights reports that no pretrained network is shipped for a scale.
var ErrNoWeights = errors.New("no shipped weights")

// ShippedScales lists the scales that have pretrained weights in the binary.
func ShippedScales() []int {
	var out []int
	for s := 2; s <= MaxScale; s++ {
		if _, err := fs.Stat(shipped, weightsName(s)); err == nil {
			out = append(out, s)
		}
	}
	return out
}

func weightsName(scale int) string { return fmt.Sprintf("weights/x%d.safetensors", scale) }

// Pretrained returns the shipped network for scale. It wraps ErrNoWeights
// when none is shipped.
func Pretrained(scale int) (*Net, error) {
	if scale < 2 || scale > MaxScale {
		return nil, fmt.Errorf("sr: scale %d is not supported (integer scales 2 to %d)", scale, MaxScale)
	}
	name := weightsName(scale)
	data, err := shipped.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("sr: scale %d: %w (have %v)", scale, ErrNoWeights, ShippedScales())
	}
	return decode(name, data, scale)
}

// decode builds the network that a safetensors image held in memory
// describes and loads its weights.
func decode(name string, data []byte, scale int) (*Net, error) {
	f, err := safetensors.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("sr: %s: %w", name, err)
	}
	n, err := newFor(name, f.Metadata, scale)
	if err != nil {
		return nil, err
	}
	if err := nn.LoadNet(name, f, n.Params, n.Shape.Arch, scale); err != nil {
		return nil, fmt.Errorf("sr: %w", err)
	}
	return n, nil
}

// newFor builds a network of the shape that checkpoint metadata names;
// name is the file, for the message.
func newFor(name string, meta map[string]string, scale int) (*Net, error) {
	arch := meta[nn.MetaArch]
	if _, err := ShapeOf(arch); err != nil {
		return nil, fmt.Errorf("sr: %s: architecture %q, want one of %s", name, arch, archNames())
	}
	return New(scale, arch, nn.NewRNG(0))
}

// tile is the side of the input tiles Residual processes one at a time,
// which bounds memory (about 6 MB of activations per tile for FSRCNN, two
// 10 MB buffers for the chain) for any image.
const tile = 192

// Residual returns the residual, a (w·r)×(h·r) plane, to add to the bicubic
// enlargement of the w×h luma plane y. The image is processed in tiles with
// margins of Shape.Radius()+2 pixels, edge pixels repeated outside the
// image; each tile's convolutions run on GOMAXPROCS goroutines.
func (n *Net) Residual(ctx context.Context, y []float32, w, h int) ([]float32, error) {
	if w < 1 || h < 1 || len(y) != w*h {
		return nil, fmt.Errorf("sr: luma plane of %d values for a %dx%d image", len(y), w, h)
	}
	r := n.Scale
	m := n.Shape.Radius() + 2
	ow := w * r
	out := make([]float32, ow*h*r)
	infer := n.infer
	if n.Shape.Plain {
		infer = n.newChain().residual
	}
	for ty := 0; ty < h; ty += tile {
		for tx := 0; tx < w; tx += tile {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tw, th := min(tile, w-tx), min(tile, h-ty)
			pw, ph := tw+2*m, th+2*m
			in := make([]float32, pw*ph)
			for j := 0; j < ph; j++ {
				sy := min(max(ty+j-m, 0), h-1)
				for i := 0; i < pw; i++ {
					sx := min(max(tx+i-m, 0), w-1)
					in[j*pw+i] = y[sy*w+sx]
				}
			}
			res := infer(nn.New(in, 1, 1, ph, pw)).Data
			rw := pw * r
			for j := 0; j < th*r; j++ {
				src := res[(j+m*r)*rw+m*r:]
				copy(out[(ty*r+j)*ow+tx*r:(ty*r+j)*ow+(tx+tw)*r], src[:tw*r])
			}
		}
	}
	return out, nil
}

// chain is the plain network snapshotted for nn's inference path, with two
// buffers that the layers write into by turns.
type chain struct {
	scale  int
	layers []*nn.EvalConv
	bufs   [2]*nn.Infer
}

func (n *Net) newChain() *chain {
	c := &chain{scale: n.Scale, bufs: [2]*nn.Infer{nn.NewInfer(), nn.NewInfer()}}
	for _, l := range n.convs {
		c.layers = append(c.layers, nn.NewEvalConv(l))
	}
	return c
}

// residual computes Forward's values for one tile x [1, 1, H, W]: the same
// layers on channels-last maps (a one-channel plane is its own
// channels-last form), ending in the pixel shuffle.
func (c *chain) residual(x *nn.Tensor) *nn.Tensor {
	h, w := x.Shape[2], x.Shape[3]
	// The view comes from the buffer that is first reset after layer 0
	// has read it.
	cur := c.bufs[1].Reshape(nn.AddScalar(x, -0.5), 1, h, w, 1)
	last := len(c.layers) - 1
	for i, l := range c.layers {
		e := c.bufs[i%2]
		e.Reset()
		act := nn.ActReLU
		if i == last {
			act = nn.ActNone
		}
		cur = l.Forward(e, cur, nil, act)
	}
	e := c.bufs[(last+1)%2]
	e.Reset()
	return nn.PixelShuffle(e.ChannelsFirst(cur), c.scale)
}

// Luma returns the BT.601 luma Y' = 0.299R' + 0.587G' + 0.114B' of an
// sRGB-encoded image (the grey plane itself for grey images), the plane the
// network works on.
func Luma(m *raster.Image) []float32 {
	if m.ColourChannels() < 3 {
		return append([]float32(nil), m.Planes[0]...)
	}
	y := make([]float32, m.Width*m.Height)
	r, g, b := m.Planes[0], m.Planes[1], m.Planes[2]
	for i := range y {
		y[i] = 0.299*r[i] + 0.587*g[i] + 0.114*b[i]
	}
	return y
}

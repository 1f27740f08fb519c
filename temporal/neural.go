package temporal

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"

	"github.com/trident-lab/trident/nn"
	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/render"
	"github.com/trident-lab/trident/safetensors"
)

// NeuralArch names the temporal network's architecture in checkpoint
// metadata, so that weights of another network are refused.
const NeuralArch = "tnss-blend-residual-v1"

// Sizes of the temporal network.
const (
	// NeuralInputs is the number of per-display-pixel input planes (see
	// NeuralFeatures).
	NeuralInputs = 13
	// NeuralWidth is the number of feature channels of the hidden layers.
	NeuralWidth = 32
	// NeuralHidden is the number of 3×3 convolutions between the first and
	// the output layer.
	NeuralHidden = 3
	// NeuralMaxScale is the largest display/render ratio a network may be
	// built for.
	NeuralMaxScale = 4
)

// neuralRadius is the receptive-field radius in render pixels: every layer
// is a 3×3 convolution at render resolution.
const neuralRadius = NeuralHidden + 2

// Input planes of the network, all at display resolution; colours are
// tonemapped linear RGB (package tonemap curve, in [0, 1)).
const (
	inTSR      = 0  // 3: TSR's output for this frame
	inHistory  = 3  // 3: TSR's previous output, reprojected, not rectified
	inCurrent  = 6  // 3: this frame's render sample nearest the pixel
	inDistance = 9  // distance to that sample in display pixels
	inHole     = 10 // 1 where there is no history (off-screen, disoccluded)
	inMotion   = 11 // motion length in display pixels / 8, at most 1
	inReactive = 12 // reactive mask
)

// NeuralNet is the temporal super-sampling network for one display/render
// ratio, in the manner of Xiao et al. 2020 ("Neural Supersampling for
// Real-time Rendering") but built on top of TSR: from the planes of
// NeuralFeatures it predicts, per display pixel, softmax weights that blend
// three candidates (TSR's output, the reprojected unrectified history and
// the current frame's nearest sample) plus a residual. Its convolutions run
// at render resolution on the space-to-depth rearranged inputs (each render
// pixel carries its scale² display pixels), which keeps it cheap:
//
//	in     PixelUnshuffle(scale): 13·scale² channels
//	conv0  3×3 → 32, LeakyReLU 0.1
//	hidden 3×3 32 → 32, LeakyReLU 0.1 (NeuralHidden of them)
//	out    3×3 32 → 6·scale², PixelShuffle(scale): 3 logits, 3 residual
type NeuralNet struct {
	Scale  int
	Params *nn.Params
	convs  []*nn.Conv
}

// NewNeuralNet builds a network for an integer display/render ratio scale
// (2..NeuralMaxScale) with weights initialised from rng.
func NewNeuralNet(scale int, rng *rand.Rand) (*NeuralNet, error) {
	if scale < 2 || scale > NeuralMaxScale {
		return nil, fmt.Errorf("neural: scale %d is not supported (integer scales 2 to %d)", scale, NeuralMaxScale)
	}
	ps := nn.NewParams()
	pad := nn.Conv2DOptions{Padding: [2]int{1, 1}}
	n := &NeuralNet{Scale: scale, Params: ps}
	r2 := scale * scale
	n.convs = append(n.convs, nn.NewConv(ps, "conv0", NeuralInputs*r2, NeuralWidth, 3, pad, rng))
	for i := 0; i < NeuralHidden; i++ {
		n.convs = append(n.convs, nn.NewConv(ps, fmt.Sprintf("hidden%d", i), NeuralWidth, NeuralWidth, 3, pad, rng))
	}
	out := nn.NewConv(ps, "out", NeuralWidth, 6*r2, 3, pad, rng)
	n.convs = append(n.convs, out)
	// Start near "output = TSR": a small last layer and a bias towards
	// TSR's candidate (logit channel 0, all scale² sub-pixels).
	for i := range out.W.Data {
		out.W.Data[i] *= 0.1
	}
	for k := 0; k < r2; k++ {
		out.B.Data[k] = 3
	}
	return n, nil
}

// Forward maps input planes x [N, NeuralInputs, H·r, W·r] to the tonemapped
// output [N, 3, H·r, W·r].
func (n *NeuralNet) Forward(x *nn.Tensor) *nn.Tensor {
	h := nn.PixelUnshuffle(x, n.Scale)
	last := len(n.convs) - 1
	for i, c := range n.convs {
		h = c.Forward(h)
		if i < last {
			h = nn.LeakyReLU(h, 0.1)
		}
	}
	z := nn.PixelShuffle(h, n.Scale)
	w := nn.Softmax(nn.Slice(z, 1, 0, 3), 1)
	out := nn.Slice(z, 1, 3, 6)
	for k, at := range []int{inTSR, inHistory, inCurrent} {
		out = nn.Add(out, nn.Mul(nn.Slice(w, 1, k, k+1), nn.Slice(x, 1, at, at+3)))
	}
	return out
}

// Meta is the checkpoint metadata that identifies the network.
func (n *NeuralNet) Meta() map[string]string { return nn.NetMeta(NeuralArch, n.Scale) }

// CheckMeta verifies that checkpoint metadata describes a network of this
// architecture and scale; name is the file, for the message.
func (n *NeuralNet) CheckMeta(name string, meta map[string]string) error {
	if err := nn.CheckNetMeta(name, meta, NeuralArch, n.Scale); err != nil {
		return fmt.Errorf("neural: %w", err)
	}
	return nil
}

// LoadNeuralNet reads the network for scale from a safetensors file (a
// checkpoint of `trident temporal train` or its exported weights).
func LoadNeuralNet(path string, scale int) (*NeuralNet, error) {
	n, err := NewNeuralNet(scale, nn.NewRNG(0))
	if err != nil {
		return nil, err
	}
	if err := nn.LoadNetFile(path, n.Params, NeuralArch, scale); err != nil {
		return nil, fmt.Errorf("neural: %w", err)
	}
	return n, nil
}

//go:embed weights
var shippedNeural embed.FS

// ErrNoNeuralWeights reports that no pretrained network is shipped for a
// scale.
var ErrNoNeuralWeights = errors.New("no shipped temporal network")

// NeuralWeightsFile is the name of the weights for a scale, both in
// temporal/weights and in a training run's directory.
func NeuralWeightsFile(scale int) string { return fmt.Sprintf("neural-x%d.safetensors", scale) }

// ShippedNeuralScales lists the scales with pretrained weights in the binary.
func ShippedNeuralScales() []int {
	var out []int
	for s := 2; s <= NeuralMaxScale; s++ {
		if _, err := fs.Stat(shippedNeural, "weights/"+NeuralWeightsFile(s)); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// PretrainedNeuralNet returns the shipped network for scale; the error
// wraps ErrNoNeuralWeights when none is shipped.
func PretrainedNeuralNet(scale int) (*NeuralNet, error) {
	n, err := NewNeuralNet(scale, nn.NewRNG(0))
	if err != nil {
		return nil, err
	}
	name := "weights/" + NeuralWeightsFile(scale)
	data, err := shippedNeural.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("neural: scale %d: %w (have %v)", scale, ErrNoNeuralWeights, ShippedNeuralScales())
	}
	if err := n.decode(name, data); err != nil {
		return nil, err
	}
	return n, nil
}

// decode loads a safetensors image held in memory into n's parameters,
// leaving them unchanged on error.
func (n *NeuralNet) decode(name string, data []byte) error {
	f, err := safetensors.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("neural: %s: %w", name, err)
	}
	if err := nn.LoadNet(name, f, n.Params, NeuralArch, n.Scale); err != nil {
		return fmt.Errorf("neural: %w", err)
	}
	return nil
}

// neuralTile is the side, in render pixels, of the tiles Infer runs the
// network on, which bounds memory (a few MB of activations) at any size.
const neuralTile = 128

// Infer runs the network on the input planes x [1, NeuralInputs, dh, dw]
// (dw, dh multiples of Scale) and returns the tonemapped output planes. It
// works on tiles with margins wider than the receptive field, edge pixels
// repeated outside the image, so the result does not depend on the tiling.
func (n *NeuralNet) Infer(ctx context.Context, x *nn.Tensor) ([3][]float32, error) {
	var out [3][]float32
	if x.Dims() != 4 || x.Shape[0] != 1 || x.Shape[1] != NeuralInputs || x.Shape[2]%n.Scale != 0 || x.Shape[3]%n.Scale != 0 {
		return out, fmt.Errorf("neural: input shape %v, want [1 %d H·%d W·%d]", x.Shape, NeuralInputs, n.Scale, n.Scale)
	}
	r, dh, dw := n.Scale, x.Shape[2], x.Shape[3]
	for k := range out {
		out[k] = make([]float32, dw*dh)
	}
	m := (neuralRadius + 2) * r // margin, display pixels
	step := neuralTile * r
	for ty := 0; ty < dh; ty += step {
		for tx := 0; tx < dw; tx += step {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			tw, th := min(step, dw-tx), min(step, dh-ty)
			pw, ph := tw+2*m, th+2*m
			in := make([]float32, NeuralInputs*pw*ph)
			for c := 0; c < NeuralInputs; c++ {
				src := x.Data[c*dw*dh : (c+1)*dw*dh]
				dst := in[c*pw*ph : (c+1)*pw*ph]
				for j := 0; j < ph; j++ {
					sy := clampInt(ty+j-m, 0, dh-1) * dw
					for i := 0; i < pw; i++ {
						dst[j*pw+i] = src[sy+clampInt(tx+i-m, 0, dw-1)]
					}
				}
			}
			res := n.Forward(nn.New(in, 1, NeuralInputs, ph, pw)).Data
			for c := 0; c < 3; c++ {
				for j := 0; j < th; j++ {
					copy(out[c][(ty+j)*dw+tx:(ty+j)*dw+tx+tw], res[c*pw*ph+(j+m)*pw+m:])
				}
			}
		}
	}
	return out, nil
}

// NeuralFeatures computes the network's input planes frame by frame: it
// runs TSR and keeps TSR's previous output (its history) and dilated depth,
// so that it can reproject that output with this frame's motion vectors.
type NeuralFeatures struct {
	tsr            *TSR
	rw, rh, dw, dh int
	prev, next     [3][]float32 // tonemapped TSR output, display size
	prevDepth      []float32
	valid          bool
}

// NewNeuralFeatures sets up the input computation for rw×rh frames shown at
// dw×dh (both at most MaxTSRScale times larger on each axis).
func NewNeuralFeatures(rw, rh, dw, dh int) (*NeuralFeatures, error) {
	t, err := NewTSR(rw, rh, dw, dh, DefaultTSROptions())
	if err != nil {
		return nil, fmt.Errorf("neural: %w", err)
	}
	p := &NeuralFeatures{tsr: t, rw: rw, rh: rh, dw: dw, dh: dh, prevDepth: make([]float32, rw*rh)}
	for k := range p.prev {
		p.prev[k], p.next[k] = make([]float32, dw*dh), make([]float32, dw*dh)
	}
	return p, nil
}

// Reset drops the history.
func (p *NeuralFeatures) Reset() { p.tsr.Reset(); p.valid = false }

// Next processes frame f and returns the input planes for it as a tensor
// [1, NeuralInputs, dh, dw], with TSR's output (linear) for reference.
func (p *NeuralFeatures) Next(ctx context.Context, f *render.Frame) (*nn.Tensor, *raster.Image, error) {
	tsrOut, err := p.tsr.Process(ctx, f)
	if err != nil {
		return nil, nil, fmt.Errorf("neural: %w", err)
	}
	s, err := prepare(f)
	if err != nil {
		return nil, nil, fmt.Errorf("neural: %w", err)
	}
	rw, rh, dw, dh := p.rw, p.rh, p.dw, p.dh
	x := nn.Zeros(1, NeuralInputs, dh, dw)
	var pl [NeuralInputs][]float32
	for k := range pl {
		pl[k] = x.Data[k*dw*dh : (k+1)*dw*dh]
	}
	sx, sy := float32(rw)/float32(dw), float32(rh)/float32(dh)
	R, G, B := f.Color.Planes[0], f.Color.Planes[1], f.Color.Planes[2]
	T := tsrOut.Planes
	err = rows(ctx, dh, func(y0, y1 int) {
		for Y := y0; Y < y1; Y++ {
			for X := 0; X < dw; X++ {
				o := Y*dw + X
				tr, tg, tb := tonemap(T[0][o], T[1][o], T[2][o])
				rx, ry := (float32(X)+0.5)*sx, (float32(Y)+0.5)*sy
				nx := clampInt(int(math.Round(float64(rx-0.5-s.jx))), 0, rw-1)
				ny := clampInt(int(math.Round(float64(ry-0.5-s.jy))), 0, rh-1)
				i := ny*rw + nx
				cr, cg, cb := tonemap(R[i], G[i], B[i])
				ddx, ddy := (float32(nx)+0.5+s.jx-rx)/sx, (float32(ny)+0.5+s.jy-ry)/sy
				cx, cy := clampInt(int(rx), 0, rw-1), clampInt(int(ry), 0, rh-1)
				n := s.nearestDepth(cx, cy)
				mvx, mvy := s.mx[n]/sx, s.my[n]/sy
				hist, hole := [3]float32{tr, tg, tb}, float32(1)
				pdx, pdy := float32(X)+0.5-mvx, float32(Y)+0.5-mvy
				if p.valid && pdx >= 0 && pdy >= 0 && pdx <= float32(dw) && pdy <= float32(dh) &&
					!disoccluded(p.prevDepth, rw, rh, rx-s.mx[n], ry-s.my[n], s.depth[n]) {
					hist, hole = catmullRom(p.prev, dw, dh, pdx, pdy), 0
				}
				pl[inTSR][o], pl[inTSR+1][o], pl[inTSR+2][o] = tr, tg, tb
				pl[inHistory][o], pl[inHistory+1][o], pl[inHistory+2][o] = hist[0], hist[1], hist[2]
				pl[inCurrent][o], pl[inCurrent+1][o], pl[inCurrent+2][o] = cr, cg, cb
				pl[inDistance][o] = float32(math.Sqrt(float64(ddx*ddx + ddy*ddy)))
				pl[inHole][o] = hole
				pl[inMotion][o] = min(float32(math.Sqrt(float64(mvx*mvx+mvy*mvy)))/8, 1)
				pl[inReactive][o] = s.reactive[cy*rw+cx]
				p.next[0][o], p.next[1][o], p.next[2][o] = tr, tg, tb
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	p.prev, p.next = p.next, p.prev
	s.storeDilatedDepth(p.prevDepth)
	p.valid = true
	return x, tsrOut, nil
}

// Neural is temporal neural super-sampling: TSR followed by NeuralNet,
// which corrects TSR's output from TSR's reprojected history, the current
// samples and the motion and disocclusion it sees (see NeuralNet). The
// display size must be exactly the network's scale times the render size.
type Neural struct {
	net *NeuralNet
	in  *NeuralFeatures
}

// NewNeural sets up temporal neural super-sampling of rw×rh frames to
// dw×dh with net, whose scale must be dw/rw = dh/rh.
func NewNeural(net *NeuralNet, rw, rh, dw, dh int) (*Neural, error) {
	if net == nil {
		return nil, fmt.Errorf("neural: no network")
	}
	if dw != net.Scale*rw || dh != net.Scale*rh {
		return nil, fmt.Errorf("neural: the network is for exactly %d× (display %dx%d from render %dx%d), not %dx%d from %dx%d",
			net.Scale, net.Scale*rw, net.Scale*rh, rw, rh, dw, dh, rw, rh)
	}
	in, err := NewNeuralFeatures(rw, rh, dw, dh)
	if err != nil {
		return nil, err
	}
	return &Neural{net: net, in: in}, nil
}

// Name is "neural".
func (m *Neural) Name() string { return "neural" }

// Reset drops the history.
func (m *Neural) Reset() { m.in.Reset() }

// Process reconstructs frame f at display resolution.
func (m *Neural) Process(ctx context.Context, f *render.Frame) (*raster.Image, error) {
	x, _, err := m.in.Next(ctx, f)
	if err != nil {
		return nil, err
	}
	y, err := m.net.Infer(ctx, x)
	if err != nil {
		return nil, err
	}
	return UntonemapPlanes(y, m.in.dw, m.in.dh), nil
}

// UntonemapPlanes returns the linear image of tonemapped RGB planes
// (clamped to the tonemap's range first).
func UntonemapPlanes(y [3][]float32, w, h int) *raster.Image {
	out := raster.New(w, h, 3)
	for i := range y[0] {
		r, g, b := min(max(y[0][i], 0), 0.999), min(max(y[1][i], 0), 0.999), min(max(y[2][i], 0), 0.999)
		out.Planes[0][i], out.Planes[1][i], out.Planes[2][i] = untonemap(r, g, b)
	}
	return out
}

// Tonemap returns the tonemapped RGB planes of a linear image, the space
// the network predicts in (training targets).
func Tonemap(m *raster.Image) [3][]float32 {
	var y [3][]float32
	for k := range y {
		y[k] = make([]float32, m.Width*m.Height)
	}
	for i := range y[0] {
		y[0][i], y[1][i], y[2][i] = tonemap(m.Planes[0][i], m.Planes[1][i], m.Planes[2][i])
	}
	return y
}

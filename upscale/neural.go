package upscale

import (
	"context"
	"fmt"

	"github.com/trident-lab/trident/raster"
	"github.com/trident-lab/trident/sr"
)

// Neural is the learned upscaler: package sr's pretrained network enlarges
// the BT.601 luma of the (sRGB-encoded) image and the rest follows bicubic.
// The network predicts the difference between the true luma and bicubic's;
// adding that difference to every colour plane of the bicubic enlargement
// corrects the luma and keeps bicubic's chroma (R'−Y', B'−Y'). Alpha is
// bicubic. Only the integer scales with shipped weights are supported
// ([NeuralScales]), the same on both axes (and ×1, a copy).
type Neural struct {
	nets map[int]*sr.Net
	bic  separable
}

// NewNeural loads the shipped networks.
func NewNeural() (*Neural, error) {
	n := &Neural{nets: map[int]*sr.Net{}, bic: separable{k: catmullRomKernel()}}
	for _, s := range sr.ShippedScales() {
		net, err := sr.Pretrained(s)
		if err != nil {
			return nil, fmt.Errorf("upscale neural: %w", err)
		}
		n.nets[s] = net
	}
	if len(n.nets) == 0 {
		return nil, fmt.Errorf("upscale neural: no shipped weights in sr/weights")
	}
	return n, nil
}

// NewNeuralWith loads the shipped networks and replaces the one for the
// scale of the weights file path (written by `trident sr train`) with it.
func NewNeuralWith(path string) (*Neural, error) {
	n, err := NewNeural()
	if err != nil {
		return nil, err
	}
	net, err := sr.LoadFile(path)
	if err != nil {
		return nil, fmt.Errorf("upscale neural: %w", err)
	}
	n.nets[net.Scale] = net
	return n, nil
}

// NeuralScales lists the integer scales the neural method supports.
func NeuralScales() []int { return sr.ShippedScales() }

// Name implements Upscaler.
func (*Neural) Name() string { return "neural" }

// MaxScale implements Upscaler: the largest shipped scale. Scales below it
// that are not shipped integers are refused by Upscale.
func (n *Neural) MaxScale() float64 {
	m := 0
	for s := range n.nets {
		m = max(m, s)
	}
	return float64(m)
}

// Upscale implements Upscaler. dst must be exactly r times src on both axes
// for a shipped scale r.
func (n *Neural) Upscale(ctx context.Context, dst, src *raster.Image) error {
	if err := checkArgs(n, dst, src); err != nil {
		return err
	}
	if dst.Width == src.Width && dst.Height == src.Height {
		for c := range dst.Planes {
			copy(dst.Planes[c], src.Planes[c])
		}
		return nil
	}
	r := dst.Width / src.Width
	net, ok := n.nets[r]
	if !ok || dst.Width != r*src.Width || dst.Height != r*src.Height {
		return fmt.Errorf("upscale neural: %dx%d -> %dx%d is not an integer scale with shipped weights (have %v)",
			src.Width, src.Height, dst.Width, dst.Height, NeuralScales())
	}
	if err := n.bic.Upscale(ctx, dst, src); err != nil {
		return err
	}
	res, err := net.Residual(ctx, sr.Luma(src), src.Width, src.Height)
	if err != nil {
		return fmt.Errorf("upscale neural: %w", err)
	}
	for c := 0; c < dst.ColourChannels(); c++ {
		p := dst.Planes[c]
		for i, v := range res {
			p[i] += v
		}
	}
	return nil
}

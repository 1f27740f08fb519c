package nn

import (
	"math"
)

// BatchNorm normalizes x per channel, with x [N, C] or [N, C, spatial...]
// (for images [N, C, H, W]) and channel axis 1, as PyTorch's batch_norm:
//
//	y = (x − mean) / √(var + eps) · gamma + beta
//
// In training (train true) mean and var are the biased statistics of the
// batch over every axis but the channel's, and the running statistics, when
// not nil, are updated in place as running = (1 − momentum)·running +
// momentum·batch, with the unbiased variance for runningVar; PyTorch uses
// momentum 0.1 and eps 1e-5. Training needs more than one value per
// channel. In evaluation the running statistics are used and left alone.
// gamma and beta are [C] and may be nil (no affine transform); runningMean
// and runningVar are [C] buffers that take no gradient. The backward pass is
// the fused analytic one.
func BatchNorm(x, gamma, beta, runningMean, runningVar *Tensor, train bool, momentum, eps float32) *Tensor {
	const op = "BatchNorm"
	if x.Dims() < 2 {
		panic(shapeErr(op, "input %v has no channel axis (want [N C ...])", x.Shape))
	}
	c := x.Shape[1]
	for _, p := range []struct {
		name string
		t    *Tensor
	}{{"gamma", gamma}, {"beta", beta}, {"running mean", runningMean}, {"running var", runningVar}} {
		if p.t != nil && (p.t.Dims() != 1 || p.t.Shape[0] != c) {
			panic(shapeErr(op, "%s %v does not match input %v (want [%d])", p.name, p.t.Shape, x.Shape, c))
		}
	}
	if (runningMean == nil) != (runningVar == nil) {
		panic(shapeErr(op, "running mean and running var must both be given or both be nil"))
	}
	if !train && runningMean == nil {
		panic(shapeErr(op, "evaluation mode needs running statistics (input %v)", x.Shape))
	}
	n, inner := x.Shape[0], 1
	for _, d := range x.Shape[2:] {
		inner *= d
	}
	m := n * inner // values per channel
	if train && m < 2 {
		panic(shapeErr(op, "training needs more than one value per channel, input %v has %d", x.Shape, m))
	}

	// mean and invStd per channel, and xhat for the backward pass.
	mean := make([]float32, c)
	invStd := make([]float32, c)
	for ch := 0; ch < c; ch++ {
		if !train {
			mean[ch] = runningMean.Data[ch]
			invStd[ch] = float32(1 / math.Sqrt(float64(runningVar.Data[ch])+float64(eps)))
			continue
		}
		var s float64
		for b := 0; b < n; b++ {
			for _, v := range x.Data[(b*c+ch)*inner : (b*c+ch+1)*inner] {
				s += float64(v)
			}
		}
		mu := s / float64(m)
		var ss float64
		for b := 0; b < n; b++ {
			for _, v := range x.Data[(b*c+ch)*inner : (b*c+ch+1)*inner] {
				d := float64(v) - mu
				ss += d * d
			}
		}
		variance := ss / float64(m)
		mean[ch] = float32(mu)
		invStd[ch] = float32(1 / math.Sqrt(variance+float64(eps)))
		if runningMean != nil {
			mom := float64(momentum)
			runningMean.Data[ch] = float32((1-mom)*float64(runningMean.Data[ch]) + mom*mu)
			runningVar.Data[ch] = float32((1-mom)*float64(runningVar.Data[ch]) + mom*ss/float64(m-1))
		}
	}
	out := Zeros(x.Shape...)
	xhat := make([]float32, len(x.Data))
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			scale, shift := float32(1), float32(0)
			if gamma != nil {
				scale = gamma.Data[ch]
			}
			if beta != nil {
				shift = beta.Data[ch]
			}
			off := (b*c + ch) * inner
			for i, v := range x.Data[off : off+inner] {
				xh := (v - mean[ch]) * invStd[ch]
				xhat[off+i] = xh
				out.Data[off+i] = xh*scale + shift
			}
		}
	}
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		gx, gg, gb := ig[0], ig[1], ig[2]
		for ch := 0; ch < c; ch++ {
			// Σ dy and Σ dy·xhat over the channel.
			var sdy, sdyx float64
			for b := 0; b < n; b++ {
				off := (b*c + ch) * inner
				for i, d := range g[off : off+inner] {
					sdy += float64(d)
					sdyx += float64(d) * float64(xhat[off+i])
				}
			}
			if gg != nil {
				gg[ch] += float32(sdyx)
			}
			if gb != nil {
				gb[ch] += float32(sdy)
			}
			if gx == nil {
				continue
			}
			scale := float32(1)
			if gamma != nil {
				scale = gamma.Data[ch]
			}
			k := scale * invStd[ch]
			if !train {
				// The statistics are constants: y is affine in x.
				for b := 0; b < n; b++ {
					off := (b*c + ch) * inner
					for i, d := range g[off : off+inner] {
						gx[off+i] += k * d
					}
				}
				continue
			}
			// dx = gamma·invStd·(dy − mean(dy) − xhat·mean(dy·xhat)).
			mdy, mdyx := float32(sdy/float64(m)), float32(sdyx/float64(m))
			for b := 0; b < n; b++ {
				off := (b*c + ch) * inner
				for i, d := range g[off : off+inner] {
					gx[off+i] += k * (d - mdy - xhat[off+i]*mdyx)
				}
			}
		}
	}, x, gamma, beta)
}

// LayerNormOp normalizes x over its last normalizedDims dimensions, as
// PyTorch's layer_norm:
//
//	y = (x − mean) / √(var + eps) · gamma + beta
//
// with the mean and biased variance of each group of trailing elements.
// gamma and beta have the shape of those trailing dimensions and may be nil
// (no affine transform). The backward pass is the fused analytic one.
func LayerNormOp(x, gamma, beta *Tensor, normalizedDims int, eps float32) *Tensor {
	const op = "LayerNorm"
	if normalizedDims < 1 || normalizedDims > x.Dims() {
		panic(shapeErr(op, "cannot normalize the last %d dimensions of %v", normalizedDims, x.Shape))
	}
	norm := x.Shape[x.Dims()-normalizedDims:]
	for _, p := range []struct {
		name string
		t    *Tensor
	}{{"gamma", gamma}, {"beta", beta}} {
		if p.t != nil && !sameShape(p.t.Shape, norm) {
			panic(shapeErr(op, "%s %v does not match the last %d dimensions of input %v", p.name, p.t.Shape, normalizedDims, x.Shape))
		}
	}
	d := numel(norm)
	if d == 0 {
		panic(shapeErr(op, "input %v has no elements to normalize over", x.Shape))
	}
	rows := len(x.Data) / d
	out := Zeros(x.Shape...)
	xhat := make([]float32, len(x.Data))
	invStd := make([]float32, rows)
	for r := 0; r < rows; r++ {
		row := x.Data[r*d : (r+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v)
		}
		mu := s / float64(d)
		var ss float64
		for _, v := range row {
			dv := float64(v) - mu
			ss += dv * dv
		}
		is := 1 / math.Sqrt(ss/float64(d)+float64(eps))
		invStd[r] = float32(is)
		for i, v := range row {
			xh := float32((float64(v) - mu) * is)
			xhat[r*d+i] = xh
			y := xh
			if gamma != nil {
				y *= gamma.Data[i]
			}
			if beta != nil {
				y += beta.Data[i]
			}
			out.Data[r*d+i] = y
		}
	}
	return record(out, op, func(_ *Tensor, g []float32, ig [][]float32) {
		gx, gg, gb := ig[0], ig[1], ig[2]
		for r := 0; r < rows; r++ {
			dy := g[r*d : (r+1)*d]
			xh := xhat[r*d : (r+1)*d]
			if gg != nil {
				for i, v := range dy {
					gg[i] += v * xh[i]
				}
			}
			if gb != nil {
				for i, v := range dy {
					gb[i] += v
				}
			}
			if gx == nil {
				continue
			}
			// With dŷ = dy·gamma: dx = invStd·(dŷ − mean(dŷ) − xhat·mean(dŷ·xhat)).
			var s, sx float64
			for i, v := range dy {
				if gamma != nil {
					v *= gamma.Data[i]
				}
				s += float64(v)
				sx += float64(v) * float64(xh[i])
			}
			ms, msx := float32(s/float64(d)), float32(sx/float64(d))
			is := invStd[r]
			dst := gx[r*d : (r+1)*d]
			for i, v := range dy {
				if gamma != nil {
					v *= gamma.Data[i]
				}
				dst[i] += is * (v - ms - xh[i]*msx)
			}
		}
	}, x, gamma, beta)
}

package nn

import (
	"encoding/json"
	"os"
	"testing"
)

// opsGoldenTensor is a tensor as stored in testdata/ops_golden.json.
type opsGoldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (g opsGoldenTensor) tensor() *Tensor {
	data := make([]float32, len(g.Data))
	for i, v := range g.Data {
		data[i] = float32(v)
	}
	t := New(data, g.Shape...)
	t.requiresGrad = true
	return t
}

type opsGoldenCase struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	Params struct {
		Stride   [2]int  `json:"stride"`
		Padding  [2]int  `json:"padding"`
		Dilation [2]int  `json:"dilation"`
		Groups   int     `json:"groups"`
		Out      [2]int  `json:"out"`
		R        int     `json:"r"`
		Kernel   int     `json:"kernel"`
		Train    bool    `json:"train"`
		Momentum float32 `json:"momentum"`
		Eps      float32 `json:"eps"`
		NormDims int     `json:"norm_dims"`
	} `json:"params"`
	Inputs  map[string]opsGoldenTensor `json:"inputs"`
	Outputs map[string]opsGoldenTensor `json:"outputs"`
}

// TestOpsGolden checks forward values and gradients against PyTorch
// (testdata/ops_golden.py writes the file).
func TestOpsGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/ops_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []opsGoldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in testdata/ops_golden.json")
	}
	for _, tc := range file.Cases {
		in := map[string]*Tensor{}
		for k, v := range tc.Inputs {
			in[k] = v.tensor()
		}
		for _, k := range []string{"running_mean", "running_var", "gy"} {
			if in[k] != nil {
				in[k].requiresGrad = false
			}
		}
		p := tc.Params
		var y *Tensor
		switch tc.Op {
		case "conv2d":
			y = Conv2D(in["x"], in["w"], in["b"], Conv2DOptions{Stride: p.Stride, Padding: p.Padding, Dilation: p.Dilation, Groups: p.Groups})
		case "resize_bilinear":
			y = ResizeBilinear(in["x"], p.Out[0], p.Out[1])
		case "pixel_shuffle":
			y = PixelShuffle(in["x"], p.R)
		case "pixel_unshuffle":
			y = PixelUnshuffle(in["x"], p.R)
		case "avg_pool2d":
			y = AvgPool2D(in["x"], p.Kernel, p.Stride[0], p.Padding[0])
		case "max_pool2d":
			y = MaxPool2D(in["x"], p.Kernel, p.Stride[0], p.Padding[0])
		case "global_avg_pool2d":
			y = GlobalAvgPool2D(in["x"])
		case "batch_norm":
			y = BatchNorm(in["x"], in["gamma"], in["beta"], in["running_mean"], in["running_var"], p.Train, p.Momentum, p.Eps)
		case "layer_norm":
			y = LayerNormOp(in["x"], in["gamma"], in["beta"], p.NormDims, p.Eps)
		default:
			t.Errorf("%s: unknown op %q", tc.Name, tc.Op)
			continue
		}
		if gy := in["gy"]; gy != nil {
			BackwardWith(y, gy.Data)
		}
		if len(tc.Outputs) == 0 {
			t.Errorf("%s: no outputs to check", tc.Name)
		}
		for k, want := range tc.Outputs {
			var got *Tensor
			switch {
			case k == "y":
				got = y
			case k[0] == 'd':
				src := in[k[1:]]
				if src == nil || src.Grad == nil {
					t.Errorf("%s: no gradient for %s", tc.Name, k[1:])
					continue
				}
				got = &Tensor{Shape: src.Shape, Data: src.Grad}
			default:
				got = in[k]
			}
			if got == nil {
				t.Errorf("%s: nothing to compare with %s", tc.Name, k)
				continue
			}
			if !sameShape(got.Shape, want.Shape) {
				t.Errorf("%s: %s has shape %v, PyTorch %v", tc.Name, k, got.Shape, want.Shape)
				continue
			}
			if msg := closeTo(got.Data, want.Data, 1e-4); msg != "" {
				t.Errorf("%s: %s: %s", tc.Name, k, msg)
			}
		}
	}
}

package nn

import "testing"

// smallConvNet is a two-layer conv net with batch norm, pooling and a dense
// classifier, used by the overfitting and checkpoint tests.
type smallConvNet struct {
	c1, c2 *Conv
	bn     *BatchNormLayer
	fc     *Dense
}

func newSmallConvNet(ps *Params, seed uint64) *smallConvNet {
	rng := NewRNG(seed)
	return &smallConvNet{
		c1: NewConv(ps, "conv1", 1, 8, 3, Conv2DOptions{Padding: [2]int{1, 1}}, rng),
		bn: NewBatchNorm(ps, "bn1", 8),
		c2: NewConv(ps, "conv2", 8, 16, 3, Conv2DOptions{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}}, rng),
		fc: NewDense(ps, "head", 16, 3, rng),
	}
}

func (m *smallConvNet) forward(x *Tensor, train bool) *Tensor {
	h := ReLU(m.bn.Forward(m.c1.Forward(x), train))
	h = ReLU(m.c2.Forward(h))
	h = Reshape(GlobalAvgPool2D(h), x.Shape[0], -1)
	return m.fc.Forward(h)
}

// TestConvNetOverfitsOneBatch trains on one batch of random images with
// random labels until it has memorized them.
func TestConvNetOverfitsOneBatch(t *testing.T) {
	rng := NewRNG(3)
	x := Zeros(6, 1, 8, 8)
	Normal(x, 1, rng)
	labels := []int{0, 1, 2, 2, 1, 0}
	ps := NewParams()
	net := newSmallConvNet(ps, 5)
	opt := NewAdam(ps.Trainable(), 0.02)
	var loss *Tensor
	for step := 0; step < 150; step++ {
		ps.ZeroGrad()
		loss = SoftmaxCrossEntropy(net.forward(x, true), labels)
		if err := CheckFinite(step, loss); err != nil {
			t.Fatal(err)
		}
		Backward(loss)
		opt.Step()
	}
	if loss.Item() > 0.05 {
		t.Fatalf("loss after 150 steps on one batch is %g, want < 0.05", loss.Item())
	}
	logits := net.forward(x, true)
	for i, l := range labels {
		row := logits.Data[i*3 : i*3+3]
		for j, v := range row {
			if j != l && v >= row[l] {
				t.Fatalf("image %d: logits %v do not pick label %d", i, row, l)
			}
		}
	}
}

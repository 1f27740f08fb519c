package nn_test

import (
	"fmt"

	"github.com/trident-lab/trident/nn"
)

// A residual block evaluated on the inference path: the layers are
// snapshotted once, and every pass reuses the memory of the one before.
func ExampleEvalConv() {
	rng := nn.NewRNG(1)
	ps := nn.NewParams()
	same := nn.Conv2DOptions{Padding: [2]int{1, 1}}
	stem := nn.NewConv(ps, "stem", 4, 32, 3, same, rng)
	body := nn.NewConv(ps, "body", 32, 32, 3, same, rng)
	head := nn.NewConv(ps, "head", 32, 1, 1, nn.Conv2DOptions{}, rng)

	evalStem, evalBody, evalHead := nn.NewEvalConv(stem), nn.NewEvalConv(body), nn.NewEvalConv(head)
	in := nn.NewInfer()
	x := nn.Zeros(1, 4, 9, 9) // one position, channels first as for Conv
	for pass := 0; pass < 2; pass++ {
		in.Reset()
		h := evalStem.Forward(in, in.ChannelsLast(x), nil, nn.ActReLU)
		h = evalBody.Forward(in, h, h, nn.ActReLU) // relu(conv(h) + b + h)
		logits := in.Reshape(evalHead.Forward(in, h, nil, nn.ActNone), 1, -1)
		fmt.Println(h.Shape, logits.Shape)
	}
	// Output:
	// [1 9 9 32] [1 81]
	// [1 9 9 32] [1 81]
}

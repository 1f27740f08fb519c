package gemm_test

import (
	"fmt"

	"github.com/trident-lab/trident/internal/gemm"
)

// A dense layer's forward pass y = x·Wᵀ + y: x is a batch of 2 inputs of
// size 3, W holds 2 output rows of 3 weights, so W is used transposed.
func ExampleSgemm() {
	x := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{
		1, 0, -1,
		0.5, 0.5, 0.5,
	}
	y := []float32{
		10, 20,
		30, 40,
	}
	gemm.Sgemm(false, true, 2, 2, 3, 1, x, 3, w, 3, 1, y, 2)
	fmt.Println(y)
	// Output: [8 23 28 47.5]
}

// Weights used for many products are packed once: here a layer with 2
// outputs of 3 weights applied to two batches of inputs, y = x·Wᵀ.
func ExampleSgemmPacked() {
	w := []float32{
		1, 0, -1,
		0.5, 0.5, 0.5,
	}
	pw := gemm.PackB(true, 3, 2, w, 3) // op(B) = Wᵀ, 3×2
	for _, x := range [][]float32{{1, 2, 3}, {4, 5, 6, 7, 8, 9}} {
		batch := len(x) / 3
		y := make([]float32, batch*2)
		gemm.SgemmPacked(false, batch, 1, x, 3, pw, 0, y, 2)
		fmt.Println(y)
	}
	// Output:
	// [-2 3]
	// [-2 7.5 -2 12]
}

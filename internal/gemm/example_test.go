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

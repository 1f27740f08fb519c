package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/trident-lab/trident/safetensors"
)

func Example() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	f := &safetensors.File{
		Tensors: []safetensors.Tensor{
			safetensors.FromFloat32("shared/w", []int{2, 2}, []float32{1, 2, 3, 4}),
			safetensors.FromFloat32("task0/b", []int{2}, []float32{0.5, -0.5}),
		},
		Metadata: map[string]string{"format": "pt"},
	}
	if err := safetensors.WriteFile(path, f); err != nil {
		log.Fatal(err)
	}

	g, err := safetensors.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range g.Tensors {
		v, err := safetensors.Float32(t)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Name, t.DType, t.Shape, v)
	}
	fmt.Println(g.Metadata["format"])
	// Output:
	// shared/w F32 [2 2] [1 2 3 4]
	// task0/b F32 [2] [0.5 -0.5]
	// pt
}

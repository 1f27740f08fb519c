package balance_test

import (
	"fmt"

	"github.com/trident-lab/trident/mtl/balance"
)

// Two conflicting task gradients over three shared parameters: MGDA picks
// the shortest convex combination, along which both tasks improve.
func ExampleNew() {
	m, err := balance.New("mgda", balance.Config{Tasks: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := &balance.Step{
		Losses: []float64{0.7, 1.2},
		Grads:  [][]float32{{-4, 1, 1}, {6, 1, 1}},
	}
	if err := m.Combine(s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("needs %+v\ncoefficients %.2f\nshared gradient %.2f\ntask-specific weights %v\n",
		m.Needs(), s.Coef, s.Shared, s.Weights)
	// Output:
	// needs {TaskGrads:true Representation:false LastSharedGrads:false}
	// coefficients [0.60 0.40]
	// shared gradient [0.00 1.00 1.00]
	// task-specific weights [1 1]
}

// Five preference vectors for two tasks, one model to train for each.
func ExamplePreferences() {
	prefs, err := balance.Preferences(2, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range prefs {
		fmt.Printf("%d: %.3f\n", k, p)
	}
	// Output:
	// 0: [0.988 0.156]
	// 1: [0.891 0.454]
	// 2: [0.707 0.707]
	// 3: [0.454 0.891]
	// 4: [0.156 0.988]
}

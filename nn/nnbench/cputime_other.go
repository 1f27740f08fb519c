//go:build !unix

package nnbench

import "time"

// processCPU is not available on this system; CPU columns read 0.
func processCPU() time.Duration { return 0 }

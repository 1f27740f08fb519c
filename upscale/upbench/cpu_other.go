//go:build !unix

package upbench

import "time"

// cpuTime is not measured on this platform; Speed reports NaN.
func cpuTime() time.Duration { return -1 }

//go:build !unix

package tbench

import "time"

// cpuTime is not measured on this platform; CPUMsPerFrame reads negative.
func cpuTime() time.Duration { return -1 }

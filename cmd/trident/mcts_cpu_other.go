//go:build !unix

package main

import "time"

// cpuTime is not measured on this system; speed reports only wall time.
func cpuTime() time.Duration { return 0 }

// Package cputime reads the CPU time a process has used, which the
// benchmarks report beside wall time: on a shared machine wall time also
// counts the wait for a core, CPU time only the work done.
package cputime

import "time"

// Process returns the user plus system CPU time, over all threads, that
// this process has used so far, or -1 where the system cannot tell.
// Differences of two readings are therefore 0 on such systems.
func Process() time.Duration { return process() }

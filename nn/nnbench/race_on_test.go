//go:build race

package nnbench

// raceEnabled reports a -race build, whose instrumentation allocates (and
// whose sync.Pool drops buffers at random).
const raceEnabled = true

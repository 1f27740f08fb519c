//go:build race

package gemm

// raceEnabled is set when the race detector is on: it makes sync.Pool drop
// items on purpose, so allocation counts mean nothing.
const raceEnabled = true

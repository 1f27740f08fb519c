//go:build !race

package nn

// raceEnabled reports a -race build, whose instrumentation allocates.
const raceEnabled = false

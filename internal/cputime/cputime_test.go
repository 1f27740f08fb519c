package cputime

import (
	"runtime"
	"testing"
)

func TestProcessAdvancesWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" {
		t.Skip("no rusage here")
	}
	start := Process()
	if start < 0 {
		t.Fatal("CPU time unavailable on a Unix system")
	}
	x := 0.0
	for i := 0; i < 50_000_000; i++ {
		x += float64(i & 7)
	}
	if x == 0 || Process() <= start {
		t.Fatalf("CPU time did not advance over a busy loop (%v → %v)", start, Process())
	}
}

package progress

import (
	"bytes"
	"strings"
	"testing"
)

// On a writer that is not a terminal the reporter prints plain lines: at
// least the final one, with the count and the latest note.
func TestPlainLines(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, 10, "train")
	for i := 0; i < 10; i++ {
		r.Add(1, "loss 0.5")
	}
	r.Finish()
	out := buf.String()
	if !strings.Contains(out, "train: 10/10 loss 0.5") {
		t.Fatalf("output %q lacks the final count and note", out)
	}
	if strings.Contains(out, "\r") {
		t.Fatalf("output %q has terminal control characters", out)
	}
}

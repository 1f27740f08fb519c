// Package progress reports the advance of long work: a progress bar when the
// output is a terminal, plain periodic lines otherwise (logs, CI, pipes).
package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Reporter counts steps of a task of known size.
type Reporter struct {
	bar      *progressbar.ProgressBar
	w        io.Writer
	desc     string
	total    int
	done     int
	every    time.Duration
	last     time.Time
	start    time.Time
	lastNote string
}

// New returns a Reporter for total steps described by desc, writing to w.
// When w is a terminal it draws a bar; otherwise it prints a line at most
// every few seconds and one at the end.
func New(w io.Writer, total int, desc string) *Reporter {
	r := &Reporter{w: w, desc: desc, total: total, every: 5 * time.Second, start: time.Now()}
	r.last = r.start
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return r
}

// Add advances the count by n steps; note, if not empty, is shown beside the
// count (for example the current loss).
func (r *Reporter) Add(n int, note string) {
	r.done += n
	if note != "" {
		r.lastNote = note
	}
	if r.bar != nil {
		if note != "" {
			r.bar.Describe(r.desc + " " + note)
		}
		_ = r.bar.Add(n)
		return
	}
	if now := time.Now(); now.Sub(r.last) >= r.every {
		r.last = now
		r.line()
	}
}

// Finish closes the bar or prints the final line.
func (r *Reporter) Finish() {
	if r.bar != nil {
		_ = r.bar.Finish()
		return
	}
	r.line()
}

func (r *Reporter) line() {
	fmt.Fprintf(r.w, "%s: %d/%d %s (%.1fs)\n", r.desc, r.done, r.total, r.lastNote, time.Since(r.start).Seconds())
}

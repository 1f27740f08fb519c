package nn

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMinCost is the cost (multiply-adds, or element updates) below
// which an operation stays on the calling goroutine: under it, waking a
// second thread costs more than the split saves.
const parallelMinCost = 1 << 19

// workersFor returns how many goroutines (the caller included) should share
// units independent pieces of work costing cost in total.
func workersFor(units int, cost float64) int {
	if cost < parallelMinCost {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), units))
}

// parallel calls fn(worker, lo, hi) on blocks that cover [0, n), on up to
// w goroutines (the caller is worker w-1). Blocks are handed out as the
// goroutines ask for them, so one that the OS deschedules on a busy machine
// does not hold the others up. The blocks depend only on n and w, and each
// index is processed exactly once, so results do not depend on scheduling
// as long as fn's work on a block does not depend on the worker.
func parallel(w, n int, fn func(worker, lo, hi int)) {
	if w <= 1 || n <= 1 {
		fn(0, 0, n)
		return
	}
	j := jobs.Get().(*parallelJob)
	j.fn = fn
	split(j, w, n)
}

// parallelSpans is parallel for a fn that does not need the worker index.
func parallelSpans(w, n int, fn func(lo, hi int)) {
	if w <= 1 || n <= 1 {
		fn(0, n)
		return
	}
	j := jobs.Get().(*parallelJob)
	j.span = fn
	split(j, w, n)
}

// parallelJob is the shared state of one parallel call.
type parallelJob struct {
	next      atomic.Int64
	wg        sync.WaitGroup
	n, blocks int
	fn        func(worker, lo, hi int)
	span      func(lo, hi int)
}

// jobs recycles parallelJobs: a training step makes a hundred parallel
// calls, and once Wait has returned no goroutine refers to the job.
var jobs = sync.Pool{New: func() any { return new(parallelJob) }}

// split runs j on w goroutines and puts it back in jobs.
func split(j *parallelJob, w, n int) {
	w = min(w, n)
	j.n, j.blocks = n, min(n, 4*w)
	j.next.Store(0)
	j.wg.Add(w - 1)
	for i := 0; i < w-1; i++ {
		go j.helper(i)
	}
	j.run(w - 1)
	j.wg.Wait()
	j.fn, j.span = nil, nil
	jobs.Put(j)
}

// helper is run on a goroutine of its own.
func (j *parallelJob) helper(worker int) {
	j.run(worker)
	j.wg.Done()
}

// run processes blocks until none is left.
func (j *parallelJob) run(worker int) {
	for {
		b := int(j.next.Add(1)) - 1
		if b >= j.blocks {
			return
		}
		lo, hi := b*j.n/j.blocks, (b+1)*j.n/j.blocks
		if j.span != nil {
			j.span(lo, hi)
		} else {
			j.fn(worker, lo, hi)
		}
	}
}

// scratch recycles float32 work buffers (im2col matrices, per-worker
// gradient partials) between operations so that a warm training step does
// not allocate them again. Class c holds buffers of capacity 2^c.
var scratch [40]sync.Pool

// getScratch returns a buffer of n elements with unspecified contents.
func getScratch(n int) *[]float32 {
	c := bits.Len(uint(max(n, 1) - 1))
	if p, ok := scratch[c].Get().(*[]float32); ok {
		*p = (*p)[:n]
		return p
	}
	s := make([]float32, n, 1<<c)
	return &s
}

// putScratch returns a buffer obtained from getScratch.
func putScratch(p *[]float32) {
	scratch[bits.Len(uint(cap(*p)-1))].Put(p)
}

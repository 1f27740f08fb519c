package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// chunksPerThread is how many pieces a parallel multiply is cut into per
// goroutine. Goroutines take pieces from a shared counter, so one that
// starts late (a second thread takes tens of microseconds to wake, longer
// when another process holds the core) leaves its share to the others
// instead of holding up the whole product; each piece repacks the operand
// that is not split, which costs about 1% per piece.
const chunksPerThread = 3

// idle is where a caller offers a job to helper goroutines. It is the
// package's only shared state besides its pools: a rendezvous, holding no
// results.
var idle struct {
	// helpers counts the helper goroutines started and not yet finished,
	// including those not yet running: a caller starts new helpers only
	// beyond these, so helpers that a busy machine has not scheduled yet
	// do not pile up.
	helpers atomic.Int32
	// handoff is the job most recently offered, until its caller clears it.
	handoff atomic.Pointer[job]
}

// splitKind says which dimension a job's pieces cut.
type splitKind int

const (
	byCols  splitKind = iota // column blocks of C: each repacks op(A)
	byRows                   // row blocks of C: each repacks op(B), unless pre-packed
	byBatch                  // runs of whole products of a strided batch
)

// job is one multiply (or strided batch) shared among goroutines. Jobs
// are recycled through a sync.Pool and helpers are plain goroutines that
// find them in idle.handoff, so a warm parallel call allocates nothing.
//
// A helper may come late, after its caller has finished and the job has
// been reused for another multiply; it then helps with that one, which is
// as good. What it must not do is touch a job between two uses: state
// counts the helpers inside the job and is closed while the job is not
// running, and only enter lets a helper in.
type job struct {
	cfg            *config
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	pb             *PackedB
	batch          int
	strideA        int
	strideB        int
	strideC        int

	split         splitKind
	chunk, chunks int // piece size (rows, columns or products) and count
	threads       int
	next          atomic.Int64   // the next piece to take
	pending       sync.WaitGroup // pieces not yet finished
	state         atomic.Int32   // helpers inside, plus closed when not running
	runs          uint64         // counts the job's uses; set before it opens
}

// closed is the bit of job.state that keeps helpers out.
const closed = 1 << 30

var jobs = sync.Pool{New: func() any {
	j := new(job)
	j.state.Store(closed)
	return j
}}

// newJob returns a closed job for cfg.
func newJob(cfg *config, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) *job {
	j := jobs.Get().(*job)
	j.cfg = cfg
	j.transA, j.transB = transA, transB
	j.m, j.n, j.k = m, n, k
	j.alpha, j.beta = alpha, beta
	j.a, j.b, j.c = a, b, c
	j.lda, j.ldb, j.ldc = lda, ldb, ldc
	return j
}

// plan decides how many goroutines run the job and how it is cut. A
// single product reaches it only when threadsFor allows more than one.
func (j *job) plan() {
	cfg := j.cfg
	t := cfg.threads
	if t == 0 {
		t = runtime.GOMAXPROCS(0)
	}
	mr, nr := cfg.kern.mr, cfg.kern.nr
	switch {
	case j.batch > 1:
		j.split = byBatch
		if t <= 1 || float64(j.batch)*float64(j.m)*float64(j.n)*float64(j.k) < float64(cfg.minWork) {
			j.chunk = j.batch
		} else {
			j.chunk = ceilDiv(j.batch, t*chunksPerThread)
		}
		j.chunks = ceilDiv(j.batch, j.chunk)
	case j.pb != nil || j.m > j.n:
		// With B pre-packed, row pieces repack nothing.
		j.split = byRows
		j.chunk = max(roundUp(ceilDiv(j.m, t*chunksPerThread), mr), 2*mr)
		j.chunks = ceilDiv(j.m, j.chunk)
	default:
		j.split = byCols
		j.chunk = max(roundUp(ceilDiv(j.n, t*chunksPerThread), nr), 2*nr)
		j.chunks = ceilDiv(j.n, j.chunk)
	}
	j.threads = max(1, min(t, j.chunks))
}

// run computes the job on the calling goroutine and up to j.threads-1
// helpers, and puts it back in the pool. It returns when every piece is
// done: a helper that has not joined by then is not waited for.
func (j *job) run() {
	j.next.Store(0)
	j.pending.Add(j.chunks)
	j.runs++
	j.state.Store(0) // open: every field is set
	if j.threads > 1 {
		idle.handoff.Store(j)
		for have := idle.helpers.Load(); have < int32(j.threads-1); have++ {
			idle.helpers.Add(1)
			go helpLoop()
		}
	}
	j.work()
	j.pending.Wait()
	// Close the job and wait for the helpers inside: they have no piece
	// left and are on their way out.
	for j.state.Add(closed); j.state.Load() != closed; {
		runtime.Gosched()
	}
	idle.handoff.CompareAndSwap(j, nil)
	j.cfg, j.pb = nil, nil
	j.a, j.b, j.c = nil, nil, nil
	jobs.Put(j)
}

// enter lets a helper into the job unless it is closed.
func (j *job) enter() bool {
	for {
		s := j.state.Load()
		if s >= closed {
			return false
		}
		if j.state.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// helperLinger is how long an idle helper keeps watching for the next job
// before it exits, so that back-to-back products (the layers of a training
// step) find their helper running instead of waking a new one, which takes
// tens of microseconds: a large share of a 256³ product.
const helperLinger = 50 * time.Microsecond

// helpLoop is the body of a helper goroutine: it works on the job offered
// in idle.handoff, then on each new one offered within helperLinger of
// finishing the last, and exits when none comes.
func helpLoop() {
	defer idle.helpers.Add(-1)
	var last *job
	var lastRun uint64
	deadline := time.Now().Add(helperLinger)
	for {
		if j := idle.handoff.Load(); j != nil && j.enter() {
			// The job may be the one just helped with, still open while
			// its caller finishes, or the same job reused by a later
			// multiply.
			if j != last || j.runs != lastRun {
				j.work()
				last, lastRun = j, j.runs
				deadline = time.Now().Add(helperLinger)
			}
			j.state.Add(-1)
		}
		if time.Now().After(deadline) {
			return
		}
		runtime.Gosched()
	}
}

// work takes pieces until none is left.
func (j *job) work() {
	var ws *workspace
	for {
		i := int(j.next.Add(1) - 1)
		if i >= j.chunks {
			break
		}
		if ws == nil {
			ws = workspaces.Get().(*workspace)
		}
		j.piece(ws, i)
		j.pending.Done()
	}
	if ws != nil {
		workspaces.Put(ws)
	}
}

// piece computes piece i of the job with the buffers in ws.
func (j *job) piece(ws *workspace, i int) {
	cfg := j.cfg
	switch j.split {
	case byCols:
		j0 := i * j.chunk
		j1 := min(j.n, j0+j.chunk)
		b := j.b
		if j.pb == nil {
			if j.transB {
				b = b[j0*j.ldb:]
			} else {
				b = b[j0:]
			}
		}
		cfg.serial(ws, j.transA, j.transB, j.m, j1-j0, j.k, j.alpha, j.a, j.lda, b, j.ldb, j.pb, j0, j.beta, j.c[j0:], j.ldc)
	case byRows:
		i0 := i * j.chunk
		i1 := min(j.m, i0+j.chunk)
		ai := i0 * j.lda
		if j.transA {
			ai = i0
		}
		a := j.a[ai:]
		cfg.serial(ws, j.transA, j.transB, i1-i0, j.n, j.k, j.alpha, a, j.lda, j.b, j.ldb, j.pb, 0, j.beta, j.c[i0*j.ldc:], j.ldc)
	case byBatch:
		for p := i * j.chunk; p < min(j.batch, (i+1)*j.chunk); p++ {
			c := j.c[p*j.strideC:]
			if j.alpha == 0 || j.k == 0 {
				scale(j.m, j.n, j.beta, c, j.ldc)
				continue
			}
			cfg.serial(ws, j.transA, j.transB, j.m, j.n, j.k, j.alpha, j.a[p*j.strideA:], j.lda, j.b[p*j.strideB:], j.ldb, nil, 0, j.beta, c, j.ldc)
		}
	}
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }

package nn

import (
	"math"
	"runtime"
	"slices"
	"testing"
)

// arenaNet is a small model that uses the operations of the training
// benchmarks: dense layers with bias and ReLU, a softmax gate mixing
// stacked branches by a batched product, tanh, pixel shuffle, a
// convolution and two losses.
type arenaNet struct {
	ps         *Params
	fc0, fc1   *Dense
	gate       *Dense
	conv       *Conv
	x, y, img  *Tensor
	imgTarget  *Tensor
	batch, dim int
}

func newArenaNet(batch int) *arenaNet {
	rng := NewRNG(7)
	ps := NewParams()
	n := &arenaNet{ps: ps, batch: batch, dim: 16}
	n.fc0 = NewDense(ps, "fc0", 12, n.dim, rng)
	n.fc1 = NewDense(ps, "fc1", n.dim, n.dim, rng)
	n.gate = NewDense(ps, "gate", 12, 2, rng)
	n.conv = NewConv(ps, "conv", 1, 4, 3, Conv2DOptions{Padding: [2]int{1, 1}}, rng)
	n.x = randTensor(rng, -1, 1, batch, 12)
	n.y = randTensor(rng, 0, 1, batch, 1)
	n.img = randTensor(rng, 0, 1, 2, 1, 6, 6)
	n.imgTarget = randTensor(rng, 0, 1, 2, 1, 12, 12)
	return n
}

// loss computes the model's loss; keep receives the intermediate results
// that a test wants to look at.
func (n *arenaNet) loss(keep func(*Tensor)) *Tensor {
	h := ReLU(n.fc0.Forward(n.x))
	a := ReLU(n.fc1.Forward(h))
	b := Tanh(h)
	w := Softmax(n.gate.Forward(n.x), 1)
	mixed := Reshape(MatMul(Reshape(w, n.batch, 1, 2), Stack(1, a, b)), n.batch, n.dim)
	logit := Sum(mixed, true, 1)
	sr := PixelShuffle(n.conv.Forward(n.img), 2)
	if keep != nil {
		keep(h)
		keep(mixed)
	}
	return Add(BCEWithLogits(logit, n.y), MSE(sr, n.imgTarget))
}

func (n *arenaNet) step(opt *Adam, arena *Arena) float32 {
	n.ps.ZeroGrad()
	loss := n.loss(nil)
	Backward(loss)
	opt.Step()
	v := loss.Item()
	if arena != nil {
		arena.Release()
	}
	return v
}

// TestArenaTrainsIdentically checks that recycling a step's memory changes
// no number: parameters after several steps with an arena equal those
// without one, bit for bit.
func TestArenaTrainsIdentically(t *testing.T) {
	plain, pooled := newArenaNet(5), newArenaNet(5)
	arena := NewArena()
	pooled.ps.SetArena(arena)
	optA, optB := NewAdam(plain.ps.Trainable(), 0.01), NewAdam(pooled.ps.Trainable(), 0.01)
	for step := 0; step < 4; step++ {
		la, lb := plain.step(optA, nil), pooled.step(optB, arena)
		if la != lb {
			t.Fatalf("step %d: loss %v with an arena, %v without", step, lb, la)
		}
	}
	for i, p := range plain.ps.Trainable() {
		q := pooled.ps.Trainable()[i]
		if !slices.Equal(p.Data, q.Data) || !slices.Equal(p.Grad, q.Grad) {
			t.Fatalf("parameter %d differs after training with an arena", i)
		}
	}
}

// TestArenaReusesAndReleases checks the ownership rule: a warm step gets
// its buffers back, results kept past Release lose their data, and
// parameters, gradients and results computed without a graph are not
// touched.
func TestArenaReusesAndReleases(t *testing.T) {
	n := newArenaNet(3)
	arena := NewArena()
	n.ps.SetArena(arena)
	opt := NewAdam(n.ps.Trainable(), 0.01)
	var kept []*Tensor
	firstStep := func() {
		n.ps.ZeroGrad()
		kept = kept[:0]
		loss := n.loss(func(t *Tensor) { kept = append(kept, t) })
		Backward(loss)
		opt.Step()
	}
	firstStep()
	h := kept[0]
	hData := &h.Data[0]
	if h.arena != arena {
		t.Fatal("a result computed from attached parameters does not belong to the arena")
	}
	var inference *Tensor
	n.ps.NoGrad(func() { inference = ReLU(n.fc0.Forward(n.x)) })
	inferenceCopy := slices.Clone(inference.Data)
	w := n.fc0.W
	wData, wGrad := slices.Clone(w.Data), slices.Clone(w.Grad)
	arena.Release()
	for _, k := range kept {
		if k.Data != nil || k.node != nil {
			t.Fatalf("result of shape %v kept past Release still has data or a graph", k.Shape)
		}
	}
	if !slices.Equal(inference.Data, inferenceCopy) || inference.arena != nil {
		t.Error("Release changed a result computed without a graph")
	}
	if !slices.Equal(w.Data, wData) || !slices.Equal(w.Grad, wGrad) {
		t.Error("Release changed a parameter or its gradient")
	}
	firstStep()
	if &kept[0].Data[0] != hData {
		t.Error("the second step did not reuse the first step's buffer for the same result")
	}
	arena.Release()
}

// TestArenaWarmStepAllocates checks that with an arena a warm step
// allocates only the graph's small headers: far fewer bytes, and fewer
// objects, than the same step without one.
func TestArenaWarmStepAllocates(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	perStep := func(arena *Arena) (allocs float64, bytes uint64) {
		n := newArenaNet(256)
		if arena != nil {
			n.ps.SetArena(arena)
		}
		opt := NewAdam(n.ps.Trainable(), 0.01)
		n.step(opt, arena)
		allocs = testing.AllocsPerRun(5, func() { n.step(opt, arena) })
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < 5; i++ {
			n.step(opt, arena)
		}
		runtime.ReadMemStats(&after)
		return allocs, (after.TotalAlloc - before.TotalAlloc) / 5
	}
	plainAllocs, plainBytes := perStep(nil)
	allocs, bytes := perStep(NewArena())
	if allocs >= plainAllocs || bytes*8 > plainBytes {
		t.Errorf("warm step: %v allocations, %d bytes with an arena; %v, %d without", allocs, bytes, plainAllocs, plainBytes)
	}
}

// TestArenaBackwardTwice checks that the multi-task pattern — several
// Backward calls on losses that share a graph — works with an arena.
func TestArenaBackwardTwice(t *testing.T) {
	for _, withArena := range []bool{false, true} {
		n := newArenaNet(4)
		if withArena {
			n.ps.SetArena(NewArena())
		}
		h := ReLU(n.fc0.Forward(n.x))
		l1, l2 := SumAll(h), MeanAll(Square(h))
		Backward(l1)
		g1 := slices.Clone(n.fc0.W.Grad)
		Backward(l2)
		n2 := newArenaNet(4)
		Backward(MeanAll(Square(ReLU(n2.fc0.Forward(n2.x)))))
		for i := range g1 {
			want := g1[i] + n2.fc0.W.Grad[i]
			if d := math.Abs(float64(n.fc0.W.Grad[i] - want)); d > 1e-6*(1+math.Abs(float64(want))) {
				t.Fatalf("arena %v: gradient %d after two Backward calls %v, want %v", withArena, i, n.fc0.W.Grad[i], want)
			}
		}
	}
}

// TestParallelOpsMatchSerial runs the operations that split their work
// across goroutines on sizes large enough to split, forward and backward,
// on 1 and 3 threads: every split keeps each element's arithmetic, so the
// results must be identical.
func TestParallelOpsMatchSerial(t *testing.T) {
	run := func(procs int) [][]float32 {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		rng := NewRNG(3)
		// Sizes chosen so that every operation below splits (see
		// elementwiseMinCost and workersFor).
		const batch, in, hidden, experts = 512, 24, 160, 8
		x := randTensor(rng, -1, 1, batch, in)
		var params []*Tensor
		var outs []*Tensor
		for e := 0; e < experts; e++ {
			w, b := randTensor(rng, -0.3, 0.3, in, hidden), randTensor(rng, -0.1, 0.1, hidden)
			w.SetRequiresGrad(true)
			b.SetRequiresGrad(true)
			params = append(params, w, b)
			outs = append(outs, ReLU(Add(MatMul(x, w), b)))
		}
		gw := randTensor(rng, -0.3, 0.3, in, experts)
		gw.SetRequiresGrad(true)
		params = append(params, gw)
		gate := Softmax(MatMul(x, gw), 1)
		mixed := MatMul(Reshape(gate, batch, 1, experts), Stack(1, outs...))
		img := Reshape(mixed, 4, 4*4, 32, 40)
		sr := Tanh(PixelShuffle(img, 2))
		loss := MeanAll(Square(sr))
		Backward(loss)
		opt := NewAdamW(params, 0.01)
		opt.Step()
		opt.Step()
		res := [][]float32{loss.Data, mixed.Data}
		for _, p := range params {
			res = append(res, p.Data, p.Grad)
		}
		return res
	}
	one, three := run(1), run(3)
	for i := range one {
		if !slices.Equal(one[i], three[i]) {
			t.Fatalf("result %d differs between 1 and 3 threads", i)
		}
	}
}

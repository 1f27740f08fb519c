// Package mcts is Monte Carlo tree search for NoGo and Atari-Go: UCT with
// RAVE (AMAF statistics), playouts that know each game, tree reuse between
// moves, tree parallelism with virtual loss, budgets in playouts or time,
// and a resign threshold.
//
// A Tree holds the position and the search tree; Search grows it, Advance
// follows a played move and keeps the subtree below it. Leaves are valued
// by an Evaluator, by default a Rollout with game knowledge.
package mcts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trident-lab/trident/games/board"
)

// scale turns values in [0, 1] into the integers node statistics hold.
const scale = 1 << 10

// node is one move in the tree. Statistics are from the point of view of
// the player who made move; they are updated atomically when several
// workers share the tree (see istat).
type node struct {
	move board.Point
	// flags holds expanding and terminal: beside move, in what would
	// otherwise be padding, so that a node is 40 bytes rather than 48.
	// Selection scans every child of every node on its path, and past the
	// first levels of a large tree those are cold in the cache.
	flags  atomic.Uint32
	visits istat // including virtual losses in flight
	wins   istat // sum of values × scale
	// amaf packs the AMAF samples (above amafShift) and their wins × scale
	// (below) into one word: the AMAF update, the search's most frequent
	// write, is then one add per credited child rather than two.
	amaf     ustat
	children atomic.Pointer[children]
}

// Node flags. expanding is claimed by the worker that grows a node's
// children; terminal marks a finished game.
const (
	expanding = 1 << iota
	terminal
)

// claim sets flag f and reports whether this call set it.
func (n *node) claim(f uint32) bool { return n.flags.Or(f)&f == 0 }

// has reports whether flag f is set.
func (n *node) has(f uint32) bool { return n.flags.Load()&f != 0 }

// istat and ustat are node statistics. Loads are atomic. Adds are atomic
// when the search has several workers (shared), and plain when it has one:
// then no other goroutine touches the tree while Search runs, and a locked
// add, which waits for every pending store, costs tens of cycles where a
// plain one costs one; a simulation makes a few hundred adds, mostly AMAF
// updates.
type istat struct{ v int64 }

// Load returns the value.
func (s *istat) Load() int64 { return atomic.LoadInt64(&s.v) }

// Store sets the value.
func (s *istat) Store(v int64) { atomic.StoreInt64(&s.v, v) }

// Add adds d, atomically if shared.
func (s *istat) Add(d int64, shared bool) {
	if shared {
		atomic.AddInt64(&s.v, d)
	} else {
		s.v += d
	}
}

// ustat is istat for unsigned words.
type ustat struct{ v uint64 }

// Load returns the value.
func (s *ustat) Load() uint64 { return atomic.LoadUint64(&s.v) }

// Store sets the value.
func (s *ustat) Store(v uint64) { atomic.StoreUint64(&s.v, v) }

// Add adds d, atomically if shared.
func (s *ustat) Add(d uint64, shared bool) {
	if shared {
		atomic.AddUint64(&s.v, d)
	} else {
		s.v += d
	}
}

const (
	amafShift    = 40
	amafWinsMask = 1<<amafShift - 1
	// amafCap is where a child's AMAF statistics stop growing, far below
	// what the 24 bits above amafShift hold, and far past where their mean
	// stops changing: after it their wins, at most amafCap×scale, cannot
	// reach the sample bits.
	amafCap = 1 << 22
)

// children is a node's expansion: one node per legal move, points in
// increasing order and then Pass where passing is allowed, and the set of
// those points, so that the child of a point is found by counting the
// points below it (the AMAF update credits children by their moves).
type children struct {
	points board.Bitboard
	nodes  []node
}

// amafStats unpacks node.amaf into samples and wins × scale.
func amafStats(a uint64) (samples, wins uint64) { return a >> amafShift, a & amafWinsMask }

// Config sets up a search. The zero value of a field picks the default
// given beside it.
type Config struct {
	// Threads is the number of search workers (default runtime.NumCPU()).
	Threads int
	// NoRAVE turns AMAF statistics off: plain UCT.
	NoRAVE bool
	// Exploration is the UCB constant (default 0.25 with RAVE, 0.7 without).
	Exploration float64
	// RAVEBias is b in Silver's RAVE weight β = ñ/(n+ñ+4b²nñ) (default 0.1).
	RAVEBias float64
	// ExpandAfter is the visits a leaf needs before it grows children
	// (default 2).
	ExpandAfter int
	// MaxNodes bounds the tree; past it leaves stop growing (default 4M,
	// about 200 MB).
	MaxNodes int
	// ResignBelow makes Search advise resigning when the best move's win
	// rate is below it after at least 1000 playouts (0: never resign).
	ResignBelow float64
	// Evaluator values leaves (default Rollout{Knowledge: true}).
	Evaluator Evaluator
	// Seed makes the search's random streams reproducible for one thread.
	Seed uint64
}

func (c Config) withDefaults() Config {
	if c.Threads <= 0 {
		c.Threads = runtime.NumCPU()
	}
	if c.Exploration == 0 {
		c.Exploration = 0.25
		if c.NoRAVE {
			c.Exploration = 0.7
		}
	}
	if c.RAVEBias == 0 {
		c.RAVEBias = 0.1
	}
	if c.ExpandAfter <= 0 {
		c.ExpandAfter = 2
	}
	if c.MaxNodes <= 0 {
		c.MaxNodes = 4 << 20
	}
	if c.Evaluator == nil {
		c.Evaluator = Rollout{Knowledge: true}
	}
	return c
}

// Budget bounds one Search: it stops at whichever limit comes first. At
// least one must be set (a cancelled context also stops it).
type Budget struct {
	Playouts int
	Time     time.Duration
}

// Result is what a Search found.
type Result struct {
	// Move is the most visited move at the root; board.Pass when the game
	// is over or passing is the only move.
	Move board.Point
	// WinRate is the chance to win for the player to move, as estimated
	// from Move's statistics.
	WinRate float64
	// Resign is true when WinRate fell below Config.ResignBelow.
	Resign bool
	// Playouts is the number of simulations this Search ran; Reused is
	// the visits the root already had from earlier searches.
	Playouts, Reused int
	Elapsed          time.Duration
	// PV is the principal variation: most visited moves from the root.
	PV []board.Point
}

// Tree is a position and its search tree. Its methods are not safe for
// concurrent use; Search runs its own workers inside.
type Tree struct {
	cfg   Config
	pos   *board.Board
	root  *node
	nodes atomic.Int64
	seeds uint64
}

// New returns a Tree searching from a copy of b.
func New(b *board.Board, cfg Config) *Tree {
	t := &Tree{cfg: cfg.withDefaults(), seeds: cfg.Seed}
	t.Reset(b)
	return t
}

// Reset throws the tree away and starts from a copy of b.
func (t *Tree) Reset(b *board.Board) {
	t.pos = b.Clone()
	t.root = &node{move: board.Pass}
	t.nodes.Store(1)
}

// Position returns a copy of the tree's current position.
func (t *Tree) Position() *board.Board { return t.pos.Clone() }

// Advance plays p in the tree's position and keeps the subtree below it
// for the next search. An illegal p is an error and changes nothing.
func (t *Tree) Advance(p board.Point) error {
	if err := t.pos.Play(p); err != nil {
		return fmt.Errorf("mcts: advance: %w", err)
	}
	if ch := t.root.children.Load(); ch != nil {
		for i := range ch.nodes {
			if ch.nodes[i].move == p {
				t.root = &ch.nodes[i]
				// The rest of the old tree is garbage now: count what is
				// kept, so MaxNodes bounds live nodes.
				t.nodes.Store(countNodes(t.root))
				return nil
			}
		}
	}
	t.root = &node{move: p}
	t.nodes.Store(1)
	return nil
}

// countNodes counts n and the nodes below it.
func countNodes(n *node) int64 {
	count := int64(0)
	stack := []*node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		if ch := n.children.Load(); ch != nil {
			for i := range ch.nodes {
				stack = append(stack, &ch.nodes[i])
			}
		}
	}
	return count
}

// Search grows the tree within budget and returns the best move.
func (t *Tree) Search(ctx context.Context, budget Budget) (Result, error) {
	if budget.Playouts <= 0 && budget.Time <= 0 {
		return Result{}, errors.New("mcts: search budget has neither playouts nor time")
	}
	start := time.Now()
	res := Result{Move: board.Pass, Reused: int(t.root.visits.Load())}
	if t.pos.Over() {
		res.WinRate = outcome(t.pos.ToMove(), t.pos.Winner())
		return res, nil
	}
	// The root is grown before any playout, so that even a search that
	// runs too few playouts to grow it (a budget of one or two, or a
	// deadline that passes before a loaded machine runs any) has a legal
	// move to return.
	if t.root.children.Load() == nil && t.root.claim(expanding) {
		t.grow(t.root, t.pos.LegalMoves(nil))
	}
	var deadline time.Time
	if budget.Time > 0 {
		deadline = start.Add(budget.Time)
	}
	// NoGo rollouts run on a board.Playout: load the root once, and let
	// the workers copy it and play the tree moves on the copy too, rather
	// than copy the Board, play on it and load the leaf every simulation.
	var rootPO *board.Playout
	rollout, isRollout := t.cfg.Evaluator.(Rollout)
	if isRollout && t.pos.Rules().Game == board.NoGo {
		rootPO = new(board.Playout)
		if err := rootPO.Load(t.pos); err != nil {
			return res, fmt.Errorf("mcts: %w", err)
		}
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < t.cfg.Threads; w++ {
		t.seeds++
		s := NewScratch(t.seeds*0x2545f4914f6cdd1d + 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := worker{t: t, s: s, b: t.pos.Clone(), root: rootPO, rollout: rollout, shared: t.cfg.Threads > 1}
			for i := 0; ; i++ {
				if budget.Playouts > 0 && done.Add(1) > int64(budget.Playouts) {
					return
				}
				if i&15 == 0 {
					if ctx.Err() != nil || (!deadline.IsZero() && time.Now().After(deadline)) {
						return
					}
				}
				wk.simulate()
				if budget.Playouts <= 0 {
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	res.Playouts = int(min(done.Load(), int64(max(budget.Playouts, 0))))
	if budget.Playouts <= 0 {
		res.Playouts = int(done.Load())
	}
	res.Elapsed = time.Since(start)
	best := bestChild(t.root)
	if best == nil {
		return res, nil
	}
	res.Move = best.move
	res.WinRate = mean(best)
	res.PV = t.pv()
	if t.cfg.ResignBelow > 0 && best.visits.Load() >= 1000 && res.WinRate < t.cfg.ResignBelow {
		res.Resign = true
	}
	return res, ctx.Err()
}

func mean(n *node) float64 {
	v := n.visits.Load()
	if v == 0 {
		return 0.5
	}
	return float64(n.wins.Load()) / float64(v*scale)
}

// bestChild is the most visited child, nil when there is none.
func bestChild(n *node) *node {
	ch := n.children.Load()
	if ch == nil {
		return nil
	}
	var best *node
	for i := range ch.nodes {
		c := &ch.nodes[i]
		if best == nil || c.visits.Load() > best.visits.Load() {
			best = c
		}
	}
	return best
}

func (t *Tree) pv() []board.Point {
	var pv []board.Point
	for n := bestChild(t.root); n != nil && len(pv) < 20 && n.visits.Load() > 0; n = bestChild(n) {
		pv = append(pv, n.move)
	}
	return pv
}

// RootStats lists the root's children: move, visits and win rate for the
// player to move, most visited first.
func (t *Tree) RootStats() []MoveStat {
	ch := t.root.children.Load()
	if ch == nil {
		return nil
	}
	out := make([]MoveStat, 0, len(ch.nodes))
	for i := range ch.nodes {
		c := &ch.nodes[i]
		out = append(out, MoveStat{Move: c.move, Visits: int(c.visits.Load()), WinRate: mean(c)})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Visits > out[j-1].Visits; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// MoveStat is one root move's statistics.
type MoveStat struct {
	Move    board.Point
	Visits  int
	WinRate float64
}

// worker runs simulations with its own board and scratch.
type worker struct {
	t *Tree
	s *Scratch
	b *board.Board
	// root, for NoGo with the Rollout evaluator, is the tree's position as
	// a Playout: simulations then run on the scratch's Playout, a copy of
	// it, with rollout; b is unused.
	root    *board.Playout
	rollout Rollout
	path    []*node
	// shared is set when other workers search the same tree: statistics
	// are then updated atomically.
	shared bool
}

// simulate runs one selection, expansion, evaluation and backup.
func (w *worker) simulate() {
	t := w.t
	po, b := &w.s.po, w.b
	if w.root != nil {
		po.CopyFrom(w.root)
	} else {
		b.CopyFrom(t.pos)
	}
	rootColor := t.pos.ToMove()
	w.s.Moves = w.s.Moves[:0]
	w.path = append(w.path[:0], t.root)
	n := t.root
	n.visits.Add(1, w.shared) // virtual loss
	for {
		ch := n.children.Load()
		if ch == nil {
			break
		}
		c := w.selectChild(n, ch.nodes)
		c.visits.Add(1, w.shared)
		// c joins the path before its move is tried, so that a failure
		// below takes back c's virtual loss too.
		w.path = append(w.path, c)
		var err error
		if w.root != nil {
			err = po.Play(c.move)
		} else {
			err = b.Play(c.move)
		}
		if err != nil {
			// The tree only holds legal moves; give up this simulation
			// rather than corrupt statistics.
			w.undoVirtual()
			return
		}
		w.s.Moves = append(w.s.Moves, c.move)
		n = c
	}
	treeMoves := len(w.s.Moves)
	var v float64 // for the player to move at the leaf
	over := n.has(terminal)
	if !over {
		if w.root != nil {
			over = po.Over()
		} else {
			over = b.Over()
		}
	}
	switch {
	case over:
		n.claim(terminal)
		if w.root != nil {
			// A finished NoGo game is lost by the player to move.
			v = 0
		} else {
			v = outcome(b.ToMove(), b.Winner())
		}
	default:
		if n.visits.Load() > int64(t.cfg.ExpandAfter) && t.nodes.Load() < int64(t.cfg.MaxNodes) &&
			n.claim(expanding) {
			w.expand(n)
		}
		if w.root != nil {
			v = w.rollout.evaluateNoGo(w.s)
		} else {
			v = t.cfg.Evaluator.Evaluate(b, w.s)
		}
	}
	// Back up: the leaf's mover sees 1-v; colours alternate up the path.
	leafToMove := rootColor
	if len(w.path)%2 == 0 {
		leafToMove = rootColor.Opponent()
	}
	val := 1 - v // for the mover into the leaf
	for i := len(w.path) - 1; i >= 0; i-- {
		w.path[i].wins.Add(int64(val*scale), w.shared)
		val = 1 - val
	}
	if !t.cfg.NoRAVE {
		w.updateAMAF(treeMoves, rootColor, leafToMove, v)
	}
}

func (w *worker) undoVirtual() {
	for _, n := range w.path {
		n.visits.Add(-1, w.shared)
	}
}

// expand gives n one child per legal move of the worker's position.
func (w *worker) expand(n *node) {
	var moves []board.Point
	if w.root != nil {
		legal := w.s.po.LegalSet(w.s.po.ToMove())
		moves = legal.AppendPoints(w.s.pts[:0])
	} else {
		moves = w.b.LegalMoves(w.s.pts[:0])
	}
	w.s.pts = moves
	w.t.grow(n, moves)
}

// grow gives n one child per move of moves, legal moves in increasing
// order of points and then Pass where passing is allowed.
func (t *Tree) grow(n *node, moves []board.Point) {
	ch := &children{nodes: make([]node, len(moves))}
	for i, p := range moves {
		ch.nodes[i].move = p
		if p != board.Pass {
			ch.points.Set(p)
		}
	}
	t.nodes.Add(int64(len(ch.nodes)))
	n.children.Store(ch)
}

// selectChild picks the child with the highest UCB value, blending its own
// mean with its AMAF mean by Silver's β.
func (w *worker) selectChild(n *node, ch []node) *node {
	cfg := &w.t.cfg
	// UCB's exploration term c·√(ln N / n) is c·√(ln N) · 1/√n: the first
	// factor once per node, the second from a table for the small counts
	// that most children have.
	explore := cfg.Exploration * sqrtLog(n.visits.Load())
	// Children are scanned from a random start so that ties go to a random
	// child, which keeps threads from piling onto one of them: the slice
	// from start, then the one before it.
	start := 0
	if len(ch) > 1 {
		start = w.s.intn(len(ch))
	}
	if cfg.NoRAVE {
		return selectUCT(ch, start, explore)
	}
	b2 := 4 * cfg.RAVEBias * cfg.RAVEBias
	var best *node
	bestV := math.Inf(-1)
	for _, part := range [2][]node{ch[start:], ch[:start]} {
		for i := range part {
			c := &part[i]
			// With n visits of W wins and ñ AMAF samples of A wins (both
			// × scale), the blended mean ((1−β)·W/n + β·A/ñ)/scale with
			// β = ñ/(n+ñ+b²nñ) is, over one denominator,
			//
			//	(W·(1+b²ñ) + A) / scale / (n + ñ + b²nñ)
			//
			// one division, where the two means and β take three (the
			// means come from a table only for small counts, and the
			// root's children have thousands of AMAF samples). The same
			// expression is right without visits (β = 1: the AMAF mean)
			// and without samples (β = 0). With neither, z = 1 makes it
			// the first-play urgency over 1. Branch-free, since whether a
			// child has visits or samples is a coin toss for the branch
			// predictor.
			visits := c.visits.Load()
			av, aw := amafStats(c.amaf.Load())
			fv, fa := float64(visits), float64(av)
			z := float64(b2i(visits|int64(av) == 0))
			num := (float64(c.wins.Load())*(1+b2*fa)+float64(aw))*(1.0/scale) + firstPlay*z
			q := num / (fv + fa + b2*fv*fa + z)
			if v := q + explore*recipSqrt(visits); v > bestV {
				best, bestV = c, v
			}
		}
	}
	return best
}

// selectUCT is selectChild without RAVE: plain UCB1 with first-play
// urgency, scanning ch from start. Its means come from the table, with
// no division for the small counts most children have.
func selectUCT(ch []node, start int, explore float64) *node {
	var best *node
	bestV := math.Inf(-1)
	for _, part := range [2][]node{ch[start:], ch[:start]} {
		for i := range part {
			c := &part[i]
			mean, rs, first := ucbFactors(c.visits.Load())
			if v := float64(c.wins.Load())*mean + first + explore*rs; v > bestV {
				best, bestV = c, v
			}
		}
	}
	return best
}

// tableSize bounds the counts whose factors come from ucbTable and
// sqrtLogTable; larger ones, rare outside the root, are computed.
const tableSize = 1024

// firstPlay is the mean given to a child without visits: first-play
// urgency, so that unvisited moves are tried before weak ones.
const firstPlay = 1.1

// ucbRow is what selectChild needs of a count n: the factor (1/n)/scale
// that turns wins × scale into a mean (plain UCT), 1/√n, and the
// first-play urgency; at n = 0, 0, 1 and firstPlay, and the urgency is 0
// for n > 0.
type ucbRow struct{ mean, recipSqrt, first float64 }

// ucbTable holds the rows of the counts below tableSize, one load away.
var ucbTable = func() (t [tableSize]ucbRow) {
	t[0] = ucbRow{0, 1, firstPlay}
	for n := 1; n < tableSize; n++ {
		t[n] = ucbRow{1 / float64(n) / scale, 1 / math.Sqrt(float64(n)), 0}
	}
	return t
}()

// ucbFactors returns the ucbRow of a count n ≥ 0.
func ucbFactors(n int64) (mean, recipSqrt, first float64) {
	if uint64(n) < tableSize {
		r := &ucbTable[n]
		return r.mean, r.recipSqrt, r.first
	}
	return 1 / float64(n) / scale, 1 / math.Sqrt(float64(n)), 0
}

// recipSqrtTable holds 1/√n for n < tableSize, and 1 at n = 0: the only
// column of ucbTable that RAVE selection reads, packed into 8 KB rather
// than every third word of 24 KB, which would crowd the L1 cache.
var recipSqrtTable = func() (t [tableSize]float64) {
	for n := range t {
		t[n] = ucbTable[n].recipSqrt
	}
	return t
}()

// recipSqrt returns 1/√n for a count n ≥ 0, and 1 at n = 0.
func recipSqrt(n int64) float64 {
	if uint64(n) < tableSize {
		return recipSqrtTable[n]
	}
	return 1 / math.Sqrt(float64(n))
}

// sqrtLogTable holds √(ln n) for n < tableSize.
var sqrtLogTable = func() (t [tableSize]float64) {
	for n := 2; n < tableSize; n++ {
		t[n] = math.Sqrt(math.Log(float64(n)))
	}
	return t
}()

// sqrtLog returns √(ln n), and 0 for n ≤ 1.
func sqrtLog(n int64) float64 {
	if n < tableSize {
		return sqrtLogTable[max(n, 0)]
	}
	return math.Sqrt(math.Log(float64(n)))
}

// updateAMAF credits, at each node of the path, every child whose move the
// player to move there played later in the simulation.
func (w *worker) updateAMAF(treeMoves int, rootColor, leafToMove board.Color, v float64) {
	// credit[c] holds the points c played first from the current depth
	// on: built from the playout, then extended by each tree move on the
	// way up.
	var credit [3]board.Bitboard
	moves := w.s.Moves
	// Playout moves alternate from the leaf's player to move.
	c := leafToMove
	for _, p := range moves[treeMoves:] {
		if p != board.Pass && !credit[c.Opponent()].Has(p) {
			credit[c].Set(p)
		}
		c = c.Opponent()
	}
	for d := len(w.path) - 1; d >= 0; d-- {
		toMove := rootColor
		if d%2 == 1 {
			toMove = rootColor.Opponent()
		}
		if d < treeMoves {
			// Tree moves come first in the game, so they win any clash
			// with a later playout move on a recaptured point.
			if p := moves[d]; p != board.Pass {
				credit[toMove].Set(p)
				credit[toMove.Opponent()].Clear(p)
			}
		}
		ch := w.path[d].children.Load()
		if ch == nil {
			continue
		}
		// v is for leafToMove; the children here are toMove's moves.
		val := v
		if toMove != leafToMove {
			val = 1 - v
		}
		add := 1<<amafShift | uint64(val*scale)
		// Visit only the credited children: the child of point p is the
		// one after every child point below p. No test per child, whose
		// outcome is a coin toss for the branch predictor.
		base := 0
		for i, pts := range ch.points {
			hits := pts & credit[toMove][i]
			for hits != 0 {
				low := hits & -hits
				hits ^= low
				c := &ch.nodes[base+bits.OnesCount64(pts&(low-1))]
				if c.amaf.Load() < amafCap<<amafShift {
					c.amaf.Add(add, w.shared)
				}
			}
			base += bits.OnesCount64(pts)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

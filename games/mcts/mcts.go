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
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trident-lab/trident/games/board"
)

// scale turns values in [0, 1] into the integers node statistics hold.
const scale = 1 << 10

// node is one move in the tree. Statistics are from the point of view of
// the player who made move; they are updated atomically by all workers.
type node struct {
	move       board.Point
	visits     atomic.Int64 // including virtual losses in flight
	wins       atomic.Int64 // sum of values × scale
	amafVisits atomic.Int64
	amafWins   atomic.Int64
	children   atomic.Pointer[[]node]
	expanding  atomic.Bool
	// terminal marks a finished game; value is then the mover's result.
	terminal atomic.Bool
}

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
	// about 250 MB).
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
		for i := range *ch {
			if (*ch)[i].move == p {
				t.root = &(*ch)[i]
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
			for i := range *ch {
				stack = append(stack, &(*ch)[i])
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
	var deadline time.Time
	if budget.Time > 0 {
		deadline = start.Add(budget.Time)
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < t.cfg.Threads; w++ {
		t.seeds++
		s := NewScratch(t.seeds*0x2545f4914f6cdd1d + 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := worker{t: t, s: s, b: t.pos.Clone()}
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
	for i := range *ch {
		c := &(*ch)[i]
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
	out := make([]MoveStat, 0, len(*ch))
	for i := range *ch {
		c := &(*ch)[i]
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
	t    *Tree
	s    *Scratch
	b    *board.Board
	path []*node
	mark [3][board.MaxPoints]uint32
	gen  uint32
}

// simulate runs one selection, expansion, evaluation and backup.
func (w *worker) simulate() {
	t := w.t
	b := w.b
	b.CopyFrom(t.pos)
	rootColor := b.ToMove()
	w.s.Moves = w.s.Moves[:0]
	w.path = append(w.path[:0], t.root)
	n := t.root
	n.visits.Add(1) // virtual loss
	for {
		ch := n.children.Load()
		if ch == nil {
			break
		}
		c := w.selectChild(n, *ch)
		c.visits.Add(1)
		if err := b.Play(c.move); err != nil {
			// The tree only holds legal moves; give up this simulation
			// rather than corrupt statistics.
			w.undoVirtual()
			return
		}
		w.s.Moves = append(w.s.Moves, c.move)
		w.path = append(w.path, c)
		n = c
	}
	treeMoves := len(w.s.Moves)
	var v float64 // for the player to move at the leaf
	switch {
	case n.terminal.Load() || b.Over():
		n.terminal.Store(true)
		v = outcome(b.ToMove(), b.Winner())
	default:
		if n.visits.Load() > int64(t.cfg.ExpandAfter) && t.nodes.Load() < int64(t.cfg.MaxNodes) &&
			n.expanding.CompareAndSwap(false, true) {
			w.expand(n)
		}
		v = t.cfg.Evaluator.Evaluate(b, w.s)
	}
	// Back up: the leaf's mover sees 1-v; colours alternate up the path.
	leafToMove := rootColor
	if len(w.path)%2 == 0 {
		leafToMove = rootColor.Opponent()
	}
	val := 1 - v // for the mover into the leaf
	for i := len(w.path) - 1; i >= 0; i-- {
		w.path[i].wins.Add(int64(val * scale))
		val = 1 - val
	}
	if !t.cfg.NoRAVE {
		w.updateAMAF(treeMoves, rootColor, leafToMove, v)
	}
}

func (w *worker) undoVirtual() {
	for _, n := range w.path {
		n.visits.Add(-1)
	}
}

// expand gives n one child per legal move of the worker's board.
func (w *worker) expand(n *node) {
	moves := w.b.LegalMoves(w.s.pts[:0])
	w.s.pts = moves
	ch := make([]node, len(moves))
	for i, p := range moves {
		ch[i].move = p
	}
	w.t.nodes.Add(int64(len(ch)))
	n.children.Store(&ch)
}

// selectChild picks the child with the highest UCB value, blending its own
// mean with its AMAF mean by Silver's β.
func (w *worker) selectChild(n *node, ch []node) *node {
	cfg := &w.t.cfg
	logN := math.Log(float64(max(n.visits.Load(), 1)))
	b2 := 4 * cfg.RAVEBias * cfg.RAVEBias
	var best *node
	bestV := math.Inf(-1)
	// Children are scanned from a random start so that ties go to a random
	// child, which keeps threads from piling onto one of them.
	start := 0
	if len(ch) > 1 {
		start = w.s.Rand.IntN(len(ch))
	}
	for j := range ch {
		i := j + start
		if i >= len(ch) {
			i -= len(ch)
		}
		c := &ch[i]
		visits := float64(c.visits.Load())
		wins := float64(c.wins.Load()) / scale
		var v float64
		q := 1.1 // first-play urgency: try unvisited moves before weak ones
		if visits > 0 {
			q = wins / visits
		}
		if !cfg.NoRAVE {
			av := float64(c.amafVisits.Load())
			if av > 0 {
				aq := float64(c.amafWins.Load()) / scale / av
				if visits == 0 {
					q = aq
				} else {
					beta := av / (visits + av + b2*visits*av)
					q = (1-beta)*q + beta*aq
				}
			}
		}
		v = q
		if visits > 0 {
			v += cfg.Exploration * math.Sqrt(logN/visits)
		} else {
			v += cfg.Exploration * math.Sqrt(logN)
		}
		if v > bestV {
			best, bestV = c, v
		}
	}
	return best
}

// updateAMAF credits, at each node of the path, every child whose move the
// player to move there played later in the simulation.
func (w *worker) updateAMAF(treeMoves int, rootColor, leafToMove board.Color, v float64) {
	w.gen++
	if w.gen == 0 {
		w.mark = [3][board.MaxPoints]uint32{}
		w.gen = 1
	}
	moves := w.s.Moves
	// Playout moves alternate from the leaf's player to move.
	c := leafToMove
	for _, p := range moves[treeMoves:] {
		if p != board.Pass && w.mark[c.Opponent()][p] != w.gen {
			w.mark[c][p] = w.gen
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
				w.mark[toMove][p] = w.gen
				w.mark[toMove.Opponent()][p] = 0
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
		add := int64(val * scale)
		for i := range *ch {
			c := &(*ch)[i]
			if c.move != board.Pass && w.mark[toMove][c.move] == w.gen {
				c.amafVisits.Add(1)
				c.amafWins.Add(add)
			}
		}
	}
}

// Package solve computes the exact game-theoretic value of NoGo and
// Atari-Go positions by depth-first proof-number search (df-pn, Nagai 2002)
// in negamax form. Disproof numbers follow weak proof-number search (the
// largest child proof number plus the other unproven children, not their
// sum), which counts a position reached by many move orders once; with it
// the 1+ε threshold trick (Pawlewicz and Lew 2007), which the solver used
// before, no longer paid (see docs/BENCHMARKS.md).
//
// Positions are stored in a fixed-size transposition table under their
// canonical Zobrist key, the smallest over the board's symmetries, so the
// eight images of a square position are searched once; sibling moves that
// lead to symmetric positions are merged. Game knowledge orders the search
// and prunes it:
//
//   - every new node is scored by its mobility: a proof needs one move, a
//     disproof all of them, so a node starts with proof number 1 and
//     disproof number three times its count of legal moves, and search goes
//     first to moves that leave the opponent the fewest replies;
//   - the reply that makes the position its own colour-swapped mirror image
//     is tried first (on 4×4 NoGo, White's winning answers to Black's first
//     moves are reflections);
//   - NoGo positions late in the game are settled by counting the moves in
//     each player's safe points (eyes and other points the opponent may
//     never play nor touch), which the opponent cannot take away, against the
//     most moves the opponent could still make, which is at most its legal
//     points now: in NoGo a point illegal for a player never becomes legal
//     for it again (see nogo.go);
//   - NoGo positions whose live points fall apart into independent regions
//     of at most maxRegion points are the disjunctive sum of those regions
//     and are settled exactly by combinatorial game theory: each region's
//     canonical value is computed once and memoised, and the sum's sign
//     gives the winner (see regions.go and cgt.go);
//   - NoGo positions with at most endgamePoints live points are solved
//     outright by a plain alternating search on 64-bit boards with its own
//     cache and move order (see endgame.go), much cheaper per position.
//     The reserve count and the regions' values above apply to bigger
//     positions past half the board, so on boards of up to 24 points,
//     where no such position exists, this search settles every late one;
//   - a node's children are scored one by one, and scoring stops at the
//     first that is lost for the opponent: the node is proven, and the
//     others would each have cost an endgame search;
//   - in Atari-Go to one capture, a player who can capture wins at once, a
//     player with stones in atari on two different points loses, one in
//     atari on one point must play there, and moves into self-atari lose at
//     once and are not searched.
//
// Search is cancelled through its context and reports progress to a callback.
package solve

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"time"

	"github.com/trident-lab/trident/games/board"
)

// inf is the proof or disproof number of a settled node.
const inf = 1 << 30

// dnScale weighs a new node's move count in its disproof number. Above 1
// it keeps search on the mirror reply and other expanded lines longer:
// measured on NoGo 4×4 it cuts nodes from 289k (1) to 129k (3); 10 and 30
// do worse (163k).
const dnScale = 3

// maxRegion is the most live points of a NoGo region that the solver
// values as a combinatorial game instead of searching.
const maxRegion = 10

// endgamePoints is the most live points (legal for someone) of a NoGo
// position that the solver hands to the endgame search, whose cache has
// half as many entries as the transposition table (at most 16M). The
// endgame search is much cheaper per position but searches blindly, so
// the best size depends on the board; on NoGo 4×5, the largest board
// measured, 10, 12 and 14 took 9.8, 7.0 and 11.6 CPU seconds (12 cut
// proof-number nodes 46×, from 1.34M at 8); 12 costs 4×4 and 2×9 somewhat
// more than 10 (see docs/BENCHMARKS.md).
const endgamePoints = 12

// Stats describe a search in progress or finished.
type Stats struct {
	Nodes int64 // nodes expanded (children generated)
	// EndgameNodes counts the positions the NoGo endgame search visited
	// (see endgame.go); they are not in Nodes.
	EndgameNodes int64
	Elapsed      time.Duration // time since the search began
	// PN and DN are the root's proof and disproof numbers: the player to
	// move wins when PN is 0 and loses when DN is 0.
	PN, DN int64
	// TTUsed is the share of transposition-table slots in use, 0 to 1.
	TTUsed float64
}

// Options tune a search. The zero value is usable.
type Options struct {
	// TTBits is log2 of the number of transposition-table entries (24
	// bytes each), 4 to 28; 0 means 22 (96 MiB). NoGo adds an endgame
	// cache of half as many 8-byte entries (at most 128 MiB) and the
	// region values, bounded by maxGames.
	TTBits int
	// Progress, if set, is called about every ProgressEvery (default 2 s).
	Progress      func(Stats)
	ProgressEvery time.Duration
	// endgameLive, when positive, replaces endgamePoints: the tests use
	// a small one to check the proof-number search and its knowledge on
	// positions the endgame search would otherwise take whole.
	endgameLive int
}

// Result is the value of a solved position.
type Result struct {
	// Win reports that the player to move wins with best play.
	Win bool
	// Winner is the colour that wins.
	Winner board.Color
	// Move is a winning move for the player to move when Win; otherwise
	// board.Pass, since every move loses.
	Move board.Point
	Stats
}

// MaxPoints is the largest board the solver accepts; bigger boards are far
// beyond exact search.
const MaxPoints = 64

// Solve finds the value of position b for the player to move. b is not
// changed. It returns ctx.Err() (wrapped) when cancelled.
func Solve(ctx context.Context, b *board.Board, opt Options) (Result, error) {
	rules := b.Rules()
	if rules.AllowPass {
		return Result{}, errors.New("solve: positions with passing allowed are not supported (passes make draws)")
	}
	if b.NumPoints() > MaxPoints {
		return Result{}, fmt.Errorf("solve: %dx%d board has %d points, more than the %d the solver accepts",
			b.Width(), b.Height(), b.NumPoints(), MaxPoints)
	}
	bits := opt.TTBits
	if bits == 0 {
		bits = 22
	}
	if bits < 4 || bits > 28 {
		return Result{}, fmt.Errorf("solve: transposition table bits %d out of range 4..28", bits)
	}
	every := opt.ProgressEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	s := &solver{
		ctx:      ctx,
		b:        b.Clone(),
		tt:       newTable(bits),
		capture1: rules.Game == board.AtariGo && max(rules.CaptureTarget, 1) == 1,
		start:    time.Now(),
		progress: opt.Progress,
		every:    every,
		egLive:   endgamePoints,
	}
	if opt.endgameLive > 0 {
		s.egLive = opt.endgameLive
	}
	s.lastReport = s.start
	if rules.Game == board.NoGo {
		s.reserves = newReserves(b)
		s.regions = newRegionValues(b, maxRegion, 0, min(bits-2, 20))
		s.endgame = newEndgame(s.regions, min(bits-1, 24))
		s.endgame.poll = s.checkpoint
	}
	res := Result{Move: board.Pass}
	pn, dn, ok, _ := s.evaluate()
	if !ok {
		pn, dn = s.mid(s.key(), inf, inf, 0)
	}
	res.Stats = s.stats(pn, dn)
	if s.err != nil {
		return res, fmt.Errorf("solve: stopped after %d nodes: %w", s.nodes, s.err)
	}
	mover := b.ToMove()
	res.Win = pn == 0
	res.Winner = mover.Opponent()
	if res.Win {
		res.Winner = mover
		res.Move = s.winningMove()
	}
	return res, nil
}

type child struct {
	move   board.Point
	key    uint64
	pn, dn int64
}

type solver struct {
	ctx      context.Context
	b        *board.Board
	tt       *table
	capture1 bool
	reserves *reserves     // NoGo only
	regions  *regionValues // NoGo only
	endgame  *endgame      // NoGo only
	nodes    int64
	err      error
	kids     [][]child // per depth
	movesBuf [][]board.Point
	start    time.Time
	progress func(Stats)
	every    time.Duration
	// lastReport is when progress was last reported.
	lastReport time.Time
	rootPN     int64
	rootDN     int64
	mirrorBuf  [8]board.Point
	// egLive is the most live points of a position for the endgame search.
	egLive int
}

func (s *solver) stats(pn, dn int64) Stats {
	st := Stats{Nodes: s.nodes, Elapsed: time.Since(s.start), PN: pn, DN: dn, TTUsed: s.tt.used()}
	if s.endgame != nil {
		st.EndgameNodes = s.endgame.nodes
	}
	return st
}

// evaluate settles the current position without search when the rules or
// knowledge allow: it returns the (pn, dn) of the player to move and true.
// mobility is the mover's count of legal moves when it was counted on the
// way, or -1.
func (s *solver) evaluate() (pn, dn int64, ok bool, mobility int) {
	b := s.b
	if s.capture1 {
		mover := b.ToMove()
		opp := mover.Opponent()
		if b.Captures(opp) > 0 {
			return inf, 0, true, -1
		}
		// A capture is always legal and wins at once.
		if caps := b.AtariLiberties(opp); !caps.IsEmpty() {
			return 0, inf, true, -1
		}
		if mine := b.AtariLiberties(mover); mine.Count() >= 2 {
			return inf, 0, true, -1
		}
		return 0, 0, false, -1
	}
	if s.reserves != nil {
		return s.evaluateNoGo()
	}
	if b.Rules().Game == board.AtariGo && b.Over() {
		if b.Winner() == b.ToMove() {
			return 0, inf, true, -1
		}
		return inf, 0, true, -1
	}
	return 0, 0, false, -1
}

// key returns the transposition-table key of the current position, the
// smallest Zobrist key over the board's symmetries.
func (s *solver) key() uint64 {
	k, _ := s.b.CanonicalHash()
	return k
}

// evaluateNoGo is evaluate for NoGo. The game ends when the player to
// move has no legal move; late in the game the reserve count and the
// values of independent regions may settle it.
func (s *solver) evaluateNoGo() (pn, dn int64, ok bool, mobility int) {
	b := s.b
	bs, ws := b.Stones(board.Black), b.Stones(board.White)
	st := s.regions.analyze(bs[0], ws[0], 0)
	me := b.ToMove()
	var lMe, lOpp board.Bitboard
	lMe[0], lOpp[0] = st.lb, st.lw
	if me == board.White {
		lMe, lOpp = lOpp, lMe
	}
	mobility = lMe.Count()
	if mobility == 0 {
		return inf, 0, true, 0
	}
	live := bits.OnesCount64(st.live)
	if live <= s.egLive {
		// Neither the reserve count nor the regions' values pay here:
		// the count left the endgame's position counts on 4×4, 3×6,
		// 2×9 and 4×5 unchanged, and the values cost more time than
		// the search they save.
		if s.endgame.wins(bs[0], ws[0], st.lb, st.lw, me, s.endgame.stonesKey(bs[0], ws[0]), 0) {
			return 0, inf, true, mobility
		}
		return inf, 0, true, mobility
	}
	// Eyes and separate regions appear late; earlier the count costs
	// more than it saves.
	if 2*bits.OnesCount64(st.empty) > b.NumPoints() {
		return 0, 0, false, mobility
	}
	if pn, dn, ok, _ := s.reserves.settleWith(b, lMe, lOpp); ok {
		return pn, dn, true, mobility
	}
	if win, ok := s.regions.settleState(&st, me, 0); ok {
		if win {
			return 0, inf, true, mobility
		}
		return inf, 0, true, mobility
	}
	return 0, 0, false, mobility
}

// candidates returns the moves worth searching from the current position.
func (s *solver) candidates(depth int) []board.Point {
	for len(s.movesBuf) <= depth {
		s.movesBuf = append(s.movesBuf, make([]board.Point, 0, MaxPoints))
	}
	moves := s.b.LegalMoves(s.movesBuf[depth][:0])
	if s.capture1 {
		// A capture wins at once; otherwise a single atari must be
		// answered on its liberty (evaluate has ruled out double ataris).
		only := s.b.AtariLiberties(s.b.ToMove().Opponent())
		if only.IsEmpty() {
			only = s.b.AtariLiberties(s.b.ToMove())
		}
		if !only.IsEmpty() {
			forced := moves[:0]
			for _, m := range moves {
				if only.Has(m) {
					forced = append(forced, m)
				}
			}
			moves = forced
		}
	}
	if s.regions != nil {
		s.orderNoGo(moves)
	}
	s.movesBuf[depth] = moves
	return moves
}

// orderNoGo sorts NoGo moves by the number of replies each leaves the
// opponent, fewest first: expansion stops at the first child proven lost
// for the opponent, and such moves are the likeliest. On NoGo 4×5 it cut
// endgame positions by 10% (13.1M to 11.8M).
func (s *solver) orderNoGo(moves []board.Point) {
	bs, ws := s.b.Stones(board.Black), s.b.Stones(board.White)
	black, white := bs[0], ws[0]
	me := s.b.ToMove()
	var score [MaxPoints]int
	for i, m := range moves {
		nb, nw := black, white
		if me == board.Black {
			nb |= 1 << uint(m)
		} else {
			nw |= 1 << uint(m)
		}
		lb, lw := s.regions.legal(nb, nw)
		replies := lw
		if me == board.White {
			replies = lb
		}
		sc := bits.OnesCount64(replies)
		j := i
		for j > 0 && score[j-1] > sc {
			moves[j], score[j] = moves[j-1], score[j-1]
			j--
		}
		moves[j], score[j] = m, sc
	}
}

// expand fills the children of the current position, merging symmetric
// ones and scoring each from the table, the rules or its mobility. It
// stops at the first child that is a loss for the opponent: the node is
// then proven, and the children left need no evaluation, which at the
// endgame's size is a full search each. (Probing the table for every
// child before evaluating any found almost no more such children and cost
// more time.)
func (s *solver) expand(depth int) []child {
	for len(s.kids) <= depth {
		s.kids = append(s.kids, make([]child, 0, MaxPoints))
	}
	kids := s.kids[depth][:0]
	b := s.b
	moves := s.candidates(depth)
	mirror := s.mirrorMove()
	for _, m := range moves {
		// Play cannot fail: m came from LegalMoves.
		_ = b.Play(m)
		if s.capture1 && b.Liberties(m) == 1 && b.Captures(b.ToMove().Opponent()) == 0 {
			// Self-atari: the opponent captures next move and wins.
			_ = b.Undo()
			continue
		}
		key := s.key()
		dup := false
		for _, k := range kids {
			if k.key == key {
				dup = true
				break
			}
		}
		if dup {
			_ = b.Undo()
			continue
		}
		c := child{move: m, key: key}
		if pn, dn, ok := s.tt.lookup(key); ok {
			c.pn, c.dn = pn, dn
		} else if pn, dn, ok, mob := s.evaluate(); ok {
			c.pn, c.dn = pn, dn
		} else if m := s.mobility(mob); m == 0 {
			// No legal move: the player to move there loses.
			c.pn, c.dn = inf, 0
		} else {
			c.pn, c.dn = 1, dnScale*int64(m)
		}
		_ = b.Undo()
		kids = append(kids, c)
		if c.dn == 0 {
			kids[0], kids[len(kids)-1] = kids[len(kids)-1], kids[0]
			break
		}
		if m == mirror && c.pn != 0 {
			// Try the mirror reply first.
			kids[len(kids)-1].dn = 1
			kids[0], kids[len(kids)-1] = kids[len(kids)-1], kids[0]
		}
	}
	s.kids[depth] = kids
	return kids
}

// mobility counts the legal moves of the player to move.
// known, when not negative, is the count evaluate already made.
func (s *solver) mobility(known int) int {
	if known >= 0 {
		return known
	}
	set := s.b.LegalSet(s.b.ToMove())
	return set.Count()
}

// combine returns a node's numbers from its children's, and the largest
// proof number among its children.
//
// The disproof number is that of weak proof-number search (Ueda, Hashimoto,
// Hashimoto and Iida, "Weak Proof-Number Search", CG 2008): the largest
// child proof number plus one for each other unproven child, instead of
// their sum. NoGo positions are reached by many move orders, and the sum
// counts shared subtrees once per path; measured side by side (see
// docs/BENCHMARKS.md) the max form cut nodes 2-4 times on 3x6 and 2x8.
func combine(kids []child) (pn, dn int64, best, second int, maxPN int64) {
	best, second = -1, -1
	minDN, open := int64(inf), int64(0)
	for i, k := range kids {
		if k.pn > 0 {
			open++
			maxPN = max(maxPN, k.pn)
		}
		if best < 0 || k.dn < kids[best].dn {
			best, second = i, best
		} else if second < 0 || k.dn < kids[second].dn {
			second = i
		}
		if k.dn < minDN {
			minDN = k.dn
		}
	}
	switch {
	case minDN == 0:
		return 0, inf, best, second, maxPN
	case open == 0:
		return inf, 0, best, second, maxPN
	}
	return minDN, min(maxPN+open-1, inf-1), best, second, maxPN
}

// mid searches the current position (key) until its proof number reaches
// thpn or its disproof number thdn, and returns both.
func (s *solver) mid(key uint64, thpn, thdn int64, depth int) (int64, int64) {
	s.nodes++
	if s.nodes&1023 == 0 && s.checkpoint() {
		return 1, 1
	}
	start := s.nodes
	kids := s.expand(depth)
	var pn, dn int64
	for {
		var best, second int
		var maxPN int64
		pn, dn, best, second, maxPN = combine(kids)
		if depth == 0 {
			s.rootPN, s.rootDN = pn, dn
		}
		if len(kids) == 0 {
			pn, dn = inf, 0
		}
		if pn >= thpn || dn >= thdn || s.err != nil {
			break
		}
		k := &kids[best]
		// The child's disproof is our proof, and its proof raises our
		// disproof once it passes the largest child proof number.
		cthpn := min(thdn-dn+maxPN, inf)
		cthdn := thpn
		if second >= 0 {
			cthdn = min(thpn, kids[second].dn+1)
		}
		_ = s.b.Play(k.move)
		cpn, cdn := s.mid(k.key, cthpn, cthdn, depth+1)
		_ = s.b.Undo()
		if s.err != nil {
			// A stopped search returns meaningless numbers; keep the
			// last ones, which the caller reports.
			break
		}
		// The recursive call reused deeper buffers only; ours is intact.
		kids = s.kids[depth]
		kids[best].pn, kids[best].dn = cpn, cdn
	}
	if s.err == nil {
		s.tt.store(key, pn, dn, s.nodes-start+1)
	}
	return pn, dn
}

// checkpoint notes cancellation and reports progress; it reports whether
// the search must stop.
func (s *solver) checkpoint() bool {
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return true
	}
	if s.progress != nil && time.Since(s.lastReport) >= s.every {
		s.lastReport = time.Now()
		s.progress(s.stats(s.rootPN, s.rootDN))
	}
	return s.err != nil
}

// winningMove returns a move of the root whose position is a loss for the
// opponent, searching the root's children again if the table lost them.
func (s *solver) winningMove() board.Point {
	kids := append([]child(nil), s.expand(0)...)
	for _, k := range kids {
		if k.dn == 0 {
			return k.move
		}
	}
	for _, k := range kids {
		_ = s.b.Play(k.move)
		_, dn := s.mid(k.key, inf, inf, 1)
		_ = s.b.Undo()
		if dn == 0 {
			return k.move
		}
	}
	return board.Pass
}

// mirrorMove returns the first of mirrorMoves, or board.Pass. Measured on
// NoGo 4×4, trying it first cuts the search from 325k to 289k nodes.
func (s *solver) mirrorMove() board.Point {
	if m := s.mirrorMoves(s.mirrorBuf[:0]); len(m) > 0 {
		return m[0]
	}
	return board.Pass
}

// mirrorMoves appends the moves that each make the position its own
// colour-swapped image under some symmetry of the board, points the
// symmetry fixes aside. Mirror strategies win many small games (White on
// 4×4 NoGo answers each move by a reflection), so search tries them first.
func (s *solver) mirrorMoves(dst []board.Point) []board.Point {
	b := s.b
	opp := b.ToMove().Opponent()
	n := board.Point(b.NumPoints())
	for sym := 1; sym < b.Symmetries(); sym++ {
		cand := board.Pass
		ok := true
		for p := board.Point(0); p < n && ok; p++ {
			q := b.Transform(sym, p)
			if q <= p {
				continue
			}
			cp, cq := b.At(p), b.At(q)
			if cq == cp.Opponent() {
				continue
			}
			switch {
			case cand == board.Pass && cp == board.Empty && cq == opp:
				cand = p
			case cand == board.Pass && cq == board.Empty && cp == opp:
				cand = q
			default:
				ok = false
			}
		}
		if ok && cand != board.Pass {
			dup := false
			for _, d := range dst {
				dup = dup || d == cand
			}
			if !dup {
				dst = append(dst, cand)
			}
		}
	}
	return dst
}

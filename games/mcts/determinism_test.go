package mcts

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/trident-lab/trident/games/board"
)

// searchFingerprint runs three one-thread searches with a fixed seed on
// 9×9, advancing the tree by each result (so the later ones reuse it), and
// describes each: move, win rate, principal variation, and an FNV-64 hash
// of the root's move statistics and of every node's raw statistics in
// depth-first order.
func searchFingerprint(t *testing.T, rules board.Rules, cfg Config) string {
	t.Helper()
	b, err := board.New(9, 9, rules)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Threads = 1
	tree := New(b, cfg)
	rootMove := board.Pass
	var out []string
	for move := 0; move < 3; move++ {
		res, err := tree.Search(context.Background(), Budget{Playouts: 3000})
		if err != nil {
			t.Fatal(err)
		}
		root := fnv.New64a()
		for _, s := range tree.RootStats() {
			fmt.Fprintf(root, "%d %d %x;", s.Move, s.Visits, math.Float64bits(s.WinRate))
		}
		pv := make([]string, len(res.PV))
		for i, p := range res.PV {
			pv[i] = b.PointName(p)
		}
		out = append(out, fmt.Sprintf("%s %.12f [%s] root %016x tree %016x", b.PointName(res.Move), res.WinRate,
			strings.Join(pv, " "), root.Sum64(), treeHash(tree, rootMove)))
		if err := tree.Advance(res.Move); err != nil {
			t.Fatal(err)
		}
		rootMove = res.Move
		if err := b.Play(res.Move); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(out, "\n")
}

// treeHash hashes every node's move, visits, wins and AMAF word, depth
// first from the root, whose move is rootMove.
func treeHash(tree *Tree, rootMove board.Point) uint64 {
	h := fnv.New64a()
	var walk func(move board.Point, n *node)
	walk = func(move board.Point, n *node) {
		fmt.Fprintf(h, "%d %d %d %d;", move, n.visits.Load(), n.wins.Load(), n.amaf.Load())
		if ch := n.children.Load(); ch != nil {
			for i := range ch.nodes {
				walk(ch.nodes[i].move, &ch.nodes[i])
			}
		}
	}
	walk(rootMove, tree.root)
	return h.Sum64()
}

// TestSearchDeterministic pins one-thread fixed-seed searches to what they
// gave when recorded: changes to the tree's layout or the selection
// arithmetic must not change a single visit.
func TestSearchDeterministic(t *testing.T) {
	tests := []struct {
		name  string
		rules board.Rules
		cfg   Config
		want  string
	}{
		{"nogo engine", board.Rules{Game: board.NoGo}, Config{Seed: 11}, `A5 0.609561752988 [A5 H4 B4] root 57ec86d4b9d7bb00 tree a9a816f6b9f3beaf
A7 0.547486033520 [A7 J2 E2] root 76ac67023d0f534c tree fdc8b8d141136589
E8 0.587096774194 [E8 J1 C9] root df3f5e29f617e1aa tree 524fa759df663d08`},
		{"nogo pure uct", board.Rules{Game: board.NoGo}, Config{Seed: 12, NoRAVE: true, Evaluator: Rollout{}}, `F2 0.612903225806 [F2 J1] root 6bbcf1411057a134 tree 16a3004c43649699
J5 0.629629629630 [J5 F1] root 91c67c8c73c34cc0 tree 1db389f58a1a329a
H4 0.602040816327 [H4 A1] root b2b7758f9ec915c2 tree a570a60ef5c79533`},
		{"atari-go engine", board.Rules{Game: board.AtariGo}, Config{Seed: 13}, `C1 0.632411067194 [C1 C3 J1] root 24c681e41b8aa480 tree 13fa038cb0ae38c0
H2 0.544159544160 [H2 B2 B3] root 959bd227e3738ade tree 2443c0b553ca157b
G9 0.581560283688 [G9 J4 D1] root 6a9a30c0daf79b9a tree 46df8c3c3bf649d4`},
		{"atari-go pure uct", board.Rules{Game: board.AtariGo}, Config{Seed: 14, NoRAVE: true, Evaluator: Rollout{}}, `D6 0.607142857143 [D6 G3] root 2ca420cd1b3bb7bb tree e6571a2ef4385f0b
H7 0.590909090909 [H7 B2] root a3bee7782410402f tree 0c62c2c2a3093a75
E2 0.600000000000 [E2 A1] root 32535e67a2aaffcd tree 543970bef30159d1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := searchFingerprint(t, tc.rules, tc.cfg); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

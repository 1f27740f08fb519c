package arena

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trident-lab/trident/games/board"
	"github.com/trident-lab/trident/games/engine"
	"github.com/trident-lab/trident/games/gtp"
	"github.com/trident-lab/trident/games/mcts"
)

// fakeEnv selects a fake engine: the test binary, run again with this
// variable set, speaks GTP (or fails to) on its standard input and output.
const fakeEnv = "ARENA_FAKE_ENGINE"

// markEnv names a file the hanging fake engine creates when it starts to
// hang, so a test knows a game is under way.
const markEnv = "ARENA_FAKE_MARK"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		if n, ok := strings.CutPrefix(mode, "trident-"); ok {
			os.Exit(tridentEngine(n))
		}
		os.Exit(fakeEngine(mode))
	}
	os.Exit(m.Run())
}

// tridentEngine serves Trident's own NoGo engine (games/engine, as
// "trident gtp" runs it) with the given playouts per move, one thread.
func tridentEngine(playouts string) int {
	n, err := strconv.Atoi(playouts)
	if err != nil {
		return 2
	}
	e, err := engine.New("Trident", "test", 9, 9, board.Rules{Game: board.NoGo},
		mcts.Config{Threads: 1, Seed: uint64(os.Getpid())}, mcts.Budget{Playouts: n})
	if err != nil {
		return 2
	}
	if err := gtp.NewServer(e).Run(context.Background(), os.Stdin, os.Stdout); err != nil {
		return 1
	}
	return 0
}

// fakeSpec is an engine running the test binary as fake engine mode.
func fakeSpec(t *testing.T, name, mode string) Engine {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Engine{Name: name, Command: []string{"env", fakeEnv + "=" + mode, exe}}
}

// fakeEngine plays the occupy game of occupyPosition: genmove takes the
// first free point (or, in mode "last", the last one), and the modes
// misbehave in the ways real engines do:
//
//	crash    exits at its second genmove
//	hang     never answers genmove
//	illegal  answers genmove with an occupied point
//	garbage  answers genmove with text that is not GTP
//	offboard answers genmove with a point off the board
//	slow     takes 1.5 s for each genmove
//	resign   resigns at its first genmove
//	nogtp    answers nothing in GTP
//	stubborn ignores boardsize (stays 19×19) and says so to query_boardsize
//	sloppy   writes "=" with no space and no id, and CR LF line ends
func fakeEngine(mode string) int {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	w, h := 0, 0
	taken := map[[2]int]bool{}
	genmoves := 0
	// Modes random and random-atarigo play uniformly random legal moves by
	// Trident's rules: a sound engine of no strength.
	var pos *board.Board
	rules := board.Rules{Game: board.NoGo}
	if mode == "random-atarigo" {
		rules.Game = board.AtariGo
	}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	reply := func(id, text string) {
		if mode == "sloppy" && (text == "" || text[0] < '0' || text[0] > '9') {
			// "=2" would read as id 2, so only text not starting with a
			// digit can go without the space.
			fmt.Fprintf(out, "=%s\r\n\r\n", text)
		} else {
			fmt.Fprintf(out, "=%s %s\n\n", id, text)
		}
		out.Flush()
	}
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		if mode == "nogtp" {
			fmt.Fprintln(out, "Welcome to my chess engine! Type help.")
			out.Flush()
			continue
		}
		id := ""
		if _, err := strconv.Atoi(f[0]); err == nil {
			id, f = f[0], f[1:]
		}
		switch f[0] {
		case "protocol_version":
			reply(id, "2")
		case "name":
			reply(id, "fake-"+mode)
		case "quit":
			reply(id, "")
			return 0
		case "query_boardsize":
			if mode != "stubborn" {
				fmt.Fprintf(out, "?%s unknown command\n\n", id)
				out.Flush()
				continue
			}
			reply(id, strconv.Itoa(w))
		case "boardsize":
			if mode == "stubborn" {
				w, h = 19, 19
				reply(id, "")
				continue
			}
			w, _ = strconv.Atoi(f[1])
			h = w
			taken = map[[2]int]bool{}
			pos, _ = board.New(w, h, rules)
			reply(id, "")
		case "clear_board":
			taken = map[[2]int]bool{}
			if pos != nil {
				pos.Clear()
			}
			reply(id, "")
		case "play":
			m, err := gtp.ParseMove(f[2])
			if err != nil {
				fmt.Fprintf(out, "?%s illegal move\n\n", id)
				out.Flush()
				continue
			}
			taken[[2]int{m.X, m.Y}] = true
			if pos != nil && strings.HasPrefix(mode, "random") {
				pt, err := pos.Point(m.X, m.Y)
				if err == nil {
					err = pos.Play(pt)
				}
				if err != nil {
					fmt.Fprintf(out, "?%s illegal move\n\n", id)
					out.Flush()
					continue
				}
			}
			reply(id, "")
		case "genmove":
			genmoves++
			if strings.HasPrefix(mode, "random") {
				moves := pos.LegalMoves(nil)
				if len(moves) == 0 {
					reply(id, "resign")
					continue
				}
				pt := moves[rng.IntN(len(moves))]
				_ = pos.Play(pt)
				reply(id, pos.PointName(pt))
				continue
			}
			switch {
			case mode == "crash" && genmoves == 2:
				return 3
			case mode == "hang":
				if mark := os.Getenv(markEnv); mark != "" {
					_ = os.WriteFile(mark, nil, 0o644)
				}
				time.Sleep(time.Hour)
			case mode == "garbage":
				fmt.Fprintf(out, "I think I will play somewhere nice\n\n")
				out.Flush()
				continue
			case mode == "resign":
				reply(id, "resign")
				continue
			case mode == "slow":
				time.Sleep(1500 * time.Millisecond)
			case mode == "offboard":
				reply(id, gtp.Move{X: w, Y: 0}.String())
				continue
			}
			var pick *gtp.Move
			for i := range w * h {
				x, y := i%w, i/w
				if mode == "last" {
					x, y = w-1-x, h-1-y
				}
				if taken[[2]int{x, y}] == (mode == "illegal" && len(taken) > 0) {
					pick = &gtp.Move{X: x, Y: y}
					break
				}
			}
			if pick == nil {
				reply(id, "resign")
				continue
			}
			taken[[2]int{pick.X, pick.Y}] = true
			reply(id, pick.String())
		default:
			reply(id, "")
		}
	}
	return 0
}

// occupyPosition is a simple game for testing the referee without
// Trident's rules: a move must be on a free point; the player to move on a
// full board loses (as in NoGo, the player without a legal move loses).
type occupyPosition struct {
	w, h  int
	taken map[[2]int]bool
	turn  gtp.Color
}

func occupyRules(c Conditions) (position, error) {
	return &occupyPosition{w: c.Width, h: c.Height, taken: map[[2]int]bool{}, turn: gtp.Black}, nil
}

func (p *occupyPosition) Play(c gtp.Color, m gtp.Move) error {
	switch {
	case c != p.turn:
		return fmt.Errorf("not %s's turn", c)
	case m.Pass:
		return fmt.Errorf("passing is not allowed")
	case m.X < 0 || m.Y < 0 || m.X >= p.w || m.Y >= p.h:
		return fmt.Errorf("off the board")
	case p.taken[[2]int{m.X, m.Y}]:
		return fmt.Errorf("point taken")
	}
	p.taken[[2]int{m.X, m.Y}] = true
	p.turn = p.turn.Opponent()
	return nil
}

func (p *occupyPosition) ToMove() gtp.Color { return p.turn }

func (p *occupyPosition) Legal() []gtp.Move {
	var out []gtp.Move
	for y := range p.h {
		for x := range p.w {
			if !p.taken[[2]int{x, y}] {
				out = append(out, gtp.Move{X: x, Y: y})
			}
		}
	}
	return out
}

func (p *occupyPosition) Outcome() (bool, gtp.Color, string) {
	if len(p.taken) == p.w*p.h {
		return true, p.turn.Opponent(), p.turn.String() + " has no legal move"
	}
	return false, 0, ""
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trident-lab/trident/games/sgf"
)

func TestGTPCommand(t *testing.T) {
	out, err := runCmd(t, newGTPCmd(), "1 name\n2 boardsize 5\n3 play b C3\n4 play w C3\n5 genmove w\n6 quit\n",
		"--game", "nogo", "--size", "5", "--playouts", "100", "--time", "0", "--threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"=1 Trident\n\n", "=2 \n\n", "=3 \n\n", "?4 illegal move\n\n", "=5 ", "=6 \n\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{
		{"--game", "chess"}, {"--size", "20"}, {"--time", "0"}, {"--resign", "1.5"},
	} {
		if _, err := runCmd(t, newGTPCmd(), "", args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestBotzoneCommand(t *testing.T) {
	out, err := runCmd(t, newBotzoneCmd(), `{"requests":[{"x":-1,"y":-1}],"responses":[]}`+"\n",
		"--game", "nogo", "--playouts", "100", "--threads", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, `{"response":{"x":`) {
		t.Errorf("output %q", out)
	}
	if _, err := runCmd(t, newBotzoneCmd(), "{bad json\n", "--playouts", "10"); err == nil {
		t.Error("bad input accepted")
	}
}

func TestPlayCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "game.sgf")
	out, err := runCmd(t, newPlayCmd(), "C3\nC3\nundo\nB2\nquit\n",
		"--size", "5", "--playouts", "100", "--time", "0", "--threads", "1", "--sgf", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Trident plays", "win estimate", "C3 is illegal", "Game abandoned.", "game saved to"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := sgf.ReadGame(data)
	if err != nil || g.Width != 5 || len(g.Moves) != 2 || g.Rules.Variant != sgf.NoGo {
		t.Errorf("saved game %+v, %v\n%s", g, err, data)
	}
}

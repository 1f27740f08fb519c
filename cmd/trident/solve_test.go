package main

import (
	"strings"
	"testing"
)

func TestSolveCommand(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--game", "nogo", "--size", "3x3"}, []string{"NoGo 3x3, black to move", "value:  black wins (the first player)", "wins for black", "nodes:"}},
		{[]string{"--game", "nogo", "--size", "4x3", "--quiet"}, []string{"white wins (the second player)", "every black move loses"}},
		{[]string{"--game", "atarigo", "--size", "3", "--capture", "2"}, []string{"Atari-Go (first to capture 2) 3x3", "value:"}},
		{[]string{"--game", "nogo", "--size", "3x3", "--moves", "B2"}, []string{"white to move after 1 moves", "value:"}},
	}
	for _, tc := range tests {
		out, err := runCmd(t, newSolveCmd(), "", tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
}

func TestSolveCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--game", "chess"}, "--game"},
		{[]string{"--size", "20x20"}, "--size"},
		{[]string{"--size", "9x9"}, "beyond exact search"},
		{[]string{"--game", "nogo", "--capture", "2"}, "atarigo only"},
		{[]string{"--game", "atarigo", "--capture", "0"}, "at least 1"},
		{[]string{"--size", "3x3", "--moves", "B2,B2"}, "move 2"},
		{[]string{"--size", "3x3", "--moves", "Z9"}, "move 1"},
		{[]string{"--size", "3x3", "--tt-bits", "99"}, "bits"},
	}
	for _, tc := range tests {
		_, err := runCmd(t, newSolveCmd(), "", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
}

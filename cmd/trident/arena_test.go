package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArenaCommandErrors(t *testing.T) {
	out := t.TempDir()
	eng := "--engine=name=a,cmd=/nonexistent/engine"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{eng, eng}, "--out DIR is required"},
		{[]string{"--out", out, "--engine", "cmd="}, "--engine: engine \"cmd=\": cmd is empty"},
		{[]string{"--out", out, "--format", "swiss"}, `unknown format "swiss"`},
		{[]string{"--out", out, "--size", "20"}, "--size: board size 20x20"},
		{[]string{"--out", out, "--sprt", "elo0=5,elo1=0"}, "elo0 (5) must be less than elo1 (0)"},
		{[]string{"--out", out, "--engine", "name=a,cmd=x", "--engine", "name=a,cmd=y"}, `two engines are named "a"`},
		{[]string{"--out", out, "--engine", "name=a,cmd=/nonexistent/a", "--engine", "name=b,cmd=/nonexistent/b"},
			`engine "a": command "/nonexistent/a" does not start`},
		{[]string{"--out", out, "--move-time", "1500ms", "--engine", "name=a,cmd=x", "--engine", "name=b,cmd=y"}, "whole seconds"},
	}
	for _, tc := range tests {
		cmd := newArenaCmd()
		var buf bytes.Buffer
		cmd.SetOut(&buf)
		cmd.SetErr(&buf)
		cmd.SetArgs(tc.args)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("arena %q: error %v, want it to contain %q", tc.args, err, tc.want)
		}
	}
	// A failed start leaves no results file behind.
	if _, err := os.Stat(filepath.Join(out, "results.jsonl")); !os.IsNotExist(err) {
		t.Errorf("results file left behind: %v", err)
	}
}

package main

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runCmd runs cmd with args and stdin and returns what it wrote to its
// standard output and error, and its error.
func runCmd(t *testing.T, cmd *cobra.Command, stdin string, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// Command trident is the one command of the Trident toolkit: multi-task
// learning, DLSS-style super-sampling and the games NoGo and Atari-Go, on
// Trident's own neural engine.
//
// Run "trident --help" for the subcommands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "trident:", err)
		os.Exit(1)
	}
}

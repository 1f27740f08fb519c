package arena

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/trident-lab/trident/games/gtp"
)

// Engine names a GTP engine and the command line that runs it.
type Engine struct {
	Name    string   `json:"name"`
	Command []string `json:"command"`
}

// maxSpecBytes bounds an engine description; a command line longer than
// this is a mistake, not an engine.
const maxSpecBytes = 8192

// ParseEngine reads an engine description of the form
//
//	name=NAME,cmd=PROGRAM ARG...
//
// The cmd key comes last and takes the rest of the text, commas included;
// its words are split like a shell does, with single and double quotes and
// backslash escapes. Without name= the engine is named after its program.
func ParseEngine(s string) (Engine, error) {
	if len(s) > maxSpecBytes {
		return Engine{}, fmt.Errorf("engine %.40q...: description over %d bytes", s, maxSpecBytes)
	}
	var e Engine
	rest := strings.TrimSpace(s)
	for rest != "" {
		key, val, ok := strings.Cut(rest, "=")
		if !ok {
			return Engine{}, fmt.Errorf("engine %q: %q is not KEY=VALUE (want name=NAME,cmd=COMMAND)", s, rest)
		}
		key = strings.TrimSpace(key)
		if key == "cmd" {
			args, err := SplitCommand(val)
			if err != nil {
				return Engine{}, fmt.Errorf("engine %q: cmd: %w", s, err)
			}
			if len(args) == 0 {
				return Engine{}, fmt.Errorf("engine %q: cmd is empty", s)
			}
			e.Command = args
			break
		}
		val, rest, _ = strings.Cut(val, ",")
		switch key {
		case "name":
			e.Name = strings.TrimSpace(val)
			if e.Name == "" || strings.ContainsAny(e.Name, "\n\r\t") || len(e.Name) > 64 {
				return Engine{}, fmt.Errorf("engine %q: name must be 1 to 64 characters on one line", s)
			}
		default:
			return Engine{}, fmt.Errorf("engine %q: unknown key %q (want name or cmd)", s, key)
		}
		rest = strings.TrimSpace(rest)
	}
	if e.Command == nil {
		return Engine{}, fmt.Errorf("engine %q: no cmd= (want name=NAME,cmd=COMMAND)", s)
	}
	if e.Name == "" {
		e.Name = filepath.Base(e.Command[0])
	}
	return e, nil
}

// SplitCommand splits a command line into words as a POSIX shell would for
// a simple command: blanks separate words, single quotes keep everything
// literally, double quotes keep everything but backslash escapes of \ and ",
// and a backslash outside quotes escapes the next character. Nothing is
// expanded.
func SplitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated single quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated double quote in %q", s)
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("trailing backslash in %q", s)
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// conn is a running engine as the referee sees it.
type conn interface {
	Command(ctx context.Context, command string) (string, error)
	// Close asks the engine to quit, kills it if it does not, and reaps
	// its process.
	Close() error
	// Kill ends an engine whose connection is out of step (it crashed,
	// hung or overran its time) without waiting for it, and reaps it.
	Kill() error
}

// closeGrace is how long an engine has to exit after quit before it is
// killed.
const closeGrace = 2 * time.Second

// startTimeout bounds an engine's start: its answer to the first command.
const startTimeout = 20 * time.Second

type process struct{ *gtp.Process }

func (p process) Close() error { return p.Process.Close(closeGrace) }

// killGrace is the wait before killing a broken engine: it cannot read
// quit, but one that crashed has already exited and is reaped at once.
const killGrace = 50 * time.Millisecond

func (p process) Kill() error { return p.Process.Close(killGrace) }

// startProcess runs e's command and checks that it answers GTP.
func startProcess(ctx context.Context, e Engine, stderr io.Writer) (conn, error) {
	p, err := gtp.Start(e.Command[0], e.Command[1:], stderr)
	if err != nil {
		return nil, fmt.Errorf("engine %q: command %q does not start: %w", e.Name, strings.Join(e.Command, " "), err)
	}
	c := process{p}
	if err := handshake(ctx, c); err != nil {
		_ = c.Kill()
		return nil, fmt.Errorf("engine %q (%s): %w", e.Name, strings.Join(e.Command, " "), err)
	}
	return c, nil
}

// handshake asks for the protocol version, which every GTP engine answers.
func handshake(parent context.Context, c conn) error {
	ctx, cancel := context.WithTimeout(parent, startTimeout)
	defer cancel()
	v, err := c.Command(ctx, "protocol_version")
	var ee *gtp.EngineError
	switch {
	case parent.Err() != nil:
		return parent.Err()
	case errors.As(err, &ee):
		// A refusal is still GTP (version 1 engines do this).
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer to protocol_version within %s: not a GTP engine?", startTimeout)
	case err != nil:
		return fmt.Errorf("does not speak GTP: %w", err)
	case strings.TrimSpace(v) != "2" && strings.TrimSpace(v) != "1":
		return fmt.Errorf("does not speak GTP: protocol_version answered %q", v)
	}
	return nil
}

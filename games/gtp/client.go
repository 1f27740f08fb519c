package gtp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxReplyBytes bounds one reply read from an engine.
const MaxReplyBytes = 1 << 20

// EngineError is a "?" reply: the engine understood the command and
// refused it.
type EngineError struct {
	Command string
	Msg     string
}

// Error implements error.
func (e *EngineError) Error() string {
	return fmt.Sprintf("gtp: engine refused %q: %s", e.Command, e.Msg)
}

// Client sends commands to a GTP engine and reads its replies. It numbers
// commands and checks the ids echoed back, and tolerates what real engines
// write: "=" with no space, a missing id, CR LF line ends, multi-line
// replies, stray blank lines before a reply. A Client is safe for use by
// one goroutine at a time; once a command has failed on I/O or been
// cancelled, every later command fails, since the stream is out of step.
type Client struct {
	w      io.Writer
	r      *bufio.Reader
	nextID int
	broken error
	mu     sync.Mutex
}

// NewClient returns a Client writing commands to w and reading replies
// from r.
func NewClient(r io.Reader, w io.Writer) *Client {
	return &Client{w: w, r: bufio.NewReader(r), nextID: 1}
}

type reply struct {
	text string
	err  error
}

// Command sends one command line and returns the reply text (without "="
// and id). A "?" reply is an *EngineError. When ctx is done before the
// reply arrives, Command returns ctx's error and the Client is broken.
func (c *Client) Command(ctx context.Context, command string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return "", c.broken
	}
	command = strings.TrimSpace(command)
	if command == "" || strings.ContainsAny(command, "\r\n") {
		return "", fmt.Errorf("gtp: bad command %q: want one non-empty line", command)
	}
	id := c.nextID
	c.nextID++
	done := make(chan reply, 1)
	go func() {
		if _, err := fmt.Fprintf(c.w, "%d %s\n", id, command); err != nil {
			done <- reply{err: fmt.Errorf("gtp: sending %q: %w", command, err)}
			return
		}
		text, err := readReply(c.r, id, command)
		done <- reply{text, err}
	}()
	select {
	case r := <-done:
		var ee *EngineError
		if r.err != nil && !errors.As(r.err, &ee) {
			c.broken = r.err
		}
		return r.text, r.err
	case <-ctx.Done():
		c.broken = fmt.Errorf("gtp: %q cancelled; connection abandoned: %w", command, ctx.Err())
		return "", c.broken
	}
}

// readReply reads one reply: a line starting with "=" or "?", an optional
// id, the text, further lines, and an empty line.
func readReply(r *bufio.Reader, id int, command string) (string, error) {
	var lines []string
	started, ok := false, false
	total := 0
	for {
		line, err := r.ReadString('\n')
		total += len(line)
		if total > MaxReplyBytes {
			return "", fmt.Errorf("gtp: reply to %q is over %d bytes", command, MaxReplyBytes)
		}
		if err != nil && (err != io.EOF || line == "") {
			if err == io.EOF {
				if started {
					// An engine that exits right after its last reply
					// may skip the final empty line.
					break
				}
				return "", fmt.Errorf("gtp: engine closed the connection before replying to %q", command)
			}
			return "", fmt.Errorf("gtp: reading reply to %q: %w", command, err)
		}
		line = strings.TrimRight(line, "\r\n")
		line = strings.ReplaceAll(line, "\t", " ")
		if !started {
			if strings.TrimSpace(line) == "" {
				continue
			}
			switch line[0] {
			case '=':
				ok = true
			case '?':
			default:
				return "", fmt.Errorf("gtp: reply to %q does not start with '=' or '?': %q", command, clip(line))
			}
			rest := line[1:]
			digits := 0
			for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
				digits++
			}
			if digits > 0 {
				got, err := strconv.Atoi(rest[:digits])
				switch {
				case err == nil && got == id:
				case strings.TrimSpace(rest[digits:]) == "":
					// Digits alone that are not our id come from an
					// engine that ignores ids and answers without a
					// space ("=2" to protocol_version): the answer.
					digits = 0
				default:
					return "", fmt.Errorf("gtp: reply to %q has id %s, want %d", command, rest[:digits], id)
				}
			}
			lines = append(lines, strings.TrimSpace(rest[digits:]))
			started = true
		} else {
			if strings.TrimSpace(line) == "" {
				break
			}
			lines = append(lines, line)
		}
		if err == io.EOF {
			break
		}
	}
	text := strings.Join(lines, "\n")
	if !ok {
		return "", &EngineError{Command: command, Msg: text}
	}
	return text, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// Process is an engine run as a child process, spoken to over its
// standard input and output.
type Process struct {
	*Client
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// Start runs the engine program with args and returns a Process talking to
// it. The engine's standard error goes to stderr (nil discards it).
func Start(program string, args []string, stderr io.Writer) (*Process, error) {
	cmd := exec.Command(program, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("gtp: starting %s: %w", program, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("gtp: starting %s: %w", program, err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("gtp: starting %s: %w", program, err)
	}
	return &Process{Client: NewClient(stdout, stdin), cmd: cmd, stdin: stdin}, nil
}

// Close asks the engine to quit, waits up to grace for it to exit, and
// kills it otherwise.
func (p *Process) Close(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	_, _ = p.Command(ctx, "quit")
	_ = p.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-exited
		return fmt.Errorf("gtp: engine %s did not quit within %s; killed", p.cmd.Path, grace)
	}
}

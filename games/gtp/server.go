// Package gtp speaks the Go Text Protocol, version 2, both ways: Server
// answers a controller (GoGui, gogui-twogtp, Sabaki, cutechess-style
// arenas) on behalf of an Engine, and Client drives an external engine
// process.
//
// Trident adds one command to the standard set: "rectangular_boardsize W H"
// sets a board W columns wide and H rows high.
package gtp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxLineBytes is the longest command line the server reads; longer lines
// get an error reply and are skipped.
const MaxLineBytes = 4096

// ErrIllegalMove is what an Engine returns from Play for a move the rules
// forbid; the server answers "illegal move".
var ErrIllegalMove = errors.New("illegal move")

// TimeSettings is the clock of the time_settings command: main time, then
// Byoyomi per ByoyomiStones moves. ByoyomiStones 0 with Byoyomi > 0 means
// no time limit, as GTP defines it.
type TimeSettings struct {
	Main          time.Duration
	Byoyomi       time.Duration
	ByoyomiStones int
}

// Engine is what plays behind a Server. Errors from its methods become GTP
// error replies with the error's text.
type Engine interface {
	Name() string
	Version() string
	// SetBoardSize changes the board and clears it.
	SetBoardSize(width, height int) error
	ClearBoard()
	// Play plays a move for c, returning ErrIllegalMove (possibly wrapped)
	// when the rules forbid it.
	Play(c Color, m Move) error
	// GenMove chooses, plays and returns a move for c. It must return soon
	// after ctx is done.
	GenMove(ctx context.Context, c Color) (Move, error)
	Undo() error
	// ShowBoard draws the position, several lines of text.
	ShowBoard() string
	// FinalScore names the winner in GTP score form ("B+R", "W+R"), or
	// returns an error when the game is not over.
	FinalScore() (string, error)
	TimeSettings(TimeSettings)
	TimeLeft(c Color, left time.Duration, stones int)
}

// Server answers GTP commands for an Engine.
type Server struct {
	engine   Engine
	handlers map[string]func(ctx context.Context, args []string) (string, error)
	names    []string
}

// errQuit ends the command loop after the reply is sent.
var errQuit = errors.New("quit")

// NewServer returns a Server for e.
func NewServer(e Engine) *Server {
	s := &Server{engine: e, handlers: map[string]func(context.Context, []string) (string, error){}}
	add := func(name string, h func(ctx context.Context, args []string) (string, error)) {
		s.handlers[name] = h
		s.names = append(s.names, name)
	}
	add("protocol_version", func(context.Context, []string) (string, error) { return "2", nil })
	add("name", func(context.Context, []string) (string, error) { return e.Name(), nil })
	add("version", func(context.Context, []string) (string, error) { return e.Version(), nil })
	add("known_command", func(_ context.Context, args []string) (string, error) {
		if len(args) != 1 {
			return "", errors.New("syntax error: want known_command NAME")
		}
		_, ok := s.handlers[args[0]]
		return strconv.FormatBool(ok), nil
	})
	add("list_commands", func(context.Context, []string) (string, error) {
		return strings.Join(s.names, "\n"), nil
	})
	add("boardsize", func(_ context.Context, args []string) (string, error) {
		n, err := intArgs(args, 1)
		if err != nil {
			return "", err
		}
		return "", s.size(n[0], n[0])
	})
	add("rectangular_boardsize", func(_ context.Context, args []string) (string, error) {
		n, err := intArgs(args, 2)
		if err != nil {
			return "", err
		}
		return "", s.size(n[0], n[1])
	})
	add("clear_board", func(context.Context, []string) (string, error) {
		e.ClearBoard()
		return "", nil
	})
	add("komi", func(_ context.Context, args []string) (string, error) {
		// Neither NoGo nor Atari-Go is scored, so komi is accepted and
		// has no effect.
		if len(args) != 1 {
			return "", errors.New("syntax error: want komi FLOAT")
		}
		if _, err := strconv.ParseFloat(args[0], 64); err != nil {
			return "", fmt.Errorf("syntax error: komi %q is not a number", args[0])
		}
		return "", nil
	})
	add("play", func(_ context.Context, args []string) (string, error) {
		if len(args) != 2 {
			return "", errors.New("syntax error: want play COLOR VERTEX")
		}
		c, err := ParseColor(args[0])
		if err != nil {
			return "", fmt.Errorf("invalid color or coordinate: %w", err)
		}
		m, err := ParseMove(args[1])
		if err != nil || m.Resign {
			return "", fmt.Errorf("invalid color or coordinate: %q", args[1])
		}
		if err := e.Play(c, m); err != nil {
			if errors.Is(err, ErrIllegalMove) {
				return "", ErrIllegalMove
			}
			return "", err
		}
		return "", nil
	})
	add("genmove", func(ctx context.Context, args []string) (string, error) {
		if len(args) != 1 {
			return "", errors.New("syntax error: want genmove COLOR")
		}
		c, err := ParseColor(args[0])
		if err != nil {
			return "", fmt.Errorf("invalid color: %q", args[0])
		}
		m, err := e.GenMove(ctx, c)
		if err != nil {
			return "", err
		}
		return m.String(), nil
	})
	add("undo", func(context.Context, []string) (string, error) {
		if err := e.Undo(); err != nil {
			return "", fmt.Errorf("cannot undo: %w", err)
		}
		return "", nil
	})
	add("showboard", func(context.Context, []string) (string, error) {
		// An empty line would end the reply early.
		var lines []string
		for _, l := range strings.Split(e.ShowBoard(), "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		return "\n" + strings.Join(lines, "\n"), nil
	})
	add("final_score", func(context.Context, []string) (string, error) { return e.FinalScore() })
	add("time_settings", func(_ context.Context, args []string) (string, error) {
		n, err := intArgs(args, 3)
		if err != nil {
			return "", err
		}
		if n[0] < 0 || n[1] < 0 || n[2] < 0 {
			return "", errors.New("syntax error: negative time")
		}
		e.TimeSettings(TimeSettings{Main: time.Duration(n[0]) * time.Second,
			Byoyomi: time.Duration(n[1]) * time.Second, ByoyomiStones: n[2]})
		return "", nil
	})
	add("time_left", func(_ context.Context, args []string) (string, error) {
		if len(args) != 3 {
			return "", errors.New("syntax error: want time_left COLOR TIME STONES")
		}
		c, err := ParseColor(args[0])
		if err != nil {
			return "", fmt.Errorf("syntax error: %w", err)
		}
		n, err := intArgs(args[1:], 2)
		if err != nil {
			return "", err
		}
		e.TimeLeft(c, time.Duration(n[0])*time.Second, n[1])
		return "", nil
	})
	add("quit", func(context.Context, []string) (string, error) { return "", errQuit })
	return s
}

func (s *Server) size(w, h int) error {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return errors.New("unacceptable size")
	}
	if err := s.engine.SetBoardSize(w, h); err != nil {
		return fmt.Errorf("unacceptable size: %w", err)
	}
	return nil
}

// intArgs reads exactly n integer arguments.
func intArgs(args []string, n int) ([]int, error) {
	if len(args) != n {
		return nil, fmt.Errorf("syntax error: want %d integer argument(s), got %d", n, len(args))
	}
	out := make([]int, n)
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil || v > 1<<30 || v < -(1<<30) {
			return nil, fmt.Errorf("syntax error: %q is not an integer", a)
		}
		out[i] = v
	}
	return out, nil
}

// Run reads commands from r and writes replies to w until quit, the end of
// r, or ctx is done (checked between commands and passed to genmove).
func (s *Server) Run(ctx context.Context, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, MaxLineBytes)
	bw := bufio.NewWriter(w)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, rerr := readLine(br)
		reply, quit := "", false
		if tooLong {
			reply = fmt.Sprintf("? command line over %d bytes\n\n", MaxLineBytes)
		} else if line != "" {
			reply, _, quit = s.Execute(ctx, line)
		}
		if reply != "" {
			if _, err := bw.WriteString(reply); err != nil {
				return fmt.Errorf("gtp: writing reply: %w", err)
			}
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("gtp: writing reply: %w", err)
			}
		}
		switch {
		case quit || rerr == io.EOF:
			return nil
		case rerr != nil:
			return fmt.Errorf("gtp: reading commands: %w", rerr)
		}
	}
}

// readLine reads one line of at most MaxLineBytes; a longer line is
// consumed to its end and reported as tooLong.
func readLine(br *bufio.Reader) (line string, tooLong bool, err error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		return "", true, err
	}
	return string(b), false, err
}

// Execute runs one command line and returns the full reply ("=id text\n\n"
// or "?id text\n\n"). handled is false for lines GTP says to ignore (empty
// or comment only); quit is true after the quit command.
func (s *Server) Execute(ctx context.Context, line string) (reply string, handled, quit bool) {
	line = clean(line)
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return "", false, false
	}
	id := ""
	if isID(fields[0]) {
		id = fields[0]
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return "?" + id + " missing command\n\n", true, false
	}
	h, ok := s.handlers[fields[0]]
	if !ok {
		return "?" + id + " unknown command\n\n", true, false
	}
	out, err := h(ctx, fields[1:])
	if errors.Is(err, errQuit) {
		return "=" + id + " \n\n", true, true
	}
	if err != nil {
		return "?" + id + " " + oneLine(err.Error()) + "\n\n", true, false
	}
	return "=" + id + " " + out + "\n\n", true, false
}

// clean applies GTP's preprocessing: drop control characters other than
// tab and newline, turn tabs into spaces, cut comments.
func clean(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\t':
			b.WriteByte(' ')
		case c < 32 || c == 127:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isID(s string) bool {
	if len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// oneLine keeps an error reply from ending the response early: an empty
// line inside it would end the reply for the controller.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

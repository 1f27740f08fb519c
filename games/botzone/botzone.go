// Package botzone runs a bot under the Botzone judge (botzone.org.cn) for
// games whose moves are {"x": …, "y": …}, such as 9×9 NoGo. It reads both
// of Botzone's input formats — JSON ({"requests": […], "responses": […]})
// and simple interaction (a turn count, then one "x y" line per request
// and response) — and answers in the same format. With keep-running mode
// the process stays up between turns and reads only the newest request.
package botzone

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxInputBytes bounds one turn's input.
const MaxInputBytes = 1 << 20

// KeepRunning is the line that asks the judge to keep the process alive.
const KeepRunning = ">>>BOTZONE_REQUEST_KEEP_RUNNING<<<"

// Move is a Botzone move. X = -1, Y = -1 in the first request means there
// was no opponent move: the bot plays first.
type Move struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// First reports whether m is the "you move first" marker.
func (m Move) First() bool { return m.X == -1 && m.Y == -1 }

// Format is one of Botzone's input formats.
type Format int8

// Formats.
const (
	JSON Format = iota + 1
	Simple
)

// Turn is one turn's input: the opponent's moves (Requests) and ours
// (Responses), one fewer than Requests.
type Turn struct {
	Format    Format
	Requests  []Move
	Responses []Move
}

type jsonInput struct {
	Requests  []json.RawMessage `json:"requests"`
	Responses []json.RawMessage `json:"responses"`
}

// Parse reads a full turn input in either format, telling them apart by
// the first non-space byte.
func Parse(data []byte) (Turn, error) {
	if len(data) > MaxInputBytes {
		return Turn{}, fmt.Errorf("botzone: input is over %d bytes", MaxInputBytes)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Turn{}, errors.New("botzone: empty input")
	}
	var t Turn
	var err error
	if trimmed[0] == '{' {
		t, err = parseJSON(trimmed)
	} else {
		t, err = parseSimple(string(trimmed))
	}
	if err != nil {
		return Turn{}, err
	}
	if len(t.Responses) != len(t.Requests)-1 {
		return Turn{}, fmt.Errorf("botzone: %d requests and %d responses; want one more request than responses",
			len(t.Requests), len(t.Responses))
	}
	for i, m := range t.Requests {
		if i > 0 && m.First() {
			return Turn{}, fmt.Errorf("botzone: request %d is x=-1,y=-1, allowed only first", i)
		}
	}
	return t, nil
}

func parseJSON(data []byte) (Turn, error) {
	var in jsonInput
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		return Turn{}, fmt.Errorf("botzone: JSON input: %w", err)
	}
	if in.Requests == nil {
		return Turn{}, errors.New("botzone: JSON input has no \"requests\" array")
	}
	t := Turn{Format: JSON}
	for i, raw := range in.Requests {
		m, err := ParseMoveJSON(raw)
		if err != nil {
			return Turn{}, fmt.Errorf("botzone: request %d: %w", i, err)
		}
		t.Requests = append(t.Requests, m)
	}
	for i, raw := range in.Responses {
		m, err := ParseMoveJSON(raw)
		if err != nil {
			return Turn{}, fmt.Errorf("botzone: response %d: %w", i, err)
		}
		t.Responses = append(t.Responses, m)
	}
	return t, nil
}

// ParseMoveJSON reads {"x": X, "y": Y}; both fields are required integers.
func ParseMoveJSON(raw []byte) (Move, error) {
	var f struct {
		X *json.Number `json:"x"`
		Y *json.Number `json:"y"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return Move{}, fmt.Errorf("move %s: %w", clip(raw), err)
	}
	if f.X == nil || f.Y == nil {
		return Move{}, fmt.Errorf("move %s: want {\"x\": X, \"y\": Y}", clip(raw))
	}
	x, errX := strconv.Atoi(f.X.String())
	y, errY := strconv.Atoi(f.Y.String())
	if errX != nil || errY != nil || x < -1 || y < -1 || x > 1000 || y > 1000 {
		return Move{}, fmt.Errorf("move %s: x and y must be small integers", clip(raw))
	}
	return Move{X: x, Y: y}, nil
}

func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

func parseSimple(s string) (Turn, error) {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	n, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || n < 1 || n > 10000 {
		return Turn{}, fmt.Errorf("botzone: first line %q is not a turn count", clip([]byte(lines[0])))
	}
	if len(lines)-1 < 2*n-1 {
		return Turn{}, fmt.Errorf("botzone: turn %d needs %d move lines, input has %d", n, 2*n-1, len(lines)-1)
	}
	t := Turn{Format: Simple}
	for i := 0; i < 2*n-1; i++ {
		m, err := ParseMoveSimple(lines[1+i])
		if err != nil {
			return Turn{}, fmt.Errorf("botzone: line %d: %w", i+2, err)
		}
		if i%2 == 0 {
			t.Requests = append(t.Requests, m)
		} else {
			t.Responses = append(t.Responses, m)
		}
	}
	return t, nil
}

// ParseMoveSimple reads "x y".
func ParseMoveSimple(line string) (Move, error) {
	f := strings.Fields(line)
	if len(f) != 2 {
		return Move{}, fmt.Errorf("move %q: want \"x y\"", clip([]byte(line)))
	}
	x, errX := strconv.Atoi(f[0])
	y, errY := strconv.Atoi(f[1])
	if errX != nil || errY != nil || x < -1 || y < -1 || x > 1000 || y > 1000 {
		return Move{}, fmt.Errorf("move %q: x and y must be small integers", clip([]byte(line)))
	}
	return Move{X: x, Y: y}, nil
}

// Player is the game side a Bot drives.
type Player interface {
	// NewGame starts a game; first is true when the bot moves first.
	NewGame(first bool) error
	// Opponent plays the opponent's move.
	Opponent(m Move) error
	// Own plays one of the bot's own earlier moves (replaying history).
	Own(m Move) error
	// Choose searches, plays and returns the bot's move; note is a short
	// debug line (for example the win estimate).
	Choose(ctx context.Context) (m Move, note string, err error)
}

// Run plays one turn, or with keepRunning every turn until the input
// ends: it reads the turn, replays it on p, chooses a move and writes it.
func Run(ctx context.Context, r io.Reader, w io.Writer, p Player, keepRunning bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	data, err := readTurn(br)
	if err != nil {
		return err
	}
	t, err := Parse(data)
	if err != nil {
		return err
	}
	if err := replay(p, t); err != nil {
		return err
	}
	for {
		if err := answer(ctx, w, p, t.Format, keepRunning); err != nil {
			return err
		}
		if !keepRunning {
			return nil
		}
		// Later inputs carry only the newest request.
		m, err := readRequest(br, t.Format)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := p.Opponent(m); err != nil {
			return fmt.Errorf("botzone: opponent move %d %d: %w", m.X, m.Y, err)
		}
	}
}

func replay(p Player, t Turn) error {
	first := t.Requests[0].First()
	if err := p.NewGame(first); err != nil {
		return err
	}
	for i, req := range t.Requests {
		if !(i == 0 && first) {
			if err := p.Opponent(req); err != nil {
				return fmt.Errorf("botzone: request %d (%d %d): %w", i, req.X, req.Y, err)
			}
		}
		if i < len(t.Responses) {
			if err := p.Own(t.Responses[i]); err != nil {
				return fmt.Errorf("botzone: response %d (%d %d): %w", i, t.Responses[i].X, t.Responses[i].Y, err)
			}
		}
	}
	return nil
}

func answer(ctx context.Context, w io.Writer, p Player, f Format, keepRunning bool) error {
	m, note, err := p.Choose(ctx)
	if err != nil {
		return err
	}
	var out string
	if f == JSON {
		b, err := json.Marshal(struct {
			Response Move   `json:"response"`
			Debug    string `json:"debug,omitempty"`
		}{m, note})
		if err != nil {
			return fmt.Errorf("botzone: %w", err)
		}
		out = string(b) + "\n"
	} else {
		out = fmt.Sprintf("%d %d\n", m.X, m.Y)
		if note != "" {
			out += note + "\n"
		}
	}
	if keepRunning {
		out += KeepRunning + "\n"
	}
	if _, err := io.WriteString(w, out); err != nil {
		return fmt.Errorf("botzone: writing the response: %w", err)
	}
	if f, ok := w.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	return nil
}

// readTurn reads the first turn: JSON input is one line; simple input is
// the count line and the 2n-1 move lines after it.
func readTurn(br *bufio.Reader) ([]byte, error) {
	first, err := readLine(br)
	if err != nil {
		if err == io.EOF && len(bytes.TrimSpace(first)) > 0 {
			return first, nil
		}
		return nil, fmt.Errorf("botzone: reading input: %w", err)
	}
	if t := bytes.TrimSpace(first); len(t) > 0 && t[0] == '{' {
		return first, nil
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(first)))
	if err != nil || n < 1 || n > 10000 {
		return nil, fmt.Errorf("botzone: first line %q is neither JSON nor a turn count", clip(first))
	}
	buf := append([]byte{}, first...)
	for i := 0; i < 2*n-1; i++ {
		line, err := readLine(br)
		buf = append(buf, line...)
		if err != nil && !(err == io.EOF && i == 2*n-2 && len(line) > 0) {
			return nil, fmt.Errorf("botzone: reading move line %d of %d: %w", i+1, 2*n-1, err)
		}
		if len(buf) > MaxInputBytes {
			return nil, fmt.Errorf("botzone: input is over %d bytes", MaxInputBytes)
		}
	}
	return buf, nil
}

// readRequest reads a keep-running turn: one request, as JSON or "x y".
func readRequest(br *bufio.Reader, f Format) (Move, error) {
	for {
		line, err := readLine(br)
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			if err != nil {
				return Move{}, err
			}
			continue
		}
		if f == JSON {
			m, err := ParseMoveJSON(t)
			if err != nil {
				// Some judges resend the full input; take its newest request.
				if full, ferr := parseJSON(t); ferr == nil && len(full.Requests) > 0 {
					return full.Requests[len(full.Requests)-1], nil
				}
			}
			return m, err
		}
		return ParseMoveSimple(string(t))
	}
}

// readLine reads a line of at most MaxInputBytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxInputBytes {
			return nil, fmt.Errorf("botzone: input line over %d bytes", MaxInputBytes)
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

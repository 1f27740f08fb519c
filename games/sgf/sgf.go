// Package sgf reads and writes Smart Game Format (FF[4]) files: the
// collection/game-tree/node/property structure with variations, escaping
// and size limits (this file), and a game-record view of NoGo and Atari-Go
// games on top of it (game.go).
//
// Property values are kept as they appear in the file, escapes included, so
// that a file read and written again keeps every property it had, known or
// not. Value, Values and Set convert between that raw form and plain text.
package sgf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits that bound the work a reader does on outside input, checked before
// the work is done.
const (
	// MaxInputBytes is the largest file Parse accepts.
	MaxInputBytes = 8 << 20
	// MaxNodes is the most nodes one collection may hold.
	MaxNodes = 1 << 20
	// MaxDepth is the deepest nesting of variations ("(" inside "(").
	MaxDepth = 1000
	// MaxValueBytes is the longest single property value.
	MaxValueBytes = 1 << 20
)

// Property is one property of a node: an identifier such as "B" or "SZ" and
// one or more values in raw (still escaped) form.
type Property struct {
	ID  string
	Raw []string
}

// Node is one node of a game tree. Children[0] continues the main line;
// further children are variations.
type Node struct {
	Props    []Property
	Children []*Node
}

// SyntaxError is a malformed SGF file, with the place it went wrong.
type SyntaxError struct {
	Line, Col int // 1-based
	Msg       string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("sgf: line %d, column %d: %s", e.Line, e.Col, e.Msg)
}

// Get returns the raw values of property id, or nil when the node lacks it.
func (n *Node) Get(id string) []string {
	for _, p := range n.Props {
		if p.ID == id {
			return p.Raw
		}
	}
	return nil
}

// Has reports whether the node has property id.
func (n *Node) Has(id string) bool { return n.Get(id) != nil }

// Value returns the first value of property id as plain text (escapes
// removed, soft line breaks joined) and whether the property was present.
func (n *Node) Value(id string) (string, bool) {
	raw := n.Get(id)
	if raw == nil {
		return "", false
	}
	return Unescape(raw[0]), true
}

// SetRaw sets property id to the given raw values, replacing any earlier
// values and keeping the property's place in the node.
func (n *Node) SetRaw(id string, raw ...string) {
	for i := range n.Props {
		if n.Props[i].ID == id {
			n.Props[i].Raw = raw
			return
		}
	}
	n.Props = append(n.Props, Property{ID: id, Raw: raw})
}

// Set sets property id to plain-text values, escaping them.
func (n *Node) Set(id string, values ...string) {
	raw := make([]string, len(values))
	for i, v := range values {
		raw[i] = Escape(v)
	}
	n.SetRaw(id, raw...)
}

// Delete removes property id from the node.
func (n *Node) Delete(id string) {
	for i := range n.Props {
		if n.Props[i].ID == id {
			n.Props = append(n.Props[:i], n.Props[i+1:]...)
			return
		}
	}
}

// Escape turns plain text into an SGF value: "]", "\" and ":" get a
// backslash (":" so that text can sit in either half of a composed value).
func Escape(s string) string {
	if !strings.ContainsAny(s, `]\:`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ']', '\\', ':':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Unescape turns a raw SGF value into plain text: a backslash before a line
// break removes both (a soft line break), a backslash before any other
// character keeps just that character.
func Unescape(raw string) string {
	if !strings.Contains(raw, `\`) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 == len(raw) {
			b.WriteByte(c)
			continue
		}
		i++
		switch raw[i] {
		case '\n', '\r':
			// Soft line break: "\\\r\n" and "\\\n\r" are one break.
			if i+1 < len(raw) && (raw[i+1] == '\n' || raw[i+1] == '\r') && raw[i+1] != raw[i] {
				i++
			}
		default:
			b.WriteByte(raw[i])
		}
	}
	return b.String()
}

// SplitCompose splits a raw composed value "a:b" at its first unescaped
// colon. ok is false when there is none.
func SplitCompose(raw string) (a, b string, ok bool) {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case ':':
			return raw[:i], raw[i+1:], true
		}
	}
	return raw, "", false
}

// ReadAll reads a whole SGF collection from r, refusing more than
// MaxInputBytes, and parses it.
func ReadAll(r io.Reader) ([]*Node, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sgf: reading: %w", err)
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("sgf: input is over the %d-byte limit", MaxInputBytes)
	}
	return Parse(data)
}

// parser walks the input once, keeping line and column for errors.
type parser struct {
	data      []byte
	pos       int
	line, col int
	nodes     int
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) advance() {
	if p.data[p.pos] == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
	p.pos++
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			p.advance()
		default:
			return
		}
	}
}

// Parse parses an SGF collection: one or more game trees. It returns the
// root node of each tree. Variations become extra children; nothing is
// interpreted beyond the syntax.
func Parse(data []byte) ([]*Node, error) {
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("sgf: input is over the %d-byte limit", MaxInputBytes)
	}
	// A UTF-8 byte-order mark is common in files saved by editors.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &parser{data: data, line: 1, col: 1}
	var roots []*Node
	for {
		p.skipSpace()
		if p.pos == len(p.data) {
			break
		}
		if p.data[p.pos] != '(' {
			if len(roots) > 0 {
				// Trailing text after the last tree is ignored, as editors do.
				break
			}
			return nil, p.errorf("expected '(' to start a game tree, found %q", p.data[p.pos])
		}
		root, err := p.gameTree()
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}
	if len(roots) == 0 {
		return nil, p.errorf("no game tree found")
	}
	return roots, nil
}

// gameTree parses one "(" ... ")" with an explicit stack, so deep nesting
// costs heap, not goroutine stack, and is bounded by MaxDepth.
func (p *parser) gameTree() (*Node, error) {
	type frame struct {
		last  *Node // last node of this tree's sequence; variations hang here
		first *Node // first node of this tree's sequence
	}
	var stack []frame
	var root *Node
	for {
		p.skipSpace()
		if p.pos == len(p.data) {
			return nil, p.errorf("unexpected end of input: %d game tree(s) not closed", len(stack))
		}
		switch c := p.data[p.pos]; c {
		case '(':
			if len(stack) >= MaxDepth {
				return nil, p.errorf("variations nested deeper than %d", MaxDepth)
			}
			p.advance()
			p.skipSpace()
			if p.pos == len(p.data) || p.data[p.pos] != ';' {
				return nil, p.errorf("expected ';' to start the first node of a game tree")
			}
			stack = append(stack, frame{})
		case ';':
			if len(stack) == 0 {
				return nil, p.errorf("node outside a game tree")
			}
			top := &stack[len(stack)-1]
			if top.last != nil && len(top.last.Children) > 0 {
				return nil, p.errorf("node after a variation; nodes must come before variations")
			}
			n, err := p.node()
			if err != nil {
				return nil, err
			}
			if top.first == nil {
				top.first = n
				if len(stack) > 1 {
					parent := stack[len(stack)-2].last
					parent.Children = append(parent.Children, n)
				}
			} else {
				top.last.Children = append(top.last.Children, n)
			}
			top.last = n
		case ')':
			if len(stack) == 0 {
				return nil, p.errorf("unbalanced ')'")
			}
			p.advance()
			done := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				root = done.first
				return root, nil
			}
		default:
			return nil, p.errorf("unexpected %q between nodes", c)
		}
	}
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// node parses ";" followed by properties.
func (p *parser) node() (*Node, error) {
	p.nodes++
	if p.nodes > MaxNodes {
		return nil, p.errorf("more than %d nodes", MaxNodes)
	}
	p.advance() // ';'
	n := &Node{}
	for {
		p.skipSpace()
		if p.pos == len(p.data) {
			return n, nil
		}
		c := p.data[p.pos]
		if !isUpper(c) && !isLower(c) {
			return n, nil
		}
		line, col := p.line, p.col
		var id []byte
		for p.pos < len(p.data) && (isUpper(p.data[p.pos]) || isLower(p.data[p.pos])) {
			// FF[4]: lower-case letters in identifiers (FF[3] long names
			// such as "AddBlack") are ignored.
			if isUpper(p.data[p.pos]) {
				id = append(id, p.data[p.pos])
			}
			p.advance()
		}
		if len(id) == 0 {
			return nil, &SyntaxError{Line: line, Col: col, Msg: "property identifier has no upper-case letter"}
		}
		p.skipSpace()
		if p.pos == len(p.data) || p.data[p.pos] != '[' {
			return nil, p.errorf("property %s has no value", id)
		}
		prop := Property{ID: string(id)}
		for {
			p.skipSpace()
			if p.pos == len(p.data) || p.data[p.pos] != '[' {
				break
			}
			v, err := p.value(prop.ID)
			if err != nil {
				return nil, err
			}
			prop.Raw = append(prop.Raw, v)
		}
		if n.Has(prop.ID) {
			// Repeated identifiers in one node are invalid FF[4] but common;
			// merging keeps every value.
			for i := range n.Props {
				if n.Props[i].ID == prop.ID {
					n.Props[i].Raw = append(n.Props[i].Raw, prop.Raw...)
				}
			}
			continue
		}
		n.Props = append(n.Props, prop)
	}
}

// value parses "[...]" and returns the raw text inside.
func (p *parser) value(id string) (string, error) {
	line, col := p.line, p.col
	p.advance() // '['
	start := p.pos
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\\':
			p.advance()
			if p.pos == len(p.data) {
				break
			}
			p.advance()
		case ']':
			v := string(p.data[start:p.pos])
			p.advance()
			return v, nil
		default:
			p.advance()
		}
		if p.pos-start > MaxValueBytes {
			return "", &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf("value of %s is over %d bytes", id, MaxValueBytes)}
		}
	}
	return "", &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf("value of %s is not closed with ']'", id)}
}

// Write writes a collection of game trees in SGF, one node per line except
// for runs of single-move nodes, which share lines.
func Write(w io.Writer, roots []*Node) error {
	if len(roots) == 0 {
		return errors.New("sgf: nothing to write: empty collection")
	}
	var b bytes.Buffer
	for _, r := range roots {
		if r == nil {
			return errors.New("sgf: nil game tree")
		}
		writeTree(&b, r)
		b.WriteByte('\n')
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("sgf: writing: %w", err)
	}
	return nil
}

// writeTree writes "(" sequence variations ")". Sequences are written in a
// loop so a long main line does not recurse; only variations do, and their
// nesting is bounded by MaxDepth on input.
func writeTree(b *bytes.Buffer, n *Node) {
	b.WriteByte('(')
	onLine := 0
	for {
		writeNode(b, n)
		onLine++
		if len(n.Props) > 1 || onLine >= 10 {
			b.WriteByte('\n')
			onLine = 0
		}
		if len(n.Children) != 1 {
			break
		}
		n = n.Children[0]
	}
	for _, c := range n.Children {
		writeTree(b, c)
	}
	b.WriteByte(')')
}

func writeNode(b *bytes.Buffer, n *Node) {
	b.WriteByte(';')
	for _, p := range n.Props {
		b.WriteString(p.ID)
		if len(p.Raw) == 0 {
			// A property needs at least one value; an empty one is the
			// closest valid form.
			b.WriteString("[]")
		}
		for _, v := range p.Raw {
			b.WriteByte('[')
			writeRaw(b, v)
			b.WriteByte(']')
		}
	}
}

// writeRaw writes a raw value, adding the escapes a hand-built raw value
// might lack so the output always parses back: an unescaped "]" and a
// trailing lone backslash.
func writeRaw(b *bytes.Buffer, v string) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			b.WriteByte(c)
			i++
			b.WriteByte(v[i])
		case c == '\\' || c == ']':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

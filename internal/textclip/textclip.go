// Package textclip shortens text quoted from outside files in error
// messages, which must stay one readable line whatever the file holds.
package textclip

import "unicode/utf8"

// Clip returns s if it is at most limit bytes long, and otherwise its first
// limit bytes or fewer, cut at a rune boundary, followed by "...".
func Clip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := max(limit, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

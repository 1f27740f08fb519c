package textclip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		s     string
		limit int
		want  string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc..."},
		{"aé", 2, "a..."}, // é is two bytes: never split it
		{"éé", 3, "é..."},
		{"日本語", 4, "日..."},
		{"abc", 0, "..."},
	}
	for _, tt := range tests {
		if got := Clip(tt.s, tt.limit); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.limit, got, tt.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("héllo wörld", 4)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 0 || limit > 1<<16 {
			return
		}
		got := Clip(s, limit)
		if len(s) <= limit {
			if got != s {
				t.Fatalf("short string changed: %q -> %q", s, got)
			}
			return
		}
		body := strings.TrimSuffix(got, "...")
		if len(body) > limit || !strings.HasPrefix(s, body) {
			t.Fatalf("Clip(%q, %d) = %q", s, limit, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(body) {
			t.Fatalf("Clip split a rune: %q", got)
		}
	})
}

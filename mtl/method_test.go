package mtl

import (
	"strings"
	"testing"
)

func TestNewMethodErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		spec  string
		tasks int
		want  string
	}{
		{"magic", 2, `"magic"`},
		{"fixed", 2, "fixed:W1"},
		{"fixed:1,x", 2, `"1,x"`},
		{"fixed:1,2,3", 2, "3 weights for 2 tasks"},
		{"pmtl:5", 2, "pmtl:K/I"},
		{"pmtl:5/9", 2, "preference 9"},
		{"epo:0/0", 2, "preference vectors"},
		{"ew:1", 2, "takes no settings"},
	} {
		if _, err := NewMethod(tt.spec, tt.tasks, 1); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.spec, err, tt.want)
		}
	}
}

func FuzzNewMethod(f *testing.F) {
	for _, s := range []string{"ew", "fixed:1,0.5", "pmtl:5/2", "epo:3/0", "gradnorm", "cagrad", "mgda-ub"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, spec string, tasks uint8) {
		m, err := NewMethod(spec, int(tasks%9), 1)
		if err != nil {
			return
		}
		if m.Name() == "" {
			t.Fatalf("%q built a method without a name", spec)
		}
	})
}

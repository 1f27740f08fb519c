package botzone

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Turn
	}{
		{"json first", `{"requests":[{"x":-1,"y":-1}],"responses":[]}`,
			Turn{JSON, []Move{{-1, -1}}, nil}},
		{"json later", `{"requests":[{"x":4,"y":4},{"x":0,"y":8}],"responses":[{"x":3,"y":3}],"data":"","globaldata":"","time_limit":1,"memory_limit":256}`,
			Turn{JSON, []Move{{4, 4}, {0, 8}}, []Move{{3, 3}}}},
		{"simple first", "1\n-1 -1\n", Turn{Simple, []Move{{-1, -1}}, nil}},
		{"simple later", "2\r\n-1 -1\r\n4 4\r\n2 3\r\n", Turn{Simple, []Move{{-1, -1}, {2, 3}}, []Move{{4, 4}}}},
	}
	for _, tc := range tests {
		got, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got.Format != tc.want.Format || !same(got.Requests, tc.want.Requests) || !same(got.Responses, tc.want.Responses) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func same(a, b []Move) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"", "empty input"},
		{"{", "JSON input"},
		{`{"responses":[]}`, "no \"requests\""},
		{`{"requests":[{"x":1}]}`, "request 0"},
		{`{"requests":[{"x":"a","y":1}]}`, "request 0"},
		{`{"requests":[{"x":1.5,"y":1}]}`, "small integers"},
		{`{"requests":[{"x":1,"y":1}],"responses":[{"x":2,"y":2}]}`, "1 requests and 1 responses"},
		{`{"requests":[{"x":1,"y":1},{"x":-1,"y":-1}],"responses":[{"x":2,"y":2}]}`, "allowed only first"},
		{"x\n", "not a turn count"},
		{"2\n-1 -1\n", "needs 3 move lines"},
		{"1\n1\n", "line 2"},
		{"1\n1 2 3\n", "want \"x y\""},
		{"1\n99999 1\n", "small integers"},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.msg)
		}
	}
	if _, err := Parse(make([]byte, MaxInputBytes+1)); err == nil {
		t.Error("over-size input accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"requests":[{"x":4,"y":4},{"x":0,"y":8}],"responses":[{"x":3,"y":3}]}`))
	f.Add([]byte("2\n-1 -1\n4 4\n2 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		turn, err := Parse(data)
		if err != nil {
			return
		}
		if len(turn.Requests) == 0 || len(turn.Responses) != len(turn.Requests)-1 {
			t.Fatalf("accepted an inconsistent turn %+v", turn)
		}
	})
}

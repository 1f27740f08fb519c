package arena

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzParseResults(f *testing.F) {
	s := Settings{Engines: []Engine{{"a", []string{"x"}}, {"b", []string{"y"}}}, Format: FormatMatch,
		Game: "nogo", Width: 5, Height: 5, Games: 4}
	head, err := json.Marshal(line{Run: &s})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(head) + "\n" + `{"game":{"id":"r1-m01-g0001","winner":"black"}}` + "\n")
	f.Add(string(head) + "\n" + `{"game":{"id":"r1-m01-g0001","winner":"black"}}` + "\n{\"ga")
	f.Add(string(head) + "\n" + `{"game":{"id":"x"}}` + "\n" + `{"game":{"id":"x"}}` + "\n")
	f.Add("garbage\n")
	f.Fuzz(func(t *testing.T, data string) {
		recs, good, err := parseResults("results.jsonl", []byte(data), s)
		if err != nil {
			if !strings.Contains(err.Error(), "results.jsonl") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if good > len(data) || (good < len(data) && strings.Contains(data[good:], "\n")) {
			t.Fatalf("good prefix %d of %d bytes leaves whole lines behind", good, len(data))
		}
		seen := map[string]bool{}
		for _, r := range recs {
			if r.ID == "" || seen[r.ID] {
				t.Fatalf("record id %q empty or repeated", r.ID)
			}
			seen[r.ID] = true
		}
	})
}

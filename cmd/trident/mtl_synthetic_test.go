package main

import (
	"strings"
	"testing"
)

func TestMTLBenchSyntheticBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--plot", "out.jpg"}, "PNG"},
		{[]string{"--seeds", "1"}, "2 seeds"},
		{[]string{"--p", "1.5"}, "1.5"},
		{[]string{"--c", "0"}, "scale c"},
	} {
		_, err := runCmd(t, newMTLBenchSyntheticCmd(), "", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
}

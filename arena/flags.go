package arena

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/arena/stats"
)

// ParseSPRT reads an SPRT specification "elo0=0,elo1=50,alpha=0.05,beta=0.05";
// alpha and beta default to 0.05.
func ParseSPRT(s string) (*stats.SPRT, error) {
	t := stats.SPRT{Alpha: 0.05, Beta: 0.05}
	have := map[string]bool{}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("sprt %q: %q is not KEY=NUMBER", s, kv)
		}
		switch k {
		case "elo0":
			t.Elo0 = f
		case "elo1":
			t.Elo1 = f
		case "alpha":
			t.Alpha = f
		case "beta":
			t.Beta = f
		default:
			return nil, fmt.Errorf("sprt %q: unknown key %q (want elo0, elo1, alpha, beta)", s, k)
		}
		have[k] = true
	}
	if !have["elo0"] || !have["elo1"] {
		return nil, fmt.Errorf("sprt %q: elo0 and elo1 are required", s)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("sprt %q: %w", s, err)
	}
	return &t, nil
}

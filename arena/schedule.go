package arena

import (
	"fmt"
	"sort"
)

// Format is the shape of a tournament.
type Format string

// Formats.
const (
	// FormatMatch is a head-to-head match between two engines.
	FormatMatch Format = "match"
	// FormatGauntlet plays the first engine against each of the others.
	FormatGauntlet Format = "gauntlet"
	// FormatRoundRobin plays every engine against every other.
	FormatRoundRobin Format = "roundrobin"
	// FormatKnockout plays elimination rounds: engines are seeded in the
	// order given, the top seeds get byes when the field is not a power of
	// two, and each round pairs the highest remaining seed with the
	// lowest. The winner of a match has more points; a tied match goes to
	// the higher seed.
	FormatKnockout Format = "knockout"
)

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case FormatMatch, FormatGauntlet, FormatRoundRobin, FormatKnockout:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want match, gauntlet, roundrobin or knockout)", s)
}

// checkField reports whether a format can be played by n engines.
func (f Format) checkField(n int) error {
	switch {
	case f == FormatMatch && n != 2:
		return fmt.Errorf("a match needs exactly 2 engines, got %d", n)
	case n < 2:
		return fmt.Errorf("format %s needs at least 2 engines, got %d", f, n)
	}
	return nil
}

// scheduled is one game of the schedule; engines are indices into the
// field.
type scheduled struct {
	ID           string
	Round, Match int
	Index        int
	Black, White int
}

// pairing is a match between engines A and B (A the higher seed).
type pairing struct{ A, B int }

// firstRound returns the pairings of round 1: all of them for the formats
// other than knockout.
func firstRound(f Format, n int) []pairing {
	var ps []pairing
	switch f {
	case FormatMatch, FormatGauntlet:
		for b := 1; b < n; b++ {
			ps = append(ps, pairing{0, b})
		}
	case FormatRoundRobin:
		for a := range n {
			for b := a + 1; b < n; b++ {
				ps = append(ps, pairing{a, b})
			}
		}
	case FormatKnockout:
		seeds := make([]int, n)
		for i := range seeds {
			seeds[i] = i
		}
		ps, _ = knockoutRound(seeds)
	}
	return ps
}

// knockoutRound pairs the surviving seeds (sorted, best first): with size
// the next power of two, seed i meets seed size-1-i, and seeds without an
// opponent (byes) advance directly.
func knockoutRound(seeds []int) (ps []pairing, byes []int) {
	sort.Ints(seeds)
	size := 1
	for size < len(seeds) {
		size *= 2
	}
	for i := range size / 2 {
		j := size - 1 - i
		if j >= len(seeds) {
			byes = append(byes, seeds[i])
			continue
		}
		ps = append(ps, pairing{seeds[i], seeds[j]})
	}
	return ps, byes
}

// roundGames lists a round's games, games per pairing. Colours alternate
// within each pair of games (2k: A has Black, 2k+1: B has Black), and the
// list runs pair by pair across all pairings, so a run stopped early has
// played every pairing about equally.
func roundGames(round int, ps []pairing, games int) []scheduled {
	var out []scheduled
	for pair := 0; 2*pair < games; pair++ {
		for m, p := range ps {
			for k := 2 * pair; k < min(2*pair+2, games); k++ {
				g := scheduled{
					ID:    fmt.Sprintf("r%d-m%02d-g%04d", round, m+1, k+1),
					Round: round, Match: m + 1, Index: k,
					Black: p.A, White: p.B,
				}
				if k%2 == 1 {
					g.Black, g.White = p.B, p.A
				}
				out = append(out, g)
			}
		}
	}
	return out
}

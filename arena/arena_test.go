package arena

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trident-lab/trident/arena/stats"
	"github.com/trident-lab/trident/games/sgf"
)

func TestParseEngine(t *testing.T) {
	tests := []struct {
		in   string
		want Engine
		err  string
	}{
		{"name=strong,cmd=trident gtp --game nogo --size 9 --playouts 2000",
			Engine{"strong", []string{"trident", "gtp", "--game", "nogo", "--size", "9", "--playouts", "2000"}}, ""},
		{"cmd=/usr/bin/gnugo --mode gtp", Engine{"gnugo", []string{"/usr/bin/gnugo", "--mode", "gtp"}}, ""},
		{`name = a b , cmd=prog "two words" 'x,y' a\ b`, Engine{"a b", []string{"prog", "two words", "x,y", "a b"}}, ""},
		{"name=x,cmd=prog --list a,b,c", Engine{"x", []string{"prog", "--list", "a,b,c"}}, ""},
		{"name=x", Engine{}, "no cmd="},
		{"name=x,cmd=", Engine{}, "cmd is empty"},
		{"name=x,cmd=prog 'open", Engine{}, "unterminated single quote"},
		{"name=x,colour=red,cmd=prog", Engine{}, `unknown key "colour"`},
		{"trident gtp", Engine{}, "not KEY=VALUE"},
		{"name=,cmd=prog", Engine{}, "name must be"},
	}
	for _, tc := range tests {
		got, err := ParseEngine(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseEngine(%q) error = %v, want it to mention %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseEngine(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  a   b\tc ", []string{"a", "b", "c"}},
		{`"a \"q\" \\ \n"`, []string{`a "q" \ \n`}},
		{`'it''s'`, []string{"its"}},
		{`x""y ''`, []string{"xy", ""}},
		{`a\ b\'c`, []string{"a b'c"}},
	}
	for _, tc := range tests {
		got, err := SplitCommand(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`"abc`, `'abc`, `abc\`} {
		if _, err := SplitCommand(bad); err == nil {
			t.Errorf("SplitCommand(%q) accepted", bad)
		}
	}
}

func FuzzParseEngine(f *testing.F) {
	f.Add("name=strong,cmd=trident gtp --playouts 2000")
	f.Add(`name=a,cmd="x y" 'z' \q`)
	f.Add("cmd=prog,name=x")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEngine(s)
		if err != nil {
			return
		}
		if e.Name == "" || len(e.Command) == 0 {
			t.Fatalf("ParseEngine(%q) = %+v without error", s, e)
		}
	})
}

func TestParseSPRT(t *testing.T) {
	s, err := ParseSPRT("elo0=0, elo1=50")
	if err != nil || *s != (stats.SPRT{Elo0: 0, Elo1: 50, Alpha: 0.05, Beta: 0.05}) {
		t.Errorf("ParseSPRT = %+v, %v", s, err)
	}
	for _, bad := range []string{"elo0=0", "elo0=5,elo1=0", "elo0=0,elo1=5,gamma=1", "elo0=x,elo1=1", "elo0=0,elo1=5,alpha=2"} {
		if _, err := ParseSPRT(bad); err == nil {
			t.Errorf("ParseSPRT(%q) accepted", bad)
		}
	}
}

func TestSchedule(t *testing.T) {
	ps := firstRound(FormatRoundRobin, 4)
	if len(ps) != 6 {
		t.Fatalf("round robin of 4 has %d pairings, want 6", len(ps))
	}
	games := roundGames(1, ps, 4)
	if len(games) != 24 {
		t.Fatalf("%d games, want 24", len(games))
	}
	ids := map[string]bool{}
	black := map[[2]int]int{}
	for _, g := range games {
		if ids[g.ID] {
			t.Fatalf("repeated id %s", g.ID)
		}
		ids[g.ID] = true
		black[[2]int{g.Black, g.White}]++
	}
	for _, p := range ps {
		if black[[2]int{p.A, p.B}] != 2 || black[[2]int{p.B, p.A}] != 2 {
			t.Errorf("pairing %v: colours not balanced: %v", p, black)
		}
	}
	// Pairs come first across pairings: the first 12 games are game pair 1
	// of every pairing.
	for _, g := range games[:12] {
		if g.Index > 1 {
			t.Errorf("game %s scheduled before the first pairs were done", g.ID)
		}
	}
	if got := len(firstRound(FormatGauntlet, 5)); got != 4 {
		t.Errorf("gauntlet of 5 has %d pairings, want 4", got)
	}
	// Five seeds: the bracket has 8 places, so seeds 1 to 3 get byes and
	// seeds 4 and 5 play in.
	kps, byes := knockoutRound([]int{4, 0, 2, 1, 3})
	if !reflect.DeepEqual(kps, []pairing{{3, 4}}) || !reflect.DeepEqual(byes, []int{0, 1, 2}) {
		t.Errorf("knockout of 5: %v byes %v", kps, byes)
	}
	kps, byes = knockoutRound([]int{0, 1, 2, 3})
	if !reflect.DeepEqual(kps, []pairing{{0, 3}, {1, 2}}) || len(byes) != 0 {
		t.Errorf("knockout of 4: %v byes %v", kps, byes)
	}
}

// runConfig is a small run on a 3×3 occupy game between two engines.
func runConfig(t *testing.T, a, b Engine, games int) Config {
	return Config{
		Engines: []Engine{a, b}, Format: FormatMatch, Games: games, Concurrency: 2,
		Conditions: Conditions{Game: "nogo", Width: 3, Height: 3, TimeMargin: 100 * time.Millisecond, HangTimeout: 5 * time.Second},
		OutDir:     t.TempDir(), rules: occupyRules,
	}
}

// TestAdjudication plays each misbehaving engine against a sound one and
// checks it loses every game for the right reason.
func TestAdjudication(t *testing.T) {
	tests := []struct {
		mode   string
		reason string
		setup  func(*Config)
	}{
		{"crash", "failed at genmove", nil},
		{"hang", "hung: no move within", func(c *Config) { c.Conditions.HangTimeout = 300 * time.Millisecond }},
		{"illegal", "illegal move", nil},
		{"garbage", "failed at genmove", nil},
		{"offboard", "off the 3x3 board", nil},
		{"resign", "resigned", nil},
		{"stubborn", "ignores boardsize", nil},
		{"slow", "lost on time", func(c *Config) { c.Conditions.MoveTime = time.Second }},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			cfg := runConfig(t, fakeSpec(t, "good", "first"), fakeSpec(t, "bad", tc.mode), 2)
			if tc.setup != nil {
				tc.setup(&cfg)
			}
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Games != 2 || rep.Standings[0].Name != "good" || rep.Standings[0].Wins != 2 {
				t.Fatalf("standings %+v", rep.Standings)
			}
			for _, r := range rep.Records {
				if !strings.Contains(r.Reason, tc.reason) || !strings.HasPrefix(r.Reason, "bad") {
					t.Errorf("game %s: reason %q, want bad ... %q", r.ID, r.Reason, tc.reason)
				}
				data, err := os.ReadFile(filepath.Join(cfg.OutDir, r.SGF))
				if err != nil {
					t.Fatal(err)
				}
				g, err := sgf.ReadGame(data)
				if err != nil || g.Result != r.Result {
					t.Errorf("SGF of %s: %v, result %q want %q", r.ID, err, g.Result, r.Result)
				}
			}
		})
	}
}

// TestSloppyEngine checks that replies without a space after "=", without
// ids and with CR LF line ends are understood.
func TestSloppyEngine(t *testing.T) {
	cfg := runConfig(t, fakeSpec(t, "sloppy", "sloppy"), fakeSpec(t, "good", "last"), 2)
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Records {
		// On 3×3 the first player fills the last point and wins.
		if r.Result != "B+" || r.Moves != 9 {
			t.Errorf("game %s: %s after %d moves (%s)", r.ID, r.Result, r.Moves, r.Reason)
		}
	}
}

func TestBadEngines(t *testing.T) {
	good := fakeSpec(t, "good", "first")
	for _, tc := range []struct {
		e    Engine
		want string
	}{
		{Engine{"missing", []string{"/nonexistent/engine", "--gtp"}}, `engine "missing": command "/nonexistent/engine --gtp" does not start`},
		{fakeSpec(t, "chatty", "nogtp"), `engine "chatty"`},
	} {
		_, err := Run(context.Background(), runConfig(t, good, tc.e, 2))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
		if tc.e.Name == "chatty" && !strings.Contains(err.Error(), "does not speak GTP") {
			t.Errorf("error %v does not say the engine speaks no GTP", err)
		}
	}
}

func TestResume(t *testing.T) {
	cfg := runConfig(t, fakeSpec(t, "a", "first"), fakeSpec(t, "b", "last"), 6)
	full, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg.OutDir, ResultsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) != 8 || lines[7] != "" {
		t.Fatalf("results file has %d lines, want a header and 6 games", len(lines)-1)
	}

	// Running again without --resume must not touch the results.
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("rerun without resume: %v", err)
	}
	// A crash in the middle of writing the fourth game: the torn line is
	// dropped and games 4 to 6 are played again, none twice.
	torn := strings.Join(lines[:4], "") + lines[4][:len(lines[4])/2]
	if err := os.WriteFile(path, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Resume = true
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Games != 6 {
		t.Fatalf("resumed run has %d games, want 6", rep.Games)
	}
	ids := map[string]bool{}
	for _, r := range rep.Records {
		if ids[r.ID] {
			t.Errorf("game %s counted twice", r.ID)
		}
		ids[r.ID] = true
	}
	if !reflect.DeepEqual(rep.Standings, full.Standings) {
		t.Errorf("resumed standings %+v, uninterrupted %+v", rep.Standings, full.Standings)
	}
	// Nothing left to play: a second resume plays no game.
	again, err := Run(context.Background(), cfg)
	if err != nil || again.Games != 6 {
		t.Errorf("second resume: %d games, %v", again.Games, err)
	}

	// A corrupt line is an error naming the file and line.
	data, _ = os.ReadFile(path)
	lines = strings.SplitAfter(string(data), "\n")
	lines[2] = "{\"game\": {\"id\": 12\n"
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), ResultsFile+":3: corrupt line") {
		t.Errorf("corrupt file: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, []byte(strings.Join(lines, ""))) {
		t.Error("a corrupt results file was modified")
	}

	// Other flags are refused.
	cfg2 := runConfig(t, cfg.Engines[0], cfg.Engines[1], 8)
	cfg2.OutDir, cfg2.Resume = t.TempDir(), true
	if _, err := Run(context.Background(), cfg2); err != nil {
		t.Fatal(err)
	}
	cfg2.Games = 10
	if _, err := Run(context.Background(), cfg2); err == nil || !strings.Contains(err.Error(), "games was 8, now 10") {
		t.Errorf("changed flags: %v", err)
	}
}

// TestInterrupt cancels a run while an engine is thinking: Run returns
// promptly, reaping the engines, and the results file stays resumable.
func TestInterrupt(t *testing.T) {
	mark := filepath.Join(t.TempDir(), "hanging")
	hang := fakeSpec(t, "b", "hang")
	hang.Command = append([]string{"env", markEnv + "=" + mark}, hang.Command[1:]...)
	cfg := runConfig(t, fakeSpec(t, "a", "first"), hang, 4)
	cfg.Conditions.HangTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for {
			if _, err := os.Stat(mark); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	rep, err := Run(ctx, cfg)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want interrupted", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("interrupted run took %s to return", took)
	}
	if rep == nil || rep.Games != 0 {
		t.Fatalf("interrupted report: %+v", rep)
	}
	data, err := os.ReadFile(filepath.Join(cfg.OutDir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := parseResults("results", data, cfg.settings()); err != nil {
		t.Errorf("results file after interrupt: %v", err)
	}
}

func TestSPRTStopsMatch(t *testing.T) {
	// On 3×3 the first player always wins, so every pair is split and the
	// engines are equal: the test must accept H0 well before 400 games.
	cfg := runConfig(t, fakeSpec(t, "a", "first"), fakeSpec(t, "b", "last"), 400)
	cfg.SPRT = &stats.SPRT{Elo0: 0, Elo1: 200, Alpha: 0.05, Beta: 0.05}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SPRT == nil || rep.SPRT.Decision != stats.AcceptH0.String() || rep.Games >= 400 {
		t.Fatalf("SPRT %+v after %d games", rep.SPRT, rep.Games)
	}
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "H0 accepted") {
		t.Errorf("table does not show the SPRT:\n%s", buf.String())
	}
}

func TestReport(t *testing.T) {
	cfg := Config{Engines: []Engine{{Name: "x"}, {Name: "y"}, {Name: "z"}}, Format: FormatRoundRobin,
		Conditions: Conditions{Game: "atarigo", Width: 7, Height: 7}}
	rec := func(round, match, idx int, black, white, winner string) Record {
		return Record{ID: black + white + string(rune('0'+idx)), Round: round, Match: match, Index: idx, Black: black, White: white, Winner: winner, Result: "B+"}
	}
	recs := []Record{
		rec(1, 1, 0, "x", "y", "black"), rec(1, 1, 1, "y", "x", "white"), // x wins a pair 2-0
		rec(1, 2, 0, "x", "z", "black"), rec(1, 2, 1, "z", "x", "black"), // split pair
		rec(1, 3, 0, "y", "z", ""), // one draw, pair incomplete
	}
	rep := buildReport(cfg, recs, nil)
	if rep.Standings[0].Name != "x" || rep.Standings[0].Points != 3 || rep.Standings[0].Games != 4 {
		t.Errorf("leader %+v", rep.Standings[0])
	}
	if c := rep.Crosstable[0][1]; c != (Cell{2, 2}) {
		t.Errorf("x vs y cell %+v", c)
	}
	if c := rep.Crosstable[2][1]; c != (Cell{0.5, 1}) {
		t.Errorf("z vs y cell %+v", c)
	}
	h := rep.HeadToHead[0]
	if h.A != "x" || h.B != "y" || h.Penta != (stats.Penta{0, 0, 0, 0, 1}) || h.Model != "pentanomial" {
		t.Errorf("head to head %+v", h)
	}
	if rep.HeadToHead[2].Model != "trinomial" || rep.Draws != 1 || rep.BlackWins != 3 {
		t.Errorf("y vs z %+v, colours %d/%d/%d", rep.HeadToHead[2], rep.BlackWins, rep.WhiteWins, rep.Draws)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("JSON does not parse (infinite Elo must be null): %v", err)
	}
	buf.Reset()
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Atari-Go 7x7, roundrobin: 5 games", "x vs y: +2 =0 -0", "Crosstable", "+inf"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
	cfg.Anchor = "y"
	for _, st := range buildReport(cfg, recs, nil).Standings {
		if st.Name == "y" && (st.Elo != 0 || st.EloError != 0) {
			t.Errorf("anchor y rated %v ± %v, want 0 ± 0", st.Elo, st.EloError)
		}
	}
	png := filepath.Join(t.TempDir(), "r.png")
	if err := rep.WritePlot(png); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(png)
	if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("plot is not a PNG: %v", err)
	}
}

func TestFormats(t *testing.T) {
	a, b, c := fakeSpec(t, "a", "first"), fakeSpec(t, "b", "last"), fakeSpec(t, "c", "illegal")
	// Knockout of three: a has a bye, b beats c, then a and b split every
	// pair (on 3×3 the first player wins) and a advances as higher seed.
	cfg := runConfig(t, a, b, 2)
	cfg.Engines = []Engine{a, b, c}
	cfg.Format = FormatKnockout
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Knockout) != 2 || rep.Games != 4 {
		t.Fatalf("knockout: %d rounds, %d games: %+v", len(rep.Knockout), rep.Games, rep.Knockout)
	}
	r1, r2 := rep.Knockout[0], rep.Knockout[1]
	if !reflect.DeepEqual(r1.Byes, []string{"a"}) || r1.Matches[0].Winner != "b" || r2.Matches[0].Winner != "a" {
		t.Errorf("bracket %+v", rep.Knockout)
	}
	var buf bytes.Buffer
	if err := rep.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Knockout round 2:\n  a 1 - 1 b: a advances") {
		t.Errorf("table:\n%s", buf.String())
	}

	// Gauntlet: a against b and c only.
	cfg = runConfig(t, a, b, 2)
	cfg.Engines = []Engine{a, b, c}
	cfg.Format = FormatGauntlet
	rep, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Games != 4 || rep.Crosstable[1][2].Games != 0 || rep.Crosstable[0][2].Games != 2 {
		t.Errorf("gauntlet: %d games, crosstable %+v", rep.Games, rep.Crosstable)
	}
	// A match needs two engines; an SPRT needs a match.
	cfg.Format = FormatMatch
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Error("a match of three engines accepted")
	}
	cfg.Format, cfg.SPRT = FormatGauntlet, &stats.SPRT{Elo0: 0, Elo1: 10, Alpha: 0.05, Beta: 0.05}
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Error("an SPRT on a gauntlet accepted")
	}
}

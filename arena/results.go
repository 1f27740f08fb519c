package arena

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"time"
)

// Record is one finished game as the results file keeps it.
type Record struct {
	// ID names the game in the schedule; the same flags give the same IDs,
	// which is how a resumed run knows which games are done.
	ID    string `json:"id"`
	Round int    `json:"round"`
	// Match numbers the pairing within its round; Index numbers the game
	// within the match, games 2k and 2k+1 forming a colour-swapped pair.
	Match int    `json:"match"`
	Index int    `json:"index"`
	Black string `json:"black"`
	White string `json:"white"`
	// Winner is "black", "white" or "" for a draw.
	Winner string `json:"winner"`
	// Result is the SGF RE value, e.g. "B+R", "W+Time", "B+F", "0".
	Result string `json:"result"`
	// Reason says how the game ended, in words.
	Reason  string  `json:"reason"`
	Moves   int     `json:"moves"`
	Seconds float64 `json:"seconds"`
	// SGF is the game record's file name, relative to the output folder.
	SGF      string    `json:"sgf"`
	Finished time.Time `json:"finished"`
}

// ScoreFor returns the points name scored in the game: 1, ½ or 0.
func (r Record) ScoreFor(name string) float64 {
	switch {
	case r.Winner == "":
		return 0.5
	case (r.Winner == "black") == (r.Black == name):
		return 1
	}
	return 0
}

// Settings are the flags that decide the schedule and the conditions of
// play; a run resumes only with the same Settings.
type Settings struct {
	Engines  []Engine `json:"engines"`
	Format   Format   `json:"format"`
	Game     string   `json:"game"`
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Games    int      `json:"games"`
	MoveTime int      `json:"move_time_s"`
	// Atari-Go options; omitted for the standard game so that files of
	// standard runs stay as they were.
	CaptureTarget int  `json:"capture_target,omitempty"`
	AllowPass     bool `json:"allow_pass,omitempty"`
	OpeningMoves  int  `json:"opening_moves,omitempty"`
}

// line is one line of the results file: the run's settings first, then one
// game per line.
type line struct {
	Run  *Settings `json:"run,omitempty"`
	Game *Record   `json:"game,omitempty"`
}

// ResultsFile is the name of the results file in the output folder.
const ResultsFile = "results.jsonl"

// maxLineBytes bounds one line of the results file.
const maxLineBytes = 1 << 20

// results appends to the results file, syncing each game to disk.
type results struct {
	path string
	f    *os.File
}

// openResults opens dir's results file. A new file starts with s. With
// resume, an existing file is read and must hold the same settings; its
// games are returned. Without resume an existing file is an error, so no
// results are overwritten. A last line cut short by a crash (no newline)
// is dropped, so that game is played again; any other bad line is an
// error naming the file and line.
func openResults(dir string, s Settings, resume bool) (*results, []Record, error) {
	path := filepath.Join(dir, ResultsFile)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("results: %w", err)
		}
		r := &results{path: path, f: f}
		if err := r.append(line{Run: &s}); err != nil {
			_ = f.Close()
			return nil, nil, err
		}
		return r, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("results: %w", err)
	case !resume:
		return nil, nil, fmt.Errorf("results file %s already exists: rerun with --resume to continue that run, or choose another --out", path)
	}
	recs, good, err := parseResults(path, data, s)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	// Drop a torn last line before appending after it.
	if err := f.Truncate(int64(good)); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("results: %s: %w", path, err)
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("results: %s: %w", path, err)
	}
	return &results{path: path, f: f}, recs, nil
}

// parseResults reads a results file's games and returns how many leading
// bytes are complete lines.
func parseResults(path string, data []byte, s Settings) ([]Record, int, error) {
	var recs []Record
	seen := map[string]bool{}
	good := 0
	for n := 1; good < len(data); n++ {
		end := bytes.IndexByte(data[good:], '\n')
		if end < 0 {
			// Torn write: the process died in the middle of this line.
			break
		}
		text := data[good : good+end]
		if len(text) > maxLineBytes {
			return nil, 0, fmt.Errorf("results file %s:%d: line over %d bytes", path, n, maxLineBytes)
		}
		var l line
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, 0, fmt.Errorf("results file %s:%d: corrupt line: %v", path, n, err)
		}
		switch {
		case n == 1 && l.Run == nil:
			return nil, 0, fmt.Errorf("results file %s:1: no run settings (not an arena results file?)", path)
		case n == 1:
			if err := sameSettings(*l.Run, s); err != nil {
				return nil, 0, fmt.Errorf("results file %s was written by a run with other flags: %w", path, err)
			}
		case l.Game == nil || l.Run != nil:
			return nil, 0, fmt.Errorf("results file %s:%d: want one game record", path, n)
		default:
			g := *l.Game
			if g.ID == "" || seen[g.ID] {
				return nil, 0, fmt.Errorf("results file %s:%d: missing or repeated game id %q", path, n, g.ID)
			}
			if g.Winner != "" && g.Winner != "black" && g.Winner != "white" {
				return nil, 0, fmt.Errorf("results file %s:%d: game %s: bad winner %q", path, n, g.ID, g.Winner)
			}
			seen[g.ID] = true
			recs = append(recs, g)
		}
		good += end + 1
	}
	if good == 0 {
		return nil, 0, fmt.Errorf("results file %s: empty or torn first line (delete it to start afresh)", path)
	}
	return recs, good, nil
}

// sameSettings names the first difference between the settings a results
// file was written with and the current ones.
func sameSettings(old, cur Settings) error {
	ov, cv := reflect.ValueOf(old), reflect.ValueOf(cur)
	t := ov.Type()
	for i := range t.NumField() {
		o, c := ov.Field(i).Interface(), cv.Field(i).Interface()
		if !reflect.DeepEqual(o, c) {
			oj, _ := json.Marshal(o)
			cj, _ := json.Marshal(c)
			return fmt.Errorf("%s was %s, now %s", t.Field(i).Tag.Get("json"), oj, cj)
		}
	}
	return nil
}

// add appends one game and syncs it to disk.
func (r *results) add(rec Record) error { return r.append(line{Game: &rec}) }

func (r *results) append(l line) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	b = append(b, '\n')
	if _, err := r.f.Write(b); err != nil {
		return fmt.Errorf("results: writing %s: %w", r.path, err)
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("results: syncing %s: %w", r.path, err)
	}
	return nil
}

func (r *results) Close() error { return r.f.Close() }

// writeAtomic writes data to path through a synced temporary file and a
// rename, so a crash leaves either the old file or the new one.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	_, err = w.Write(data)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

package balance

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// TestStateRoundTrip checks that every method's State, restored into a
// fresh method with SetState, gives the same next decision.
func TestStateRoundTrip(t *testing.T) {
	prefs, _ := Preferences(2, 3)
	for _, name := range Names() {
		cfg := Config{Tasks: 2, Seed: 4, Weights: []float64{1, 2}, Preferences: prefs, Preference: 1}
		a, _ := New(name, cfg)
		step := func(m Method, i int, losses []float64) *Step {
			s := &Step{Index: i, Losses: losses, Grads: [][]float32{{1, -2}, {-1, 3}}, LastShared: [][]float32{{1}, {2}}}
			if err := m.Combine(s); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return s
		}
		step(a, 0, []float64{2, 1})
		for _, l := range [][]float64{{2, 1}, {1.5, 0.9}, {1.2, 0.5}} {
			if err := a.EndEpoch(l); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		b, _ := New(name, cfg)
		if err := b.SetState(a.State()); err != nil {
			t.Fatalf("%s: SetState(State()) = %v", name, err)
		}
		for i, p := range a.Params() { // what a checkpoint restores
			copy(b.Params()[i].Data, p.Data)
		}
		sa, sb := step(a, 7, []float64{1, 0.4}), step(b, 7, []float64{1, 0.4})
		if !slices.Equal(sa.Weights, sb.Weights) || !slices.Equal(sa.Shared, sb.Shared) {
			t.Errorf("%s: restored method decides %v %v, original %v %v", name, sb.Weights, sb.Shared, sa.Weights, sa.Shared)
		}
	}
}

// FuzzSetState feeds arbitrary states, as a damaged checkpoint could hold,
// to every method: SetState must return an error or accept a state that
// State gives back unchanged, and never panic.
func FuzzSetState(f *testing.F) {
	f.Add(uint8(4), []byte{})
	f.Add(uint8(3), binary.LittleEndian.AppendUint64(nil, math.Float64bits(1)))
	f.Add(uint8(13), binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(1)), math.Float64bits(2)))
	f.Fuzz(func(t *testing.T, which uint8, raw []byte) {
		names := Names()
		name := names[int(which)%len(names)]
		prefs, _ := Preferences(2, 3)
		m, err := New(name, Config{Tasks: 2, Weights: []float64{1, 1}, Preferences: prefs})
		if err != nil {
			t.Fatal(err)
		}
		var state []float64
		for len(raw) >= 8 {
			state = append(state, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			raw = raw[8:]
		}
		if err := m.SetState(state); err != nil {
			return
		}
		got := m.State()
		if len(got) == 0 && len(state) == 0 {
			return
		}
		if !slices.Equal(got, state) {
			t.Errorf("%s: SetState(%v) accepted, State() = %v", name, state, got)
		}
	})
}

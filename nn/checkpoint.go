package nn

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/safetensors"
)

// StatePrefix begins the names of checkpoint tensors that are not model
// parameters but training state (optimizer moments and the like).
const StatePrefix = "state/"

// SaveCheckpoint writes every tensor of ps (parameters and buffers), the
// state tensors (whose names must begin with StatePrefix) and the metadata
// to path in the safetensors format, atomically: the file is written to a
// temporary name, synced and renamed, so a crash never leaves a partial
// checkpoint.
func SaveCheckpoint(path string, ps *Params, state map[string]*Tensor, meta map[string]string) error {
	f := &safetensors.File{Metadata: meta}
	for _, name := range ps.Names() {
		t := ps.Get(name)
		f.Tensors = append(f.Tensors, safetensors.FromFloat32(name, t.Shape, t.Data))
	}
	names := make([]string, 0, len(state))
	for name := range state {
		if !strings.HasPrefix(name, StatePrefix) {
			return fmt.Errorf("checkpoint %s: state tensor %q must be named %s...", path, name, StatePrefix)
		}
		if ps.Get(name) != nil {
			return fmt.Errorf("checkpoint %s: state tensor %q is also a parameter", path, name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t := state[name]
		f.Tensors = append(f.Tensors, safetensors.FromFloat32(name, t.Shape, t.Data))
	}
	if err := safetensors.WriteFile(path, f); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint (or any
// safetensors file with the same tensor names) into ps, which must have
// been built with the same architecture: every tensor of ps must be in the
// file with the same shape, and every tensor of the file must be in ps or
// be state (named StatePrefix...). Tensors stored as F16, BF16 or F64 are
// converted. It returns the state tensors and the metadata. On error ps is
// left unchanged.
func LoadCheckpoint(path string, ps *Params) (state map[string]*Tensor, meta map[string]string, err error) {
	f, err := safetensors.ReadFile(path) // its errors name the file
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	state, err = LoadTensors(path, f, ps)
	if err != nil {
		return nil, nil, err
	}
	return state, f.Metadata, nil
}

// LoadTensors copies the tensors of an already decoded safetensors file
// (weights embedded in a binary, say) into ps under LoadCheckpoint's
// rules, and returns the state tensors; name is the file's name for error
// messages. On error ps is left unchanged.
func LoadTensors(name string, f *safetensors.File, ps *Params) (state map[string]*Tensor, err error) {
	values := map[string][]float32{}
	state = map[string]*Tensor{}
	for _, t := range f.Tensors {
		data, err := safetensors.Float32(t) // its errors name the tensor
		if err != nil {
			return nil, fmt.Errorf("checkpoint %s: %w", name, err)
		}
		if strings.HasPrefix(t.Name, StatePrefix) {
			state[t.Name] = New(data, t.Shape...)
			continue
		}
		p := ps.Get(t.Name)
		if p == nil {
			return nil, fmt.Errorf("checkpoint %s: tensor %q is not part of this model (is the checkpoint from another architecture?)", name, t.Name)
		}
		if !sameShape(p.Shape, t.Shape) {
			return nil, fmt.Errorf("checkpoint %s: tensor %q has shape %v, the model expects %v", name, t.Name, t.Shape, p.Shape)
		}
		values[t.Name] = data
	}
	for _, pn := range ps.Names() {
		if _, ok := values[pn]; !ok {
			return nil, fmt.Errorf("checkpoint %s: no tensor %q (shape %v) for this model", name, pn, ps.Get(pn).Shape)
		}
	}
	for pn, data := range values {
		copy(ps.Get(pn).Data, data)
	}
	return state, nil
}

// Metadata keys that identify an upscaling network in its files: the
// architecture and the integer enlargement it is built for, which its
// tensors' shapes alone may not tell apart.
const (
	MetaArch  = "arch"
	MetaScale = "scale"
)

// NetMeta is the metadata that identifies a network of architecture arch
// built for scale.
func NetMeta(arch string, scale int) map[string]string {
	return map[string]string{MetaArch: arch, MetaScale: strconv.Itoa(scale)}
}

// CheckNetMeta verifies that metadata describes a network of architecture
// arch built for scale; name is the file, for the message.
func CheckNetMeta(name string, meta map[string]string, arch string, scale int) error {
	if a := meta[MetaArch]; a != arch {
		return fmt.Errorf("%s: architecture %q, want %q", name, a, arch)
	}
	if s := meta[MetaScale]; s != strconv.Itoa(scale) {
		return fmt.Errorf("%s: weights are for scale %q, want %d", name, s, scale)
	}
	return nil
}

// LoadNet copies the tensors of a decoded safetensors file into ps, the
// parameters of a network of architecture arch built for scale, once
// CheckNetMeta has accepted its metadata (which names a mismatch more
// plainly than the tensors' shapes would); name is the file. On error ps is
// left unchanged.
func LoadNet(name string, f *safetensors.File, ps *Params, arch string, scale int) error {
	if err := CheckNetMeta(name, f.Metadata, arch, scale); err != nil {
		return err
	}
	_, err := LoadTensors(name, f, ps)
	return err
}

// LoadNetFile is LoadNet for the file at path (weights or a checkpoint,
// whose training state it ignores); it checks the metadata before it reads
// any tensor, so that another network's file, however large, is refused at
// once.
func LoadNetFile(path string, ps *Params, arch string, scale int) error {
	h, err := safetensors.ReadHeader(path) // its errors name the file
	if err != nil {
		return err
	}
	if err := CheckNetMeta(path, h.Metadata, arch, scale); err != nil {
		return err
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return err
	}
	// The file may have been replaced since its header was read.
	return LoadNet(path, f, ps, arch, scale)
}

// Metadata keys of the epoch checkpoints that SaveEpoch writes.
const (
	MetaEpoch     = "epoch"      // epochs completed
	MetaAdamSteps = "adam_steps" // Adam updates taken
)

// SaveEpoch writes the checkpoint of a training run after its epochs-th
// epoch: ps, Adam's moments for the named parameters, and meta (which it
// extends with MetaEpoch and MetaAdamSteps), atomically as SaveCheckpoint.
func SaveEpoch(path string, ps *Params, opt *Adam, names []string, meta map[string]string, epochs int) error {
	state, steps, err := opt.State(names, StatePrefix+"adam/")
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	meta[MetaEpoch] = strconv.Itoa(epochs)
	meta[MetaAdamSteps] = strconv.Itoa(steps)
	return SaveCheckpoint(path, ps, state, meta)
}

// ResumeEpoch loads a checkpoint written by SaveEpoch into ps and opt and
// returns the epochs it completed and its metadata. The run must be the
// same: every key of want but "epochs" (a run may be extended) has the same
// value in the checkpoint, and Adam took stepsPerEpoch updates per epoch.
func ResumeEpoch(path string, ps *Params, opt *Adam, names []string, want map[string]string, stepsPerEpoch int) (int, map[string]string, error) {
	state, meta, err := LoadCheckpoint(path, ps)
	if err != nil {
		return 0, nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if k != "epochs" && meta[k] != want[k] {
			return 0, nil, fmt.Errorf("checkpoint %s: %s is %q there, %q now", path, k, meta[k], want[k])
		}
	}
	epochs, err1 := strconv.Atoi(meta[MetaEpoch])
	steps, err2 := strconv.Atoi(meta[MetaAdamSteps])
	if err1 != nil || err2 != nil || epochs < 1 || steps != epochs*stepsPerEpoch {
		return 0, nil, fmt.Errorf("checkpoint %s: bad %s %q / %s %q in metadata", path, MetaEpoch, meta[MetaEpoch], MetaAdamSteps, meta[MetaAdamSteps])
	}
	if err := opt.SetState(names, StatePrefix+"adam/", state, steps); err != nil {
		return 0, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return epochs, meta, nil
}

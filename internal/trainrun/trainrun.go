// Package trainrun runs the epochs of a network's training the way
// Trident's trainers (sr/srtrain, temporal/ttrain) do: Adam under a cosine
// schedule from the initial rate to a hundredth of it, one random generator
// per epoch derived from the seed and the epoch, and after every epoch
// validation, an atomic checkpoint (nn.SaveEpoch) and the weights alone
// beside it. A run resumed from its checkpoint ends exactly as an
// uninterrupted one.
package trainrun

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/trident-lab/trident/internal/progress"
	"github.com/trident-lab/trident/nn"
)

// CheckpointFile is the checkpoint's name inside a run's directory.
const CheckpointFile = "checkpoint.safetensors"

// CheckSchedule checks the epochs, steps per epoch and learning rate of a
// trainer's configuration; its errors name the field but not the trainer.
func CheckSchedule(epochs, stepsPerEpoch int, lr float64) error {
	switch {
	case epochs < 1 || epochs > 100000:
		return fmt.Errorf("epochs %d is outside [1, 100000]", epochs)
	case stepsPerEpoch < 1 || stepsPerEpoch > 1000000:
		return fmt.Errorf("steps per epoch %d is outside [1, 1000000]", stepsPerEpoch)
	case !(lr > 0 && lr < 1):
		return fmt.Errorf("learning rate %g is outside (0, 1)", lr)
	}
	return nil
}

// Run is one training run, filled in by a trainer from its configuration.
type Run struct {
	Name     string     // the trainer, which begins the run's own errors ("srtrain")
	Progress string     // the progress bar's description
	Params   *nn.Params // the network's; Adam trains Params.Trainable()

	Epochs, StepsPerEpoch int
	LR                    float64 // Adam's initial rate, annealed by a cosine to LR/100
	Seed                  uint64  // with the epoch, seeds each epoch's generator

	// Dir receives CheckpointFile and WeightsFile after every epoch.
	Dir, WeightsFile string
	// Weights is the metadata of the weights file, besides the epoch and
	// the scores: what identifies the network and what its users must know.
	// The checkpoint has it too.
	Weights map[string]string
	// Config is the training configuration in the checkpoint's metadata; a
	// resumed run must have the same but for "epochs" (nn.ResumeEpoch).
	Config map[string]string
	// Resume continues Dir's checkpoint after CheckResume (if not nil) has
	// accepted its metadata; without it the checkpoint must not exist.
	Resume      bool
	CheckResume func(path string, meta map[string]string) error
}

// Train runs the epochs from the first, or the checkpoint's next, to
// r.Epochs. Each step, loss returns the loss of a batch it draws with the
// epoch's generator. After each epoch validate returns the scores, which
// both files record as metadata, and once they are written done (if not
// nil) hears of the epoch (counted from 1) and its mean training loss.
// Progress goes to w (nil for none). Errors of the callbacks and of ctx
// are returned as they are.
func (r *Run) Train(ctx context.Context, w io.Writer, loss func(rng *rand.Rand) *nn.Tensor,
	validate func() (map[string]string, error), done func(epoch int, loss float64)) error {
	names := r.Params.GroupNames("")
	opt := nn.NewAdam(r.Params.Trainable(), r.LR)
	sched := nn.Cosine(r.LR, r.LR/100, r.Epochs*r.StepsPerEpoch)
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	ckpt := filepath.Join(r.Dir, CheckpointFile)
	start := 0
	if r.Resume {
		var err error
		if start, err = r.restore(ckpt, opt, names); err != nil {
			return err
		}
		if start >= r.Epochs {
			return fmt.Errorf("%s: %s already holds %d epochs, --epochs is %d", r.Name, ckpt, start, r.Epochs)
		}
	} else if _, err := os.Stat(ckpt); err == nil {
		return fmt.Errorf("%s: %s exists; pass --resume to continue it or choose another directory", r.Name, ckpt)
	}
	if w == nil {
		w = io.Discard
	}
	bar := progress.New(w, (r.Epochs-start)*r.StepsPerEpoch, r.Progress)
	defer bar.Finish()
	for e := start; e < r.Epochs; e++ {
		// One generator per epoch, seeded from the run's seed and the
		// epoch, so a resumed run draws exactly the same batches.
		rng := nn.NewRNG(r.Seed*1_000_003 + uint64(e) + 1)
		var lossSum float64
		for s := 0; s < r.StepsPerEpoch; s++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			step := e*r.StepsPerEpoch + s
			opt.SetLR(sched(step))
			r.Params.ZeroGrad()
			l := loss(rng)
			if err := nn.CheckFinite(step, l); err != nil {
				return fmt.Errorf("%s: %w", r.Name, err)
			}
			nn.Backward(l)
			opt.Step()
			v := float64(l.Item())
			lossSum += v
			bar.Add(1, fmt.Sprintf("epoch %d loss %.4g", e+1, v))
		}
		scores, err := validate()
		if err != nil {
			return err
		}
		if err := r.save(ckpt, opt, names, e+1, scores); err != nil {
			return err
		}
		if done != nil {
			done(e+1, lossSum/float64(r.StepsPerEpoch))
		}
	}
	return nil
}

// save writes the checkpoint after epochs epochs and the weights file.
func (r *Run) save(ckpt string, opt *nn.Adam, names []string, epochs int, scores map[string]string) error {
	meta := map[string]string{}
	maps.Copy(meta, r.Weights)
	maps.Copy(meta, r.Config)
	maps.Copy(meta, scores)
	if err := nn.SaveEpoch(ckpt, r.Params, opt, names, meta, epochs); err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	wmeta := map[string]string{}
	maps.Copy(wmeta, r.Weights)
	maps.Copy(wmeta, scores)
	wmeta[nn.MetaEpoch] = meta[nn.MetaEpoch]
	if err := nn.SaveCheckpoint(filepath.Join(r.Dir, r.WeightsFile), r.Params, nil, wmeta); err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	return nil
}

// restore loads the checkpoint into the parameters and opt and returns its
// epoch count.
func (r *Run) restore(path string, opt *nn.Adam, names []string) (int, error) {
	epochs, meta, err := nn.ResumeEpoch(path, r.Params, opt, names, r.Config, r.StepsPerEpoch)
	if err != nil {
		return 0, fmt.Errorf("%s: resume: %w", r.Name, err)
	}
	if r.CheckResume != nil {
		if err := r.CheckResume(path, meta); err != nil {
			return 0, fmt.Errorf("%s: resume: %w", r.Name, err)
		}
	}
	return epochs, nil
}

package tbench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/trident-lab/trident/raster"
)

// minterpolateFilter is ffmpeg's motion-compensated interpolation at its
// best settings (bidirectional motion estimation, overlapped-block motion
// compensation, variable-size blocks), after converting to 4:4:4 so that
// chroma subsampling does not count against it. Frames come in at 1 fps and
// leave at 2, so every other output frame is synthesised.
const minterpolateFilter = "format=yuv444p,minterpolate=fps=2:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1"

// FFmpeg returns the path of the ffmpeg executable, or "" when none is on
// PATH (the minterpolate comparison is then skipped).
func FFmpeg() string {
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		return ""
	}
	return p
}

// Minterpolate synthesises the frame halfway between frames[1] and
// frames[2] with ffmpeg's minterpolate filter. minterpolate needs frames on
// both sides of the gap (given two frames it outputs nothing), so the caller
// passes four consecutive frames: the one before, the pair, and the one
// after, as a video would have them. Frames go through 8-bit sRGB PNG, as
// ffmpeg would read them from a video.
func Minterpolate(ctx context.Context, ffmpeg string, frames [4]*raster.Image) (*raster.Image, error) {
	dir, err := os.MkdirTemp("", "trident-minterpolate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for i, f := range frames {
		if f == nil {
			return nil, fmt.Errorf("minterpolate: frame %d missing", i)
		}
		if err := raster.Save(filepath.Join(dir, fmt.Sprintf("in%d.png", i)), f); err != nil {
			return nil, fmt.Errorf("minterpolate: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, ffmpeg, "-nostdin", "-v", "error", "-framerate", "1", "-start_number", "0",
		"-i", filepath.Join(dir, "in%d.png"), "-vf", minterpolateFilter, "-pix_fmt", "rgb24",
		"-start_number", "0", filepath.Join(dir, "out%d.png"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("minterpolate: %s: %w: %s", ffmpeg, err, strings.TrimSpace(string(out)))
	}
	// Output k is at time k/2: input 1 is output 2, the middle output 3.
	m, err := raster.Load(filepath.Join(dir, "out3.png"), 0)
	if err != nil {
		return nil, fmt.Errorf("minterpolate: ffmpeg gave no middle frame: %w", err)
	}
	if w, h := frames[1].Width, frames[1].Height; m.Width != w || m.Height != h {
		return nil, fmt.Errorf("minterpolate: ffmpeg's frame is %dx%d, want %dx%d", m.Width, m.Height, w, h)
	}
	return m, nil
}

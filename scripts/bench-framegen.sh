#!/usr/bin/env bash
# bench-framegen.sh — frame generation on every built-in scene at 640x360:
# the motion-vector method, optical flow from the colour alone, blending of
# the two neighbours and ffmpeg's minterpolate filter, each scored against
# the truly rendered middle frame (see "trident temporal-bench --help").
#
# Usage: scripts/bench-framegen.sh [PAIRS]   (default 3 pairs per scene and gap)
# ffmpeg comes from Debian's ffmpeg package, installed with apt-get when run
# as root; otherwise the script says so and minterpolate is left out.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pairs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v ffmpeg >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		{ apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y ffmpeg >/dev/null 2>&1; } ||
			echo "bench-framegen: could not install ffmpeg; minterpolate left out" >&2
	else
		echo "bench-framegen: ffmpeg not found (apt-get install ffmpeg); minterpolate left out" >&2
	fi
fi

(cd "$root" && go build -o "$work/trident" ./cmd/trident)
date -u +"%Y-%m-%d %H:%M UTC"
command -v ffmpeg >/dev/null 2>&1 && ffmpeg -version | head -1
# Two frames of the main comparison (it cannot be skipped) and no denoising:
# only the frame-generation table matters here.
"$work/trident" temporal-bench --frames 2 --warm 0 --denoise-frames 0 --crops "" \
	--display 640x360 --render 320x180 --gen-pairs "$pairs" |
	sed -n '/^frame generation/,$p'

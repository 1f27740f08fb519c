#!/usr/bin/env bash
# bench-upscale.sh — quality and speed of every Trident upscaler next to
# golang.org/x/image/draw, github.com/disintegration/imaging and libvips, on
# the shared photos (see "trident upscale-bench --help" for the protocol):
#   quality at 2x (plus the 1920x1080 -> 3840x2160 speed run), 3x and 1.5x.
#
# Usage: scripts/bench-upscale.sh [IMAGE_DIR]   (default ../shared/data/images)
# Environment: REPS (timed runs per method, best kept; default 3).
# libvips' command-line tool comes from Debian's libvips-tools, installed
# with apt-get when run as root; otherwise the script says so and vips is
# left out of the comparison.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/../shared/data/images}
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v vips >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y libvips-tools >/dev/null 2>&1 ||
			{ apt-get update >/dev/null 2>&1 && apt-get install -y libvips-tools >/dev/null 2>&1; } ||
			echo "bench-upscale: could not install libvips-tools; vips left out" >&2
	else
		echo "bench-upscale: vips not found (apt-get install libvips-tools); vips left out" >&2
	fi
fi

(cd "$root" && go build -o "$work/trident" ./cmd/trident)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(go version); vips: $(vips --version 2>/dev/null || echo none)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$work/trident" upscale-bench "$dir" --scale 2 --speed --reps "$reps"
echo
"$work/trident" upscale-bench "$dir" --scale 3
echo
"$work/trident" upscale-bench "$dir" --scale 1.5
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

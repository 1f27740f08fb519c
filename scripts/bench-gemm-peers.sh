#!/usr/bin/env bash
# bench-gemm-peers.sh — sgemm GFLOP/s of Trident's internal/gemm next to its
# peers on this machine, interleaved round by round so that load from other
# processes hits all of them alike:
#   trident   internal/gemm Sgemm (the kernel chosen for this CPU: AVX-512
#             where available, else AVX2/FMA, else portable Go)
#   avx2      internal/gemm forced to its AVX2/FMA kernel (when the CPU has it)
#   purego    internal/gemm forced to its portable Go kernel
#   gonum     gonum.org/v1/gonum/blas/gonum Sgemm (pure Go)
#   openblas  cblas_sgemm from Debian's libopenblas-dev
#   torch     torch.mm, float32, from Debian's python3-torch
# All use THREADS threads (GOMAXPROCS, openblas_set_num_threads,
# torch.set_num_threads plus OPENBLAS_NUM_THREADS/OMP_NUM_THREADS, since
# set_num_threads does not bound the OpenBLAS pool behind torch.mm) on square
# n×n row-major products, C = A·B.
#
# Usage: scripts/bench-gemm-peers.sh [ROUNDS]     (default 3 rounds)
# Prints, for every implementation, the median and the best over the rounds
# of each measurement's GFLOP/s, and the fastest single call of all rounds.
# Environment: THREADS (default 2), SIZES (default "64 256 512 1024"),
#              SECONDS_PER (seconds per measurement, default 1).
# Missing peers are installed with apt-get when run as root; otherwise the
# script says which package to install and leaves that peer out.
set -euo pipefail

rounds=${1:-3}
threads=${THREADS:-2}
sizes=${SIZES:-"64 256 512 1024"}
per=${SECONDS_PER:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
dpkg -s python3-torch >/dev/null 2>&1 || need+=(python3-torch)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
if ((${#need[@]})); then
	if [[ $(id -u) == 0 ]]; then
		echo "installing ${need[*]} ..." >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
	else
		echo "missing ${need[*]}: run as root or apt-get install them; those peers are left out" >&2
	fi
fi

peers=(go)
if gcc -O2 -o "$work/openblas_sgemm" "$root/scripts/gemm-peers/openblas_sgemm.c" -lopenblas 2>"$work/cc.log"; then
	peers+=(openblas)
else
	echo "openblas peer left out: $(head -1 "$work/cc.log")" >&2
fi
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	peers+=(torch)
else
	echo "torch peer left out: /usr/bin/python3 cannot import torch" >&2
fi

(cd "$root" && go test -c -o "$work/gemm.test" ./internal/gemm)

# -test.bench matches each /-separated level on its own, and a two-level
# name does not run under a three-level pattern: hence two patterns.
sizepat="n=($(tr ' ' '|' <<<"$sizes"))"
patterns=("^(BenchmarkSgemm|BenchmarkGonumSgemm)$/^$sizepat$" "^BenchmarkSgemmKernel$/^(avx2|purego)$/^$sizepat$")
results="$work/results"
for ((r = 1; r <= rounds; r++)); do
	echo "round $r/$rounds ..." >&2
	for p in "${peers[@]}"; do
		case $p in
		go)
			for pattern in "${patterns[@]}"; do
				GOMAXPROCS=$threads "$work/gemm.test" -test.run '^$' -test.bench "$pattern" \
					-test.benchtime "${per}s"
			done |
				awk '/GFLOP\/s/ {
					# BenchmarkSgemm/n=64-2, BenchmarkSgemmKernel/avx2/n=64-2, ...
					k = split($1, f, "/")
					impl = f[1] == "BenchmarkSgemm" ? "trident" : f[1] == "BenchmarkGonumSgemm" ? "gonum" : f[2]
					split(f[k], s, "[=-]")
					for (i = 1; i < NF; i++) {
						if ($(i+1) == "GFLOP/s") mean = $i
						if ($(i+1) == "best-GFLOP/s") best = $i
					}
					print impl, s[2], mean, best
				}'
			;;
		openblas) "$work/openblas_sgemm" "$threads" "$per" $sizes ;;
		torch) OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads /usr/bin/python3 "$root/scripts/gemm-peers/torch_sgemm.py" "$threads" "$per" $sizes ;;
		esac
	done >>"$results"
done

echo "sgemm GFLOP/s, square n, $threads threads, $rounds interleaved rounds ($(date -u +%Y-%m-%dT%H:%MZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/python3 - "$results" $sizes <<'PY'
import statistics, sys
rows = {}
fastest = {}
for line in open(sys.argv[1]):
    impl, n, g, f = line.split()
    rows.setdefault(impl, {}).setdefault(int(n), []).append(float(g))
    fastest.setdefault(impl, {}).setdefault(int(n), []).append(float(f))
sizes = [int(s) for s in sys.argv[2:]]
order = [i for i in ("trident", "avx2", "purego", "gonum", "openblas", "torch") if i in rows]
# The median is the typical figure on a shared machine; the best of the
# rounds, and still more the fastest single call, are the closest to an
# unloaded one. All are compared like for like.
for title, data, stat in (
    ("median of rounds", rows, statistics.median),
    ("best of rounds", rows, max),
    ("fastest single call", fastest, max),
):
    val = {i: {n: stat(data[i][n]) for n in data[i]} for i in order}
    print(f"\n{title}:\n")
    print("| n | " + " | ".join(order) + " | trident/openblas | trident/torch |")
    print("|---:|" + "---:|" * (len(order) + 2))
    for n in sizes:
        cells = [f"{val[i][n]:.1f}" if n in val[i] else "–" for i in order]
        def ratio(peer):
            if n in val.get(peer, {}) and n in val.get("trident", {}):
                return f"{val['trident'][n] / val[peer][n]:.2f}"
            return "–"
        print(f"| {n} | " + " | ".join(cells) + f" | {ratio('openblas')} | {ratio('torch')} |")
PY

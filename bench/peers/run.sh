#!/bin/sh
# Runs the nn workloads in Trident and in PyTorch back to back, ROUNDS times,
# with the same number of threads, and prints every table; quote medians
# across rounds (the machines are shared). Usage: bench/peers/run.sh [ROUNDS]
#
# PyTorch runs with OMP_WAIT_POLICY=PASSIVE: on a shared 2-core machine its
# default spin-waiting OpenMP threads starve each other and some rows come
# out 10-40x slower; passive waiting gives it its best figures here.
# torch.set_num_threads does not bound the OpenBLAS pool behind torch.matmul,
# so OPENBLAS_NUM_THREADS and OMP_NUM_THREADS get the same count.
set -eu
rounds=${1:-3}
threads=${THREADS:-2}
case "$rounds$threads" in
'' | *[!0-9]*)
	echo "run.sh: ROUNDS and THREADS must be positive integers (got '$rounds', '$threads')" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/../.."
go build -o /tmp/trident-bench ./cmd/trident
torch=yes
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	echo "run.sh: PyTorch not importable by /usr/bin/python3 (apt-get install python3-torch); timing Trident only" >&2
	torch=no
fi
i=1
while [ "$i" -le "$rounds" ]; do
	echo "## round $i: trident (GOMAXPROCS=$threads)"
	GOMAXPROCS=$threads /tmp/trident-bench bench nn 2>/dev/null
	if [ "$torch" = yes ]; then
		echo "## round $i: pytorch ($threads threads)"
		OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads /usr/bin/python3 bench/peers/nn_bench.py --threads "$threads"
	fi
	i=$((i + 1))
done

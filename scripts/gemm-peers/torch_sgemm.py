"""Time torch.mm on n×n float32 CPU tensors and print one line per size:

    torch <n> <GFLOP/s over the run> <GFLOP/s of the fastest call>

Usage: python3 torch_sgemm.py THREADS SECONDS N...
Part of scripts/bench-gemm-peers.sh; see docs/BENCHMARKS.md.
"""
import sys
import time

import torch


def main():
    threads, budget = int(sys.argv[1]), float(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    for n in map(int, sys.argv[3:]):
        a = torch.rand(n, n, dtype=torch.float32) * 2 - 1
        b = torch.rand(n, n, dtype=torch.float32) * 2 - 1
        c = torch.empty(n, n, dtype=torch.float32)
        torch.mm(a, b, out=c)  # warm-up
        reps, t0, fastest = 0, time.perf_counter(), float("inf")
        while True:
            c0 = time.perf_counter()
            torch.mm(a, b, out=c)
            fastest = min(fastest, time.perf_counter() - c0)
            reps += 1
            t = time.perf_counter() - t0
            if t >= budget:
                break
        flops = 2.0 * n * n * n
        print(f"torch {n} {flops * reps / t / 1e9:.2f} {flops / fastest / 1e9:.2f}", flush=True)


if __name__ == "__main__":
    main()

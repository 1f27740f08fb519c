#!/usr/bin/env python3
"""PyTorch peer of `trident bench nn`: the same workloads (see nn/nnbench and
docs/BENCHMARKS.md), timed the same way (one warm-up call, then REPS timed
repetitions of at least MIN_REP seconds each, median wall and CPU time
reported), printed as the same table. Usage: nn_bench.py [--threads 2] [--reps 15]"""

import argparse
import time

import torch
import torch.nn.functional as F


def median_ms(fn, reps, min_rep):
    """Median wall and CPU (all threads) milliseconds of one call of fn."""
    start = time.perf_counter()
    fn()
    one = time.perf_counter() - start
    inner = max(1, int(min_rep / one)) if 0 < one < min_rep else 1
    walls, cpus = [], []
    for _ in range(reps):
        start, c0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        walls.append((time.perf_counter() - start) * 1e3 / inner)
        cpus.append((time.process_time() - c0) * 1e3 / inner)
    walls.sort()
    cpus.sort()
    return walls[len(walls) // 2], cpus[len(cpus) // 2]


class MMoE(torch.nn.Module):
    """8 experts 512->128->64 with ReLU, 2 softmax gates 512->8, 2 towers 64->32->1."""

    def __init__(self):
        super().__init__()
        self.experts = torch.nn.ModuleList(
            torch.nn.Sequential(torch.nn.Linear(512, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU())
            for _ in range(8))
        self.gates = torch.nn.ModuleList(torch.nn.Linear(512, 8) for _ in range(2))
        self.towers = torch.nn.ModuleList(
            torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)) for _ in range(2))

    def forward(self, x):
        stacked = torch.stack([e(x) for e in self.experts], dim=1)  # [N, E, D]
        outs = []
        for g, t in zip(self.gates, self.towers):
            w = torch.softmax(g(x), dim=1)
            outs.append(t(torch.bmm(w.unsqueeze(1), stacked).squeeze(1)))
        return outs


class ESPCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 64, 5, padding=2)
        self.c2 = torch.nn.Conv2d(64, 32, 3, padding=1)
        self.c3 = torch.nn.Conv2d(32, 4, 3, padding=1)

    def forward(self, x):
        h = torch.tanh(self.c1(x))
        h = torch.tanh(self.c2(h))
        return F.pixel_shuffle(self.c3(h), 2)


class GameNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(4, 64, 3, padding=1)
        self.blocks = torch.nn.ModuleList(
            torch.nn.ModuleList([torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.Conv2d(64, 64, 3, padding=1)])
            for _ in range(6))
        self.policy = torch.nn.Conv2d(64, 1, 1)
        self.value = torch.nn.Linear(64 * 81, 1)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        for c0, c1 in self.blocks:
            h = torch.relu(c1(torch.relu(c0(h))) + h)
        n = x.shape[0]
        return self.policy(h).reshape(n, 81), torch.tanh(self.value(h.reshape(n, -1)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--min-rep-ms", type=float, default=20)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    reps, min_rep = args.reps, args.min_rep_ms / 1e3
    rows = []

    for n in (64, 256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        c = torch.empty(n, n)
        ms, cpu = median_ms(lambda: torch.matmul(a, b, out=c), reps, min_rep)
        rows.append((f"sgemm n={n}", ms, cpu, 2 * n ** 3 / (ms * 1e6), "GFLOP/s"))

    m = MMoE()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    x = torch.randn(1024, 512)
    ys = [torch.randint(0, 2, (1024, 1)).float() for _ in range(2)]

    def mmoe_step():
        opt.zero_grad()
        loss = sum(F.binary_cross_entropy_with_logits(o, y) for o, y in zip(m(x), ys))
        loss.backward()
        opt.step()

    ms, cpu = median_ms(mmoe_step, reps, min_rep)
    rows.append(("(a) MMoE train step, batch 1024", ms, cpu, 1024 / ms * 1e3, "samples/s"))

    e = ESPCN()
    eopt = torch.optim.Adam(e.parameters(), lr=1e-3)
    inp, target = torch.rand(32, 1, 64, 64), torch.rand(32, 1, 128, 128)

    def espcn_step():
        eopt.zero_grad()
        loss = F.mse_loss(e(inp), target)
        loss.backward()
        eopt.step()

    ms, cpu = median_ms(espcn_step, reps, min_rep)
    rows.append(("(b) ESPCN x2 train step, batch 32", ms, cpu, 32 / ms * 1e3, "patches/s"))

    g = GameNet().eval()
    for batch in (1, 64):
        planes = torch.randint(0, 2, (batch, 4, 9, 9)).float()

        def infer():
            with torch.no_grad():
                g(planes)

        ms, cpu = median_ms(infer, reps, min_rep)
        rows.append((f"(c) game net inference, batch {batch}", ms, cpu, batch / ms * 1e3, "positions/s"))

    head = ("workload", "ms", "cpu ms", "rate", "unit")
    cells = [(r[0], f"{r[1]:.3f}", f"{r[2]:.3f}", f"{r[3]:.1f}", r[4]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    for line in [head] + cells:
        print("  ".join(s.ljust(widths[i]) for i, s in enumerate(line)).rstrip())
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads")


if __name__ == "__main__":
    main()

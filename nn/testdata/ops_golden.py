#!/usr/bin/python3
"""Generates ops_golden.json: inputs, outputs and gradients of PyTorch's conv2d,
bilinear interpolate, pixel (un)shuffle, pooling, batch norm and layer norm,
which nn's TestGolden checks. Run from the repository root:

    /usr/bin/python3 nn/testdata/ops_golden.py

Inputs are rounded to four decimals so that their decimal form in the JSON
is the float32 value PyTorch used. Each case lists the upstream gradient
"gy" used for the backward pass and the resulting input gradients.
"""

import json

import torch
import torch.nn.functional as F

torch.manual_seed(20261129)


def rnd(*shape, lo=-1.0, hi=1.0):
    t = torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo
    return (torch.round(t * 1e4) / 1e4).to(torch.float32)


def enc(t, digits=None):
    t = t.detach().to(torch.float32)
    vals = t.reshape(-1).tolist()
    if digits is None:
        data = [float("%.4f" % v) for v in vals]
    else:
        data = [float("%.*g" % (digits, v)) for v in vals]
    return {"shape": list(t.shape), "data": data}


cases = []


def add(name, op, params, inputs, fn, grad_of=()):
    """Runs fn on the inputs; with grad_of, back-propagates a random upstream
    gradient and records the gradients of those inputs."""
    ts = {k: v.clone().requires_grad_(k in grad_of) for k, v in inputs.items()}
    y = fn(ts)
    outputs = {"y": enc(y, 8)}
    case = {"name": name, "op": op, "params": params,
            "inputs": {k: enc(v) for k, v in inputs.items()}}
    if grad_of:
        gy = rnd(*y.shape)
        y.backward(gy)
        case["inputs"]["gy"] = enc(gy)
        for k in grad_of:
            outputs["d" + k] = enc(ts[k].grad, 8)
    case["outputs"] = outputs
    cases.append(case)
    return ts


def conv(name, n, c, h, w, o, kh, kw, stride, padding, dilation, groups, bias=True):
    inputs = {"x": rnd(n, c, h, w), "w": rnd(o, c // groups, kh, kw)}
    if bias:
        inputs["b"] = rnd(o)
    params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    add(name, "conv2d", params, inputs,
        lambda t: F.conv2d(t["x"], t["w"], t.get("b"), stride, padding, dilation, groups),
        grad_of=tuple(inputs))


conv("conv stride 2 pad 1", 2, 3, 7, 6, 4, 3, 3, [2, 2], [1, 1], [1, 1], 1)
conv("conv dilation 2 groups 2 non-square", 1, 4, 9, 8, 6, 3, 2, [1, 2], [2, 1], [2, 2], 2)
conv("conv depthwise multiplier 2", 2, 3, 6, 6, 6, 3, 3, [1, 1], [1, 1], [1, 1], 3, bias=False)
conv("conv 1x1", 1, 5, 4, 3, 3, 1, 1, [1, 1], [0, 0], [1, 1], 1)

for name, (h, w), (oh, ow) in [("resize up non-integer", (5, 4), (8, 11)),
                               ("resize down non-integer", (9, 7), (4, 5)),
                               ("resize up 2x", (3, 4), (6, 8))]:
    add(name, "resize_bilinear", {"out": [oh, ow]}, {"x": rnd(2, 2, h, w)},
        lambda t, oh=oh, ow=ow: F.interpolate(t["x"], size=(oh, ow), mode="bilinear", align_corners=False),
        grad_of=("x",))

add("pixel shuffle r=2", "pixel_shuffle", {"r": 2}, {"x": rnd(1, 8, 2, 3)},
    lambda t: F.pixel_shuffle(t["x"], 2))
add("pixel shuffle r=3", "pixel_shuffle", {"r": 3}, {"x": rnd(1, 9, 2, 2)},
    lambda t: F.pixel_shuffle(t["x"], 3))
add("pixel unshuffle r=2", "pixel_unshuffle", {"r": 2}, {"x": rnd(1, 2, 4, 6)},
    lambda t: F.pixel_unshuffle(t["x"], 2))

for k, s, p in [(3, 2, 1), (2, 2, 0), (3, 1, 1)]:
    add("avg pool k%d s%d p%d" % (k, s, p), "avg_pool2d", {"kernel": k, "stride": [s, s], "padding": [p, p]},
        {"x": rnd(1, 2, 7, 6)}, lambda t, k=k, s=s, p=p: F.avg_pool2d(t["x"], k, s, p), grad_of=("x",))
    add("max pool k%d s%d p%d" % (k, s, p), "max_pool2d", {"kernel": k, "stride": [s, s], "padding": [p, p]},
        {"x": rnd(1, 2, 7, 6)}, lambda t, k=k, s=s, p=p: F.max_pool2d(t["x"], k, s, p), grad_of=("x",))
add("global avg pool", "global_avg_pool2d", {}, {"x": rnd(2, 3, 4, 5)},
    lambda t: F.adaptive_avg_pool2d(t["x"], 1), grad_of=("x",))


def batch_norm(name, shape, train):
    c = shape[1]
    inputs = {"x": rnd(*shape, lo=-2, hi=3), "gamma": rnd(c, lo=0.5, hi=1.5), "beta": rnd(c),
              "running_mean": rnd(c), "running_var": rnd(c, lo=0.5, hi=2)}
    bufs = {}

    def fn(t):
        bufs["rm"] = t["running_mean"].detach().clone()
        bufs["rv"] = t["running_var"].detach().clone()
        return F.batch_norm(t["x"], bufs["rm"], bufs["rv"], t["gamma"], t["beta"],
                            training=train, momentum=0.1, eps=1e-5)

    add(name, "batch_norm", {"train": train, "momentum": 0.1, "eps": 1e-5}, inputs, fn,
        grad_of=("x", "gamma", "beta"))
    cases[-1]["outputs"]["running_mean"] = enc(bufs["rm"], 8)
    cases[-1]["outputs"]["running_var"] = enc(bufs["rv"], 8)


batch_norm("batch norm 4-D train", (3, 2, 3, 4), True)
batch_norm("batch norm 4-D eval", (2, 3, 2, 2), False)
batch_norm("batch norm 2-D train", (5, 4), True)

add("layer norm last 2 dims", "layer_norm", {"norm_dims": 2, "eps": 1e-5},
    {"x": rnd(3, 4, 5, lo=-2, hi=2), "gamma": rnd(4, 5, lo=0.5, hi=1.5), "beta": rnd(4, 5)},
    lambda t: F.layer_norm(t["x"], (4, 5), t["gamma"], t["beta"], 1e-5),
    grad_of=("x", "gamma", "beta"))

with open("nn/testdata/ops_golden.json", "w") as f:
    json.dump({"generator": "nn/testdata/ops_golden.py", "torch": torch.__version__, "cases": cases},
              f, separators=(",", ":"))
    f.write("\n")

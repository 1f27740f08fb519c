#!/usr/bin/env python3
"""An independent safetensors reader, standard library only, for the Go tests:
reads the file named on the command line as the published format describes it,
checks the layout rules, and prints one JSON object describing it:

  {"header_len": N, "metadata": {...} or null,
   "tensors": {name: {"dtype", "shape", "begin", "end", "sha256",
                      "floats": [repr of each element, for F16/F32/F64]}}}

Exits 1 with a message on a file that breaks the format.
"""
import hashlib
import json
import struct
import sys

SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
         "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4,
         "C64": 8, "F64": 8, "I64": 8, "U64": 8}
BITS = {"F4": 4, "F6_E2M3": 6, "F6_E3M2": 6}


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def as_float32(dtype, data):
    if dtype == "F16":
        return [repr(v) for (v,) in struct.iter_unpack("<e", data)]
    if dtype == "F32":
        return [repr(v) for (v,) in struct.iter_unpack("<f", data)]
    if dtype == "F64":
        out = []
        for (v,) in struct.iter_unpack("<d", data):
            try:
                out.append(repr(struct.unpack("<f", struct.pack("<f", v))[0]))
            except OverflowError:
                out.append("inf" if v > 0 else "-inf")
        return out
    return None


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n <= 100_000_000 and 8 + n <= len(raw), "bad header length"
    text = raw[8:8 + n].decode("utf-8")
    assert text.startswith("{"), "header must start with {"
    header = json.loads(text, object_pairs_hook=no_duplicates)
    buf = raw[8 + n:]
    meta = header.pop("__metadata__", None)
    out, spans = {}, []
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        count = 1
        for d in shape:
            assert isinstance(d, int) and d >= 0, "bad dim"
            count *= d
        bits = (BITS[dtype] if dtype in BITS else 8 * SIZES[dtype]) * count
        assert bits % 8 == 0 and end - begin == bits // 8, "size mismatch for " + name
        spans.append((begin, end))
        data = buf[begin:end]
        out[name] = {"dtype": dtype, "shape": shape, "begin": begin, "end": end,
                     "sha256": hashlib.sha256(data).hexdigest(),
                     "floats": as_float32(dtype, data)}
    pos = 0
    for begin, end in sorted(spans):
        assert begin == pos, "hole or overlap at %d" % begin
        pos = end
    assert pos == len(buf), "data buffer not covered exactly"
    print(json.dumps({"header_len": n, "metadata": meta, "tensors": out}))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (AssertionError, ValueError, KeyError) as e:
        print("malformed: %s" % e, file=sys.stderr)
        sys.exit(1)

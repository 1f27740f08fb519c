#!/usr/bin/env python3
"""Writes the golden safetensors files the Go tests read, with nothing but the
Python standard library (struct, json), following the published format:

  8-byte little-endian header length N, N bytes of UTF-8 JSON, tensor bytes.

golden.safetensors is laid out as the reference writer (huggingface/safetensors)
lays files out: tensors sorted by descending dtype alignment then by name,
compact JSON, "__metadata__" first, header padded with spaces to a multiple of
8. The Go encoder must reproduce it byte for byte.

foreign.safetensors holds the same kind of content as another tool might
write it: indented JSON, entries in no particular order, metadata last, data
not in name order, header padded to no particular multiple.

The *_as_f32 tensors hold what Python's own conversions (struct's 'e' format
for IEEE half, plain double rounding for 'f') give, to check the Go
conversions against an independent implementation.

Run from this directory: python3 make_golden.py
"""
import json
import struct

# The reference's dtype order (increasing alignment); writers sort descending.
ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
         "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
         "F64", "I64", "U64"]


def f32(*vals):
    return b"".join(struct.pack("<f", v) for v in vals)


def bits16(*vals):
    return b"".join(struct.pack("<H", v) for v in vals)


def half_to_f32(bits):
    return f32(*(struct.unpack("<e", struct.pack("<H", b))[0] for b in bits))


def bf16_to_f32(bits):
    return b"".join(struct.pack("<I", b << 16) for b in bits)


# Half bit patterns: zeros, one, largest normal, smallest normal, smallest and
# largest subnormal, infinities, a negative, 0.1 rounded, 1/3 rounded.
HALF = [0x0000, 0x8000, 0x3C00, 0x7BFF, 0x0400, 0x0001, 0x03FF, 0x7C00, 0xFC00,
        0xC100, 0x2E66, 0x3555]
# bfloat16 bit patterns: one, -2, largest finite, smallest subnormal, -inf,
# 0.1 truncated, pi truncated.
BF16 = [0x3F80, 0xC000, 0x7F7F, 0x0001, 0xFF80, 0x3DCC, 0x4049]
# Doubles that need rounding to float32 (1/3, 0.1, ties-to-even cases).
F64 = [1 / 3, 0.1, -2.5, 1 + 2**-24, 1 + 3 * 2**-24, 2**-149, 3.4028234663852886e38]

TENSORS = {
    # F32 edge values; the NaN with a payload is written bit by bit.
    "f32": ("F32", [2, 3], f32(1.5, -0.0, float("inf"), float("-inf"), 3.4028234663852886e38)
            + struct.pack("<I", 0x7FC00001)),
    "f16": ("F16", [len(HALF)], bits16(*HALF)),
    "f16_as_f32": ("F32", [len(HALF)], half_to_f32(HALF)),
    "bf16": ("BF16", [len(BF16)], bits16(*BF16)),
    "bf16_as_f32": ("F32", [len(BF16)], bf16_to_f32(BF16)),
    "f64": ("F64", [len(F64)], b"".join(struct.pack("<d", v) for v in F64)),
    "f64_as_f32": ("F32", [len(F64)], f32(*F64)),
    "i64": ("I64", [3], struct.pack("<3q", -1, 2**62, -(2**63))),
    "u8": ("U8", [5], bytes([0, 1, 127, 128, 255])),
    "bool": ("BOOL", [3], bytes([1, 0, 1])),
    "i16": ("I16", [1, 3], struct.pack("<3h", -32768, 0, 32767)),
    "scalar": ("F32", [], f32(42.0)),
    "empty": ("F32", [0, 3], b""),
    'odd "name" é\\\n\t\x01': ("U8", [2], bytes([7, 9])),
}
METADATA = {"format": "pt", "note": "trident golden file, é \"quoted\"\n"}


def golden():
    names = sorted(TENSORS, key=lambda n: (-ORDER.index(TENSORS[n][0]), n))
    header, offset = {"__metadata__": METADATA}, 0
    for n in names:
        dtype, shape, data = TENSORS[n]
        header[n] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    # serde_json's compact form: no spaces, non-ASCII raw, keys in insertion order.
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    body = b"".join(TENSORS[n][2] for n in names)
    return struct.pack("<Q", len(h)) + h + body


def foreign():
    # Data in reverse name order, header entries in yet another order.
    names = sorted(TENSORS, reverse=True)
    offsets, offset = {}, 0
    for n in names:
        offsets[n] = [offset, offset + len(TENSORS[n][2])]
        offset += len(TENSORS[n][2])
    header = {}
    for n in sorted(TENSORS, key=lambda n: len(n)):
        dtype, shape, _ = TENSORS[n]
        header[n] = {"shape": shape, "data_offsets": offsets[n], "dtype": dtype}
    header["__metadata__"] = METADATA
    h = json.dumps(header, indent=2).encode("utf-8") + b"   "
    body = b"".join(TENSORS[n][2] for n in names)
    return struct.pack("<Q", len(h)) + h + body


if __name__ == "__main__":
    with open("golden.safetensors", "wb") as f:
        f.write(golden())
    with open("foreign.safetensors", "wb") as f:
        f.write(foreign())

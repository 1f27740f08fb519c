package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// Float32 returns the elements of a floating-point tensor as float32: F32
// exactly as stored (NaN payloads included), F16 and BF16 exactly (every value
// of theirs is a float32), F64 rounded to nearest-even. Other dtypes are an
// error, as is Data of the wrong length for the shape.
func Float32(t Tensor) ([]float32, error) {
	n, err := NumElements(t.Shape)
	if err != nil {
		return nil, fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
	}
	size, err := ByteSize(t.DType, t.Shape)
	if err != nil {
		return nil, fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
	}
	if len(t.Data) != size {
		return nil, fmt.Errorf("safetensors: tensor %q has %d data bytes, but %v %v needs %d", t.Name, len(t.Data), t.DType, t.Shape, size)
	}
	out := make([]float32, n)
	d := t.Data
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(d[2*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(d[2*i:])) << 16)
		}
	case F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(d[8*i:])))
		}
	default:
		return nil, fmt.Errorf("safetensors: tensor %q: dtype %v cannot be read as float32 (want F32, F16, BF16 or F64)", t.Name, t.DType)
	}
	return out, nil
}

// FromFloat32 returns an F32 tensor holding a copy of v with the given shape.
// Encode refuses it if len(v) does not match the shape.
func FromFloat32(name string, shape []int, v []float32) Tensor {
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(x))
	}
	return Tensor{Name: name, DType: F32, Shape: slices.Clone(shape), Data: data}
}

// halfToFloat32 widens an IEEE 754 binary16 value. The conversion is exact;
// subnormals become normal float32s and NaN payloads are kept.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | man<<13)
	case exp != 0: // normal: rebias 15 -> 127
		return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
	case man == 0: // ±0
		return math.Float32frombits(sign)
	}
	// Subnormal man·2^-24: shift the leading one up to the implicit bit.
	e := uint32(127 - 15 + 1)
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

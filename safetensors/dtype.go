package safetensors

import "fmt"

// DType is the element type of a tensor, named in the header by its
// safetensors spelling ("F32", "BF16", ...). The zero DType is invalid, so a
// Tensor whose type was never set is refused rather than written as BOOL.
type DType uint8

// The element types of the format. They are declared in the reference
// implementation's order, which is increasing alignment; writers sort tensors by
// descending DType (then name) so that every tensor's data starts at a multiple
// of its element size.
const (
	BOOL    DType = iota + 1
	F4            // OCP MX E2M1, two elements per byte
	F6_E2M3       // OCP MX FP6, four elements per three bytes
	F6_E3M2       // OCP MX FP6, four elements per three bytes
	U8
	I8
	F8_E5M2
	F8_E4M3
	F8_E8M0
	I16
	U16
	F16
	BF16
	I32
	U32
	F32
	C64 // complex64: two F32, real part first
	F64
	I64
	U64
)

var dtypeNames = [...]string{
	BOOL:    "BOOL",
	F4:      "F4",
	F6_E2M3: "F6_E2M3",
	F6_E3M2: "F6_E3M2",
	U8:      "U8",
	I8:      "I8",
	F8_E5M2: "F8_E5M2",
	F8_E4M3: "F8_E4M3",
	F8_E8M0: "F8_E8M0",
	I16:     "I16",
	U16:     "U16",
	F16:     "F16",
	BF16:    "BF16",
	I32:     "I32",
	U32:     "U32",
	F32:     "F32",
	C64:     "C64",
	F64:     "F64",
	I64:     "I64",
	U64:     "U64",
}

var dtypeBits = [...]int{
	BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
	I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
}

// ParseDType returns the DType spelled s in a safetensors header.
func ParseDType(s string) (DType, error) {
	for d := BOOL; d <= U64; d++ {
		if dtypeNames[d] == s {
			return d, nil
		}
	}
	return 0, fmt.Errorf("unknown dtype %q", s)
}

// Valid reports whether d is one of the format's element types.
func (d DType) Valid() bool { return d >= BOOL && d <= U64 }

// String returns the header spelling of d, or "DType(n)" for an invalid value.
func (d DType) String() string {
	if !d.Valid() {
		return fmt.Sprintf("DType(%d)", uint8(d))
	}
	return dtypeNames[d]
}

// Bits returns the size of one element in bits (4 for F4, 6 for the FP6 types,
// a multiple of 8 otherwise), or 0 for an invalid DType.
func (d DType) Bits() int {
	if !d.Valid() {
		return 0
	}
	return dtypeBits[d]
}

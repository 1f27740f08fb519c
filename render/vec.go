package render

import "math"

// vec is a 3-vector of world-space coordinates or a linear RGB colour.
type vec struct{ x, y, z float64 }

func (a vec) add(b vec) vec             { return vec{a.x + b.x, a.y + b.y, a.z + b.z} }
func (a vec) sub(b vec) vec             { return vec{a.x - b.x, a.y - b.y, a.z - b.z} }
func (a vec) mul(s float64) vec         { return vec{a.x * s, a.y * s, a.z * s} }
func (a vec) hadamard(b vec) vec        { return vec{a.x * b.x, a.y * b.y, a.z * b.z} }
func (a vec) dot(b vec) float64         { return a.x*b.x + a.y*b.y + a.z*b.z }
func (a vec) length() float64           { return math.Sqrt(a.dot(a)) }
func (a vec) lerp(b vec, t float64) vec { return a.add(b.sub(a).mul(t)) }

func (a vec) cross(b vec) vec {
	return vec{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}

func (a vec) norm() vec {
	l := a.length()
	if l == 0 {
		return a
	}
	return a.mul(1 / l)
}

// hash2 maps an integer cell to a well-mixed value in [0,1); procedural
// textures use it so that every frame and every run draws the same pattern.
func hash2(x, y int64, salt uint64) float64 {
	h := uint64(x)*0x9E3779B97F4A7C15 ^ uint64(y)*0xC2B2AE3D27D4EB4F ^ salt*0x165667B19E3779F9
	h ^= h >> 31
	h *= 0xD6E8FEB86659FD93
	h ^= h >> 32
	return float64(h>>11) / (1 << 53)
}

func frac(v float64) float64 { return v - math.Floor(v) }

// Halton returns element i (i ≥ 1) of the van der Corput sequence in base b,
// the low-discrepancy sequence behind the Halton(2,3) jitter of TAA and
// FSR 2.
func Halton(i, b int) float64 {
	f, r := 1.0, 0.0
	for i > 0 {
		f /= float64(b)
		r += f * float64(i%b)
		i /= b
	}
	return r
}

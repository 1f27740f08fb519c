#include "textflag.h"

// Winograd F(2×2, 3×3) transforms of one tile (see infer_winograd.go),
// eight channels per step. The channel count must be a multiple of 8.

// One column k of Bᵀ d: loads d[0..3][k] (taps 4i+k) and keeps rows
// d0−d2, d1+d2, d2−d1, d1−d3 in the frame at slots 4i+k.
#define BTD(k) \
	MOVQ    (k*24)(SI), R8         \
	VMOVUPS (R8)(AX*1), Y0         \
	MOVQ    ((4+k)*24)(SI), R8     \
	VMOVUPS (R8)(AX*1), Y1         \
	MOVQ    ((8+k)*24)(SI), R8     \
	VMOVUPS (R8)(AX*1), Y2         \
	MOVQ    ((12+k)*24)(SI), R8    \
	VMOVUPS (R8)(AX*1), Y3         \
	VSUBPS  Y2, Y0, Y4             \
	VADDPS  Y2, Y1, Y5             \
	VSUBPS  Y1, Y2, Y6             \
	VSUBPS  Y3, Y1, Y7             \
	VMOVUPS Y4, (k*32)(SP)         \
	VMOVUPS Y5, ((4+k)*32)(SP)     \
	VMOVUPS Y6, ((8+k)*32)(SP)     \
	VMOVUPS Y7, ((12+k)*32)(SP)

// One row i of (Bᵀ d) B: stores positions 4i…4i+3 of the transform, one
// stride (DX bytes) apart, advancing R9.
#define DB(i) \
	VMOVUPS ((i*4)*32)(SP), Y0     \
	VMOVUPS ((i*4+1)*32)(SP), Y1   \
	VMOVUPS ((i*4+2)*32)(SP), Y2   \
	VMOVUPS ((i*4+3)*32)(SP), Y3   \
	VSUBPS  Y2, Y0, Y4             \
	VADDPS  Y2, Y1, Y5             \
	VSUBPS  Y1, Y2, Y6             \
	VSUBPS  Y3, Y1, Y7             \
	VMOVUPS Y4, (R9)               \
	ADDQ    DX, R9                 \
	VMOVUPS Y5, (R9)               \
	ADDQ    DX, R9                 \
	VMOVUPS Y6, (R9)               \
	ADDQ    DX, R9                 \
	VMOVUPS Y7, (R9)               \
	ADDQ    DX, R9

// func winoInputAVX2(taps *[16][]float32, v *float32, stride, c int)
TEXT ·winoInputAVX2(SB), NOSPLIT, $512-32
	MOVQ taps+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ stride+16(FP), DX
	SHLQ $2, DX
	MOVQ c+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

inloop:
	BTD(0)
	BTD(1)
	BTD(2)
	BTD(3)
	LEAQ (DI)(AX*1), R9
	DB(0)
	DB(1)
	DB(2)
	DB(3)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT  inloop
	VZEROUPPER
	RET

// func winoOutputAVX2(m *float32, stride int, dst, skip *[4][]float32, bias *float32, n int, relu bool)
//
// Aᵀ M A of one tile: with s0k = m0k + m1k + m2k and s1k = m1k − m2k − m3k
// (position ξ = 4i+k holds m_ik), the pixels are y00 = s00 + s01 + s02,
// y01 = s01 − s02 − s03 and likewise y10, y11 from s1·. The bias and the
// residual are added and ReLU applied (VMAXPS against zero) before the
// pixels are stored.
TEXT ·winoOutputAVX2(SB), NOSPLIT, $0-49
	MOVQ    m+0(FP), SI
	MOVQ    stride+8(FP), DX
	SHLQ    $2, DX
	MOVQ    dst+16(FP), R10
	MOVQ    skip+24(FP), R11
	MOVQ    bias+32(FP), BX
	MOVQ    n+40(FP), CX
	SHLQ    $2, CX
	MOVBLZX relu+48(FP), R12
	VXORPS  Y15, Y15, Y15
	XORQ    AX, AX

outloop:
	LEAQ    (SI)(AX*1), R9
	// i = 0: s0k = m0k.
	VMOVUPS (R9), Y0
	ADDQ    DX, R9
	VMOVUPS (R9), Y1
	ADDQ    DX, R9
	VMOVUPS (R9), Y2
	ADDQ    DX, R9
	VMOVUPS (R9), Y3
	ADDQ    DX, R9
	// i = 1: s0k += m1k, s1k = m1k.
	VMOVUPS (R9), Y4
	VADDPS  Y4, Y0, Y0
	ADDQ    DX, R9
	VMOVUPS (R9), Y5
	VADDPS  Y5, Y1, Y1
	ADDQ    DX, R9
	VMOVUPS (R9), Y6
	VADDPS  Y6, Y2, Y2
	ADDQ    DX, R9
	VMOVUPS (R9), Y7
	VADDPS  Y7, Y3, Y3
	ADDQ    DX, R9
	// i = 2: s0k += m2k, s1k −= m2k.
	VMOVUPS (R9), Y8
	VADDPS  Y8, Y0, Y0
	VSUBPS  Y8, Y4, Y4
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VADDPS  Y8, Y1, Y1
	VSUBPS  Y8, Y5, Y5
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VADDPS  Y8, Y2, Y2
	VSUBPS  Y8, Y6, Y6
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VADDPS  Y8, Y3, Y3
	VSUBPS  Y8, Y7, Y7
	ADDQ    DX, R9
	// i = 3: s1k −= m3k.
	VMOVUPS (R9), Y8
	VSUBPS  Y8, Y4, Y4
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VSUBPS  Y8, Y5, Y5
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VSUBPS  Y8, Y6, Y6
	ADDQ    DX, R9
	VMOVUPS (R9), Y8
	VSUBPS  Y8, Y7, Y7

	// Columns: y·0 = s·0 + s·1 + s·2 + bias, y·1 = s·1 − s·2 − s·3 + bias.
	VMOVUPS (BX)(AX*1), Y9
	VADDPS  Y1, Y0, Y10
	VADDPS  Y2, Y10, Y10
	VADDPS  Y9, Y10, Y10
	VSUBPS  Y2, Y1, Y11
	VSUBPS  Y3, Y11, Y11
	VADDPS  Y9, Y11, Y11
	VADDPS  Y5, Y4, Y12
	VADDPS  Y6, Y12, Y12
	VADDPS  Y9, Y12, Y12
	VSUBPS  Y6, Y5, Y13
	VSUBPS  Y7, Y13, Y13
	VADDPS  Y9, Y13, Y13

	// Residual.
	MOVQ    0(R11), R8
	VADDPS  (R8)(AX*1), Y10, Y10
	MOVQ    24(R11), R8
	VADDPS  (R8)(AX*1), Y11, Y11
	MOVQ    48(R11), R8
	VADDPS  (R8)(AX*1), Y12, Y12
	MOVQ    72(R11), R8
	VADDPS  (R8)(AX*1), Y13, Y13

	TESTQ   R12, R12
	JZ      store
	VMAXPS  Y15, Y10, Y10
	VMAXPS  Y15, Y11, Y11
	VMAXPS  Y15, Y12, Y12
	VMAXPS  Y15, Y13, Y13

store:
	MOVQ    0(R10), R8
	VMOVUPS Y10, (R8)(AX*1)
	MOVQ    24(R10), R8
	VMOVUPS Y11, (R8)(AX*1)
	MOVQ    48(R10), R8
	VMOVUPS Y12, (R8)(AX*1)
	MOVQ    72(R10), R8
	VMOVUPS Y13, (R8)(AX*1)

	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     outloop
	VZEROUPPER
	RET

//go:build amd64 && !purego

#include "textflag.h"

// func packA6x4(k4 int, a *float32, lda int, dst *float32)
//
// Each iteration loads four columns of the six rows (X0…X5 = rows a…f),
// transposes rows a–d as a 4×4 block, pairs rows e and f, and writes the
// 24 floats a0 b0 c0 d0 e0 f0 a1 … f3 to dst.
TEXT ·packA6x4(SB), NOSPLIT, $0-32
	MOVQ k4+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8              // row distance in bytes
	LEAQ (R8)(R8*2), R9      // 3 rows
	LEAQ (R8)(R8*4), R10     // 5 rows

loop:
	MOVUPS (SI), X0
	MOVUPS (SI)(R8*1), X1
	MOVUPS (SI)(R8*2), X2
	MOVUPS (SI)(R9*1), X3
	MOVUPS (SI)(R8*4), X4
	MOVUPS (SI)(R10*1), X5

	MOVAPS   X0, X6
	UNPCKLPS X1, X6          // a0 b0 a1 b1
	UNPCKHPS X1, X0          // a2 b2 a3 b3
	MOVAPS   X2, X7
	UNPCKLPS X3, X7          // c0 d0 c1 d1
	UNPCKHPS X3, X2          // c2 d2 c3 d3
	MOVAPS   X6, X1
	SHUFPS   $0x44, X7, X1   // a0 b0 c0 d0
	SHUFPS   $0xEE, X7, X6   // a1 b1 c1 d1
	MOVAPS   X0, X3
	SHUFPS   $0x44, X2, X3   // a2 b2 c2 d2
	SHUFPS   $0xEE, X2, X0   // a3 b3 c3 d3
	MOVAPS   X4, X7
	UNPCKLPS X5, X7          // e0 f0 e1 f1
	UNPCKHPS X5, X4          // e2 f2 e3 f3

	MOVUPS X1, (DI)
	MOVLPS X7, 16(DI)
	MOVUPS X6, 24(DI)
	MOVHPS X7, 40(DI)
	MOVUPS X3, 48(DI)
	MOVLPS X4, 64(DI)
	MOVUPS X0, 72(DI)
	MOVHPS X4, 88(DI)

	ADDQ $16, SI
	ADDQ $96, DI
	DECQ CX
	JNZ  loop
	RET

// func rowToPanels16(src, dst *float32, panels, stride int)
//
// Copies 16 floats from src+16·i to dst+stride·i for i < panels: one row of
// op(B) into the same row of consecutive packed panels.
TEXT ·rowToPanels16(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ panels+16(FP), CX
	MOVQ stride+24(FP), R8
	SHLQ $2, R8

loop16:
	MOVUPS (SI), X0
	MOVUPS 16(SI), X1
	MOVUPS 32(SI), X2
	MOVUPS 48(SI), X3
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	MOVUPS X2, 32(DI)
	MOVUPS X3, 48(DI)
	ADDQ   $64, SI
	ADDQ   R8, DI
	DECQ   CX
	JNZ    loop16
	RET

// func rowToPanels6(src, dst *float32, panels, stride int)
//
// Copies 6 floats from src+6·i to dst+stride·i for i < panels: one column
// of op(A) (a row of the stored Aᵀ) into consecutive packed panels.
TEXT ·rowToPanels6(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ panels+16(FP), CX
	MOVQ stride+24(FP), R8
	SHLQ $2, R8

loop6:
	MOVUPS (SI), X0
	MOVQ   16(SI), X1
	MOVUPS X0, (DI)
	MOVQ   X1, 16(DI)
	ADDQ   $24, SI
	ADDQ   R8, DI
	DECQ   CX
	JNZ    loop6
	RET

// func packB16x4(k4 int, b *float32, ldb int, dst *float32)
//
// Transposes 4·k4 columns of 16 rows of b (ldb floats apart) into one
// packed panel: element (row j, column p) goes to dst[p·16+j]. Each step
// transposes four 4×4 blocks (rows 0–3, 4–7, 8–11, 12–15).
TEXT ·packB16x4(SB), NOSPLIT, $0-32
	MOVQ k4+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	MOVQ dst+24(FP), DI
	SHLQ $2, R8           // row distance in bytes
	LEAQ (R8)(R8*2), R9   // 3 rows

loopbt:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ $4, DX

block:
	MOVUPS (R10), X0
	MOVUPS (R10)(R8*1), X1
	MOVUPS (R10)(R8*2), X2
	MOVUPS (R10)(R9*1), X3
	MOVAPS   X0, X4
	UNPCKLPS X1, X4        // a0 b0 a1 b1
	UNPCKHPS X1, X0        // a2 b2 a3 b3
	MOVAPS   X2, X5
	UNPCKLPS X3, X5        // c0 d0 c1 d1
	UNPCKHPS X3, X2        // c2 d2 c3 d3
	MOVAPS   X4, X1
	SHUFPS   $0x44, X5, X1 // a0 b0 c0 d0
	SHUFPS   $0xEE, X5, X4 // a1 b1 c1 d1
	MOVAPS   X0, X3
	SHUFPS   $0x44, X2, X3 // a2 b2 c2 d2
	SHUFPS   $0xEE, X2, X0 // a3 b3 c3 d3
	MOVUPS   X1, (R11)
	MOVUPS   X4, 64(R11)
	MOVUPS   X3, 128(R11)
	MOVUPS   X0, 192(R11)
	LEAQ     (R10)(R8*4), R10
	ADDQ     $16, R11
	DECQ     DX
	JNZ      block

	ADDQ $16, SI
	ADDQ $256, DI
	DECQ CX
	JNZ  loopbt
	RET

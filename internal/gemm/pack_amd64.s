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

// func transposePanel(k4 int, src *float32, ld int, dst *float32, rows4, stride int)
//
// Transposes 4·k4 columns of 4·rows4 rows of src (ld floats apart) into a
// packed panel: element (row j, column p) goes to dst[p·stride+j]. Each step
// takes the next four columns and transposes them in 4×4 blocks, rows 0–3,
// 4–7, and so on. It packs the panels of op(B) = bᵀ (rows4 = nr/4) and of
// A for kernels whose mr is a multiple of 4.
TEXT ·transposePanel(SB), NOSPLIT, $0-48
	MOVQ k4+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	MOVQ dst+24(FP), DI
	MOVQ rows4+32(FP), BX
	MOVQ stride+40(FP), R12
	SHLQ $2, R8            // row distance in bytes
	LEAQ (R8)(R8*2), R9    // 3 rows
	SHLQ $2, R12           // packed row distance in bytes
	LEAQ (R12)(R12*2), R13 // 3 packed rows

loopbt:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ BX, DX

block:
	MOVUPS   (R10), X0
	MOVUPS   (R10)(R8*1), X1
	MOVUPS   (R10)(R8*2), X2
	MOVUPS   (R10)(R9*1), X3
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
	MOVUPS   X4, (R11)(R12*1)
	MOVUPS   X3, (R11)(R12*2)
	MOVUPS   X0, (R11)(R13*1)
	LEAQ     (R10)(R8*4), R10
	ADDQ     $16, R11
	DECQ     DX
	JNZ      block

	ADDQ $16, SI
	LEAQ (DI)(R12*4), DI
	DECQ CX
	JNZ  loopbt
	RET

// func rowToPanels32(src, dst *float32, panels, stride int)
//
// Copies 32 floats from src+32·i to dst+stride·i for i < panels: one row of
// op(B) into the same row of consecutive 32-wide packed panels. It is only
// called on CPUs with AVX-512, so it moves 32 bytes at a time.
TEXT ·rowToPanels32(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ panels+16(FP), CX
	MOVQ stride+24(FP), R8
	SHLQ $2, R8

loop32:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    R8, DI
	DECQ    CX
	JNZ     loop32
	VZEROUPPER
	RET

// func rowToPanels4(src, dst *float32, panels, w4, stride int)
//
// Copies 4·w4 floats from src+4·w4·i to dst+stride·i for i < panels: one
// column of op(A) (a row of the stored Aᵀ) into consecutive packed panels
// for kernels whose mr is a multiple of 4.
TEXT ·rowToPanels4(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ panels+16(FP), CX
	MOVQ w4+24(FP), BX
	MOVQ stride+32(FP), R8
	SHLQ $2, R8

loopp:
	MOVQ DI, R10
	MOVQ BX, DX

loopw:
	MOVUPS (SI), X0
	MOVUPS X0, (R10)
	ADDQ   $16, SI
	ADDQ   $16, R10
	DECQ   DX
	JNZ    loopw

	ADDQ R8, DI
	DECQ CX
	JNZ  loopp
	RET

// func packBRows(src *float32, ld int, dst *float32, rows, panels, stride, w16 int)
//
// Packs rows×(panels·16·w16) floats of a row-major matrix (ld floats apart)
// into panels 16·w16 wide: row p of panel q goes to dst + q·stride +
// p·16·w16. It is packB for an untransposed B in one call, instead of one
// call per row, moving 64 bytes per step.
TEXT ·packBRows(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ ld+8(FP), R8
	MOVQ dst+16(FP), DI
	MOVQ rows+24(FP), CX
	MOVQ panels+32(FP), R9
	MOVQ stride+40(FP), R10
	MOVQ w16+48(FP), R11
	SHLQ $2, R8          // source row distance in bytes
	SHLQ $2, R10         // panel distance in bytes
	MOVQ R11, R12
	SHLQ $6, R12         // packed row width in bytes

rowloop:
	MOVQ SI, AX          // source of this row
	MOVQ DI, BX          // this row in the first panel
	MOVQ R9, DX

panelloop:
	MOVQ BX, R13
	MOVQ R11, R14

copyloop:
	MOVUPS (AX), X0
	MOVUPS 16(AX), X1
	MOVUPS 32(AX), X2
	MOVUPS 48(AX), X3
	MOVUPS X0, (R13)
	MOVUPS X1, 16(R13)
	MOVUPS X2, 32(R13)
	MOVUPS X3, 48(R13)
	ADDQ   $64, AX
	ADDQ   $64, R13
	DECQ   R14
	JNZ    copyloop

	ADDQ R10, BX
	DECQ DX
	JNZ  panelloop

	ADDQ R8, SI
	ADDQ R12, DI
	DECQ CX
	JNZ  rowloop
	RET

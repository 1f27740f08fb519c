//go:build amd64 && !purego

#include "textflag.h"

// KSTEP performs one rank-1 update of the 6×16 tile held in Y4…Y15: the
// packed B row (16 floats at bo(DI)) is loaded into Y0:Y1 and multiplied by
// each of the six packed A values at ao(SI) broadcast in turn into Y2 or Y3.
#define KSTEP(ao, bo) \
	VMOVUPS      bo(DI), Y0;        \
	VMOVUPS      (bo+32)(DI), Y1;   \
	VBROADCASTSS ao(SI), Y2;        \
	VFMADD231PS  Y0, Y2, Y4;        \
	VFMADD231PS  Y1, Y2, Y5;        \
	VBROADCASTSS (ao+4)(SI), Y3;    \
	VFMADD231PS  Y0, Y3, Y6;        \
	VFMADD231PS  Y1, Y3, Y7;        \
	VBROADCASTSS (ao+8)(SI), Y2;    \
	VFMADD231PS  Y0, Y2, Y8;        \
	VFMADD231PS  Y1, Y2, Y9;        \
	VBROADCASTSS (ao+12)(SI), Y3;   \
	VFMADD231PS  Y0, Y3, Y10;       \
	VFMADD231PS  Y1, Y3, Y11;       \
	VBROADCASTSS (ao+16)(SI), Y2;   \
	VFMADD231PS  Y0, Y2, Y12;       \
	VFMADD231PS  Y1, Y2, Y13;       \
	VBROADCASTSS (ao+20)(SI), Y3;   \
	VFMADD231PS  Y0, Y3, Y14;       \
	VFMADD231PS  Y1, Y3, Y15

// STORE writes row accumulators lo:hi (already scaled by alpha) to the C
// row at DX, moves DX to the next row and stops after the last wanted row.
#define STORE(lo, hi) \
	VMOVUPS lo, (DX);   \
	VMOVUPS hi, 32(DX); \
	ADDQ    R8, DX;     \
	DECQ    BX;         \
	JZ      done

// UPDATE adds beta (in Y1) times the C row at DX to lo:hi, stores the sum,
// moves DX to the next row and stops after the last wanted row.
#define UPDATE(lo, hi) \
	VFMADD231PS (DX), Y1, lo;   \
	VFMADD231PS 32(DX), Y1, hi; \
	VMOVUPS     lo, (DX);       \
	VMOVUPS     hi, 32(DX);     \
	ADDQ        R8, DX;         \
	DECQ        BX;             \
	JZ          done

// func kernel6x16(kc int, a, b, c *float32, ldc, rows int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8 // row distance in bytes

	// Start fetching the C tile now so that the update after the loop
	// does not wait on it; a 64-byte row may straddle two cache lines.
	MOVQ       DX, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)
	ADDQ       R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)
	ADDQ       R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)
	ADDQ       R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)
	ADDQ       R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)
	ADDQ       R8, R10
	PREFETCHT0 (R10)
	PREFETCHT0 63(R10)

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	MOVQ CX, R9
	SHRQ $2, R9
	JZ   tail

loop4:
	KSTEP(0, 0)
	KSTEP(24, 64)
	KSTEP(48, 128)
	KSTEP(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	DECQ R9
	JNZ  loop4

tail:
	ANDQ $3, CX
	JZ   epilogue

loop1:
	KSTEP(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

epilogue:
	VBROADCASTSS alpha+48(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15

	MOVQ rows+40(FP), BX

	// beta == ±0 means C is write-only: it may hold NaN or Inf.
	MOVL beta+52(FP), AX
	SHLL $1, AX
	JZ   storeonly

	VBROADCASTSS beta+52(FP), Y1
	UPDATE(Y4, Y5)
	UPDATE(Y6, Y7)
	UPDATE(Y8, Y9)
	UPDATE(Y10, Y11)
	UPDATE(Y12, Y13)
	UPDATE(Y14, Y15)
	JMP done

storeonly:
	STORE(Y4, Y5)
	STORE(Y6, Y7)
	STORE(Y8, Y9)
	STORE(Y10, Y11)
	STORE(Y12, Y13)
	STORE(Y14, Y15)

done:
	VZEROUPPER
	RET

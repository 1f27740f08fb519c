#include "textflag.h"

// func adamAVX2(p, grad, mom, vel *float32, n int, c *adamUpdate)
// n must be a multiple of 8. The same operations, in the same order and
// each rounded to float32, as adamUpdate.applyGo; c points at the
// constants b1, 1−b1, b2, 1−b2, stepSize, sqrtC2, eps, wd, decay.
TEXT ·adamAVX2(SB), NOSPLIT, $0-48
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ mom+16(FP), R8
	MOVQ vel+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), AX
	SHRQ $3, CX
	JZ   done
	VBROADCASTSS 0(AX), Y8   // b1
	VBROADCASTSS 4(AX), Y9   // 1 − b1
	VBROADCASTSS 8(AX), Y10  // b2
	VBROADCASTSS 12(AX), Y11 // 1 − b2
	VBROADCASTSS 16(AX), Y12 // stepSize
	VBROADCASTSS 20(AX), Y13 // sqrtC2
	VBROADCASTSS 24(AX), Y14 // eps
	VBROADCASTSS 28(AX), Y15 // wd
	VBROADCASTSS 32(AX), Y7  // decay

loop:
	VMOVUPS (DI), Y0
	VMULPS  Y7, Y0, Y0  // x ·= decay
	VMOVUPS (SI), Y1
	VMULPS  Y0, Y15, Y2
	VADDPS  Y2, Y1, Y1  // g += wd·x
	VMOVUPS (R8), Y2
	VMULPS  Y2, Y8, Y2
	VMULPS  Y1, Y9, Y3
	VADDPS  Y3, Y2, Y2  // m = b1·m + (1−b1)·g
	VMOVUPS Y2, (R8)
	VMOVUPS (R9), Y3
	VMULPS  Y3, Y10, Y3
	VMULPS  Y1, Y11, Y4
	VMULPS  Y1, Y4, Y4
	VADDPS  Y4, Y3, Y3  // v = b2·v + (1−b2)·g·g
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y4
	VDIVPS  Y13, Y4, Y4
	VADDPS  Y14, Y4, Y4 // denom = √v / sqrtC2 + eps
	VMULPS  Y2, Y12, Y5
	VDIVPS  Y4, Y5, Y5
	VSUBPS  Y5, Y0, Y0  // x −= stepSize·m / denom
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	DECQ    CX
	JNZ     loop
	VZEROUPPER

done:
	RET

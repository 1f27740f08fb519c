#include "textflag.h"

// Constants of tanh32 (see tanh.go), as float64 bit patterns.
DATA tanhc<>+0(SB)/8, $0x3e45798ee2308c3a   // 1e-8: below this x², tanh x = x − x³/3
DATA tanhc<>+8(SB)/8, $0x3fd5555555555555   // 1/3
DATA tanhc<>+16(SB)/8, $0xc022333333333333  // -9.1
DATA tanhc<>+24(SB)/8, $0x4022333333333333  // 9.1
DATA tanhc<>+32(SB)/8, $0x3fb0000000000000  // 1/16
DATA tanhc<>+40(SB)/8, $0x3ff0000000000000  // 1
DATA tanhc<>+48(SB)/8, $0x3fe0000000000000  // 1/2
DATA tanhc<>+56(SB)/8, $0x3fc5555555555555  // 1/6
DATA tanhc<>+64(SB)/8, $0x3fa5555555555555  // 1/24
DATA tanhc<>+72(SB)/8, $0x3f81111111111111  // 1/120
DATA tanhc<>+80(SB)/8, $0x3f56c16c16c16c17  // 1/720
DATA tanhc<>+88(SB)/8, $0x3f2a01a01a01a01a  // 1/5040
DATA tanhc<>+96(SB)/8, $0x3efa01a01a01a01a  // 1/40320
DATA tanhc<>+104(SB)/8, $0x3ec71de3a556c734 // 1/362880
DATA tanhc<>+112(SB)/8, $0x3e927e4fb7789f5c // 1/3628800
DATA tanhc<>+120(SB)/8, $0x4000000000000000 // 2
GLOBL tanhc<>(SB), RODATA|NOPTR, $128

// func tanhAVX2(dst, src *float32, n int)
// n must be a multiple of 4. Four floats per step, widened to float64:
// the same arithmetic as tanh32, with both of its cases computed and the
// result picked by a blend.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $2, CX
	JZ   done

loop:
	VCVTPS2PD (SI), Y0               // x
	VMULPD    Y0, Y0, Y1             // z = x²

	// Small case: ts = x − x·z/3, taken where z < 1e-8.
	VMULPD       Y1, Y0, Y2
	VBROADCASTSD tanhc<>+8(SB), Y8
	VMULPD       Y8, Y2, Y2
	VSUBPD       Y2, Y0, Y2          // Y2 = x − Y2
	VBROADCASTSD tanhc<>+0(SB), Y8
	VCMPPD       $1, Y8, Y1, Y3      // mask = z < 1e-8

	// d = clamp(x, ±9.1)/16; max and min return x when it is NaN.
	VBROADCASTSD tanhc<>+16(SB), Y8
	VMAXPD       Y0, Y8, Y4
	VBROADCASTSD tanhc<>+24(SB), Y8
	VMINPD       Y4, Y8, Y4
	VBROADCASTSD tanhc<>+32(SB), Y8
	VMULPD       Y8, Y4, Y4          // d
	VMULPD       Y4, Y4, Y5          // d²
	VMULPD       Y5, Y5, Y6          // d⁴
	VMULPD       Y6, Y6, Y7          // d⁸

	// e = (1 + d) + d²(1/2 + d/6)
	VBROADCASTSD tanhc<>+56(SB), Y8
	VBROADCASTSD tanhc<>+48(SB), Y9
	VFMADD231PD  Y8, Y4, Y9
	VBROADCASTSD tanhc<>+40(SB), Y10
	VADDPD       Y4, Y10, Y10
	VFMADD231PD  Y9, Y5, Y10

	//   + d⁴((1/24 + d/120) + d²(1/720 + d/5040))
	VBROADCASTSD tanhc<>+72(SB), Y8
	VBROADCASTSD tanhc<>+64(SB), Y9
	VFMADD231PD  Y8, Y4, Y9
	VBROADCASTSD tanhc<>+88(SB), Y8
	VBROADCASTSD tanhc<>+80(SB), Y11
	VFMADD231PD  Y8, Y4, Y11
	VFMADD231PD  Y11, Y5, Y9
	VFMADD231PD  Y9, Y6, Y10

	//   + d⁸((1/40320 + d/362880) + d²/3628800)
	VBROADCASTSD tanhc<>+104(SB), Y8
	VBROADCASTSD tanhc<>+96(SB), Y9
	VFMADD231PD  Y8, Y4, Y9
	VBROADCASTSD tanhc<>+112(SB), Y8
	VFMADD231PD  Y8, Y5, Y9
	VFMADD231PD  Y9, Y7, Y10

	// e^32 = e^{2x}
	VMULPD Y10, Y10, Y10
	VMULPD Y10, Y10, Y10
	VMULPD Y10, Y10, Y10
	VMULPD Y10, Y10, Y10
	VMULPD Y10, Y10, Y10

	// t = 1 − 2/(e + 1)
	VBROADCASTSD tanhc<>+40(SB), Y8
	VADDPD       Y8, Y10, Y10
	VBROADCASTSD tanhc<>+120(SB), Y9
	VDIVPD       Y10, Y9, Y9
	VSUBPD       Y9, Y8, Y8

	VBLENDVPD  Y3, Y2, Y8, Y8        // mask ? ts : t
	VCVTPD2PSY Y8, X8
	VMOVUPS    X8, (DI)

	ADDQ $16, SI
	ADDQ $16, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET

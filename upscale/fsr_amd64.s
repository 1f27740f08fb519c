//go:build amd64 && !purego

#include "textflag.h"

// AVX2 kernels for EASU and RCAS (see fsr_amd64.go). Every float operation
// mirrors one in the scalar Go code (fsr.go), in the same order, without
// FMA; min/max operand orders follow gmin/gmax (GPU semantics: the other
// operand when one is NaN), and AMD's approximate reciprocals are the same
// integer subtractions on the float bits.

// Constants, each broadcast to 8 lanes.

DATA one<>+0(SB)/4, $0x3f800000
DATA one<>+4(SB)/4, $0x3f800000
DATA one<>+8(SB)/4, $0x3f800000
DATA one<>+12(SB)/4, $0x3f800000
DATA one<>+16(SB)/4, $0x3f800000
DATA one<>+20(SB)/4, $0x3f800000
DATA one<>+24(SB)/4, $0x3f800000
DATA one<>+28(SB)/4, $0x3f800000
GLOBL one<>(SB), RODATA|NOPTR, $32

DATA half<>+0(SB)/4, $0x3f000000
DATA half<>+4(SB)/4, $0x3f000000
DATA half<>+8(SB)/4, $0x3f000000
DATA half<>+12(SB)/4, $0x3f000000
DATA half<>+16(SB)/4, $0x3f000000
DATA half<>+20(SB)/4, $0x3f000000
DATA half<>+24(SB)/4, $0x3f000000
DATA half<>+28(SB)/4, $0x3f000000
GLOBL half<>(SB), RODATA|NOPTR, $32

DATA negHalf<>+0(SB)/4, $0xbf000000
DATA negHalf<>+4(SB)/4, $0xbf000000
DATA negHalf<>+8(SB)/4, $0xbf000000
DATA negHalf<>+12(SB)/4, $0xbf000000
DATA negHalf<>+16(SB)/4, $0xbf000000
DATA negHalf<>+20(SB)/4, $0xbf000000
DATA negHalf<>+24(SB)/4, $0xbf000000
DATA negHalf<>+28(SB)/4, $0xbf000000
GLOBL negHalf<>(SB), RODATA|NOPTR, $32

DATA negOne<>+0(SB)/4, $0xbf800000
DATA negOne<>+4(SB)/4, $0xbf800000
DATA negOne<>+8(SB)/4, $0xbf800000
DATA negOne<>+12(SB)/4, $0xbf800000
DATA negOne<>+16(SB)/4, $0xbf800000
DATA negOne<>+20(SB)/4, $0xbf800000
DATA negOne<>+24(SB)/4, $0xbf800000
DATA negOne<>+28(SB)/4, $0xbf800000
GLOBL negOne<>(SB), RODATA|NOPTR, $32

DATA two<>+0(SB)/4, $0x40000000
DATA two<>+4(SB)/4, $0x40000000
DATA two<>+8(SB)/4, $0x40000000
DATA two<>+12(SB)/4, $0x40000000
DATA two<>+16(SB)/4, $0x40000000
DATA two<>+20(SB)/4, $0x40000000
DATA two<>+24(SB)/4, $0x40000000
DATA two<>+28(SB)/4, $0x40000000
GLOBL two<>(SB), RODATA|NOPTR, $32

DATA four<>+0(SB)/4, $0x40800000
DATA four<>+4(SB)/4, $0x40800000
DATA four<>+8(SB)/4, $0x40800000
DATA four<>+12(SB)/4, $0x40800000
DATA four<>+16(SB)/4, $0x40800000
DATA four<>+20(SB)/4, $0x40800000
DATA four<>+24(SB)/4, $0x40800000
DATA four<>+28(SB)/4, $0x40800000
GLOBL four<>(SB), RODATA|NOPTR, $32

DATA quarter<>+0(SB)/4, $0x3e800000
DATA quarter<>+4(SB)/4, $0x3e800000
DATA quarter<>+8(SB)/4, $0x3e800000
DATA quarter<>+12(SB)/4, $0x3e800000
DATA quarter<>+16(SB)/4, $0x3e800000
DATA quarter<>+20(SB)/4, $0x3e800000
DATA quarter<>+24(SB)/4, $0x3e800000
DATA quarter<>+28(SB)/4, $0x3e800000
GLOBL quarter<>(SB), RODATA|NOPTR, $32

DATA tiny<>+0(SB)/4, $0x38000000
DATA tiny<>+4(SB)/4, $0x38000000
DATA tiny<>+8(SB)/4, $0x38000000
DATA tiny<>+12(SB)/4, $0x38000000
DATA tiny<>+16(SB)/4, $0x38000000
DATA tiny<>+20(SB)/4, $0x38000000
DATA tiny<>+24(SB)/4, $0x38000000
DATA tiny<>+28(SB)/4, $0x38000000
GLOBL tiny<>(SB), RODATA|NOPTR, $32

DATA lobSlope<>+0(SB)/4, $0xbe947ae1
DATA lobSlope<>+4(SB)/4, $0xbe947ae1
DATA lobSlope<>+8(SB)/4, $0xbe947ae1
DATA lobSlope<>+12(SB)/4, $0xbe947ae1
DATA lobSlope<>+16(SB)/4, $0xbe947ae1
DATA lobSlope<>+20(SB)/4, $0xbe947ae1
DATA lobSlope<>+24(SB)/4, $0xbe947ae1
DATA lobSlope<>+28(SB)/4, $0xbe947ae1
GLOBL lobSlope<>(SB), RODATA|NOPTR, $32

DATA twoFifths<>+0(SB)/4, $0x3ecccccd
DATA twoFifths<>+4(SB)/4, $0x3ecccccd
DATA twoFifths<>+8(SB)/4, $0x3ecccccd
DATA twoFifths<>+12(SB)/4, $0x3ecccccd
DATA twoFifths<>+16(SB)/4, $0x3ecccccd
DATA twoFifths<>+20(SB)/4, $0x3ecccccd
DATA twoFifths<>+24(SB)/4, $0x3ecccccd
DATA twoFifths<>+28(SB)/4, $0x3ecccccd
GLOBL twoFifths<>(SB), RODATA|NOPTR, $32

DATA wScale<>+0(SB)/4, $0x3fc80000
DATA wScale<>+4(SB)/4, $0x3fc80000
DATA wScale<>+8(SB)/4, $0x3fc80000
DATA wScale<>+12(SB)/4, $0x3fc80000
DATA wScale<>+16(SB)/4, $0x3fc80000
DATA wScale<>+20(SB)/4, $0x3fc80000
DATA wScale<>+24(SB)/4, $0x3fc80000
DATA wScale<>+28(SB)/4, $0x3fc80000
GLOBL wScale<>(SB), RODATA|NOPTR, $32

DATA wBias<>+0(SB)/4, $0x3f100000
DATA wBias<>+4(SB)/4, $0x3f100000
DATA wBias<>+8(SB)/4, $0x3f100000
DATA wBias<>+12(SB)/4, $0x3f100000
DATA wBias<>+16(SB)/4, $0x3f100000
DATA wBias<>+20(SB)/4, $0x3f100000
DATA wBias<>+24(SB)/4, $0x3f100000
DATA wBias<>+28(SB)/4, $0x3f100000
GLOBL wBias<>(SB), RODATA|NOPTR, $32

DATA negLimit<>+0(SB)/4, $0xbe400000
DATA negLimit<>+4(SB)/4, $0xbe400000
DATA negLimit<>+8(SB)/4, $0xbe400000
DATA negLimit<>+12(SB)/4, $0xbe400000
DATA negLimit<>+16(SB)/4, $0xbe400000
DATA negLimit<>+20(SB)/4, $0xbe400000
DATA negLimit<>+24(SB)/4, $0xbe400000
DATA negLimit<>+28(SB)/4, $0xbe400000
GLOBL negLimit<>(SB), RODATA|NOPTR, $32

DATA absMask<>+0(SB)/4, $0x7fffffff
DATA absMask<>+4(SB)/4, $0x7fffffff
DATA absMask<>+8(SB)/4, $0x7fffffff
DATA absMask<>+12(SB)/4, $0x7fffffff
DATA absMask<>+16(SB)/4, $0x7fffffff
DATA absMask<>+20(SB)/4, $0x7fffffff
DATA absMask<>+24(SB)/4, $0x7fffffff
DATA absMask<>+28(SB)/4, $0x7fffffff
GLOBL absMask<>(SB), RODATA|NOPTR, $32

DATA signMask<>+0(SB)/4, $0x80000000
DATA signMask<>+4(SB)/4, $0x80000000
DATA signMask<>+8(SB)/4, $0x80000000
DATA signMask<>+12(SB)/4, $0x80000000
DATA signMask<>+16(SB)/4, $0x80000000
DATA signMask<>+20(SB)/4, $0x80000000
DATA signMask<>+24(SB)/4, $0x80000000
DATA signMask<>+28(SB)/4, $0x80000000
GLOBL signMask<>(SB), RODATA|NOPTR, $32

DATA rcpMagic<>+0(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+4(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+8(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+12(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+16(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+20(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+24(SB)/4, $0x7ef07ebb
DATA rcpMagic<>+28(SB)/4, $0x7ef07ebb
GLOBL rcpMagic<>(SB), RODATA|NOPTR, $32

DATA rsqMagic<>+0(SB)/4, $0x5f347d74
DATA rsqMagic<>+4(SB)/4, $0x5f347d74
DATA rsqMagic<>+8(SB)/4, $0x5f347d74
DATA rsqMagic<>+12(SB)/4, $0x5f347d74
DATA rsqMagic<>+16(SB)/4, $0x5f347d74
DATA rsqMagic<>+20(SB)/4, $0x5f347d74
DATA rsqMagic<>+24(SB)/4, $0x5f347d74
DATA rsqMagic<>+28(SB)/4, $0x5f347d74
GLOBL rsqMagic<>(SB), RODATA|NOPTR, $32

DATA medMagic<>+0(SB)/4, $0x7ef19fff
DATA medMagic<>+4(SB)/4, $0x7ef19fff
DATA medMagic<>+8(SB)/4, $0x7ef19fff
DATA medMagic<>+12(SB)/4, $0x7ef19fff
DATA medMagic<>+16(SB)/4, $0x7ef19fff
DATA medMagic<>+20(SB)/4, $0x7ef19fff
DATA medMagic<>+24(SB)/4, $0x7ef19fff
DATA medMagic<>+28(SB)/4, $0x7ef19fff
GLOBL medMagic<>(SB), RODATA|NOPTR, $32

// EACC accumulates the four analysis values of one texel, loaded at T and
// permuted by P, with bilinear weight W, in the order of easuPlan.scalarRow:
// dirX (Y9), dirY (Y10), then lenX and lenY both into length (Y11).
#define EACC(T, P, W) \
	VPERMPS (T), P, Y12;        \
	VMULPS  W, Y12, Y12;        \
	VADDPS  Y12, Y9, Y9;        \
	VPERMPS (T)(R9*1), P, Y12;  \
	VMULPS  W, Y12, Y12;        \
	VADDPS  Y12, Y10, Y10;      \
	VPERMPS (T)(R9*2), P, Y12;  \
	VMULPS  W, Y12, Y12;        \
	VADDPS  Y12, Y11, Y11;      \
	VPERMPS (T)(R13*1), P, Y12; \
	VMULPS  W, Y12, Y12;        \
	VADDPS  Y12, Y11, Y11

// OFFS stores O·dirX at xc and O·dirY at xs for the tap offset O (in Y1).
#define OFFS(xc, xs) \
	VMULPS  Y9, Y1, Y2;   \
	VMOVUPS Y2, xc(SP);   \
	VMULPS  Y10, Y1, Y2;  \
	VMOVUPS Y2, xs(SP)

// ETAP is easuTap for tap column i and row j (byte offsets 32·i, 32·j into
// the offset tables on the stack), storing the weight at out(DI).
// Y4 = lenX, Y5 = lenY, Y6 = lob, Y7 = clp, Y14 = 1.
#define ETAP(xi, yj, out) \
	VMOVUPS xi(SP), Y1;               \
	VADDPS  (384+yj)(SP), Y1, Y1;     \
	VMULPS  Y4, Y1, Y1;               \
	VMOVUPS (256+yj)(SP), Y2;         \
	VSUBPS  (128+xi)(SP), Y2, Y2;     \
	VMULPS  Y5, Y2, Y2;               \
	VMULPS  Y1, Y1, Y1;               \
	VMULPS  Y2, Y2, Y2;               \
	VADDPS  Y2, Y1, Y1;               \
	VMINPS  Y7, Y1, Y1;               \
	VMULPS  twoFifths<>(SB), Y1, Y2;  \
	VSUBPS  Y14, Y2, Y2;              \
	VMULPS  Y6, Y1, Y1;               \
	VSUBPS  Y14, Y1, Y1;              \
	VMULPS  Y2, Y2, Y2;               \
	VMULPS  Y1, Y1, Y1;               \
	VMULPS  wScale<>(SB), Y2, Y2;     \
	VSUBPS  wBias<>(SB), Y2, Y2;      \
	VMULPS  Y1, Y2, Y2;               \
	VMOVUPS Y2, out(DI)

// The column table (easuGroupsAVX2) as byte offsets into one 224-byte
// group: tap permutations for columns f−1 … f+2 at 0, 32, 64, 96; analysis
// permutations for texels f and g at 128, 160; load starts at 192 … 212;
// the first output column at 216. A group's weights are 13 vectors, 416
// bytes: the 12 taps in the shader's order, then 1/Σw.

// func easuWeightsAVX2(w *float32, tab *int32, ppx *float32, ana *float32, ppy float32, plane, aw, n int)
// The 512-byte frame holds the per-pixel offsets times the direction:
// xc[4] at 0, xs[4] at 128, yc[4] at 256, ys[4] at 384.
TEXT ·easuWeightsAVX2(SB), 0, $512-64
	MOVQ         w+0(FP), DI
	MOVQ         tab+8(FP), SI
	MOVQ         ppx+16(FP), DX
	MOVQ         ana+24(FP), R8
	VBROADCASTSS ppy+32(FP), Y15
	MOVQ         plane+40(FP), R9
	SHLQ         $2, R9
	LEAQ         (R9)(R9*2), R13
	MOVQ         aw+48(FP), R10
	SHLQ         $2, R10
	MOVQ         n+56(FP), CX
	VMOVUPS      one<>(SB), Y14

wloop:
	MOVLQSX 216(SI), AX
	VMOVUPS (DX)(AX*4), Y0 // ppx
	VMOVDQU 128(SI), Y1    // permutation for texels f, j
	VMOVDQU 160(SI), Y2    // permutation for texels g, k
	MOVLQSX 208(SI), AX
	LEAQ    (R8)(AX*4), R11
	MOVLQSX 212(SI), AX
	LEAQ    (R8)(AX*4), R12

	// Bilinear weights of texels f, g, j, k.
	VSUBPS Y0, Y14, Y3
	VSUBPS Y15, Y14, Y4
	VMULPS Y4, Y3, Y5
	VMULPS Y4, Y0, Y6
	VMULPS Y15, Y3, Y7
	VMULPS Y15, Y0, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	EACC(R11, Y1, Y5)
	EACC(R12, Y2, Y6)
	ADDQ   R10, R11
	ADDQ   R10, R12
	EACC(R11, Y1, Y7)
	EACC(R12, Y2, Y8)

	// Normalise the direction (prxLoRsq), +x when there is none.
	VMULPS    Y9, Y9, Y1
	VMULPS    Y10, Y10, Y2
	VADDPS    Y2, Y1, Y1
	VCMPPS    $1, tiny<>(SB), Y1, Y3
	VPSRLD    $1, Y1, Y1
	VMOVDQU   rsqMagic<>(SB), Y2
	VPSUBD    Y1, Y2, Y1
	VBLENDVPS Y3, Y14, Y1, Y1
	VBLENDVPS Y3, Y14, Y9, Y9
	VMULPS    Y1, Y9, Y9
	VMULPS    Y1, Y10, Y10

	// Shape the length; stretch, lenX, lenY, lob, clp.
	VMULPS  half<>(SB), Y11, Y11
	VMULPS  Y11, Y11, Y11
	VMULPS  Y9, Y9, Y1
	VMULPS  Y10, Y10, Y2
	VADDPS  Y2, Y1, Y1
	VANDPS  absMask<>(SB), Y9, Y2
	VANDPS  absMask<>(SB), Y10, Y3
	VMAXPS  Y3, Y2, Y2
	VMOVDQU rcpMagic<>(SB), Y3
	VPSUBD  Y2, Y3, Y2
	VMULPS  Y2, Y1, Y1
	VSUBPS  Y14, Y1, Y1
	VMULPS  Y11, Y1, Y1
	VADDPS  Y14, Y1, Y4 // lenX
	VMULPS  negHalf<>(SB), Y11, Y2
	VADDPS  Y14, Y2, Y5 // lenY
	VMULPS  lobSlope<>(SB), Y11, Y2
	VADDPS  half<>(SB), Y2, Y6 // lob
	VPSUBD  Y6, Y3, Y7         // clp

	// Column offsets −1−ppx … 2−ppx and row offsets −1−ppy … 2−ppy.
	VMOVUPS negOne<>(SB), Y1
	VSUBPS  Y0, Y1, Y1
	OFFS(0, 128)
	VXORPS  Y1, Y1, Y1
	VSUBPS  Y0, Y1, Y1
	OFFS(32, 160)
	VSUBPS  Y0, Y14, Y1
	OFFS(64, 192)
	VMOVUPS two<>(SB), Y1
	VSUBPS  Y0, Y1, Y1
	OFFS(96, 224)
	VMOVUPS negOne<>(SB), Y1
	VSUBPS  Y15, Y1, Y1
	OFFS(256, 384)
	VXORPS  Y1, Y1, Y1
	VSUBPS  Y15, Y1, Y1
	OFFS(288, 416)
	VSUBPS  Y15, Y14, Y1
	OFFS(320, 448)
	VMOVUPS two<>(SB), Y1
	VSUBPS  Y15, Y1, Y1
	OFFS(352, 480)

	// Taps in the shader's order b c i j f e k l h g o n, and their sum.
	ETAP(32, 0, 0)
	VMOVAPS Y2, Y8
	ETAP(64, 0, 32)
	VADDPS  Y2, Y8, Y8
	ETAP(0, 64, 64)
	VADDPS  Y2, Y8, Y8
	ETAP(32, 64, 96)
	VADDPS  Y2, Y8, Y8
	ETAP(32, 32, 128)
	VADDPS  Y2, Y8, Y8
	ETAP(0, 32, 160)
	VADDPS  Y2, Y8, Y8
	ETAP(64, 64, 192)
	VADDPS  Y2, Y8, Y8
	ETAP(96, 64, 224)
	VADDPS  Y2, Y8, Y8
	ETAP(96, 32, 256)
	VADDPS  Y2, Y8, Y8
	ETAP(64, 32, 288)
	VADDPS  Y2, Y8, Y8
	ETAP(64, 96, 320)
	VADDPS  Y2, Y8, Y8
	ETAP(32, 96, 352)
	VADDPS  Y2, Y8, Y8
	VDIVPS  Y8, Y14, Y8
	VMOVUPS Y8, 384(DI)

	ADDQ $224, SI
	ADDQ $416, DI
	DECQ CX
	JNZ  wloop
	VZEROUPPER
	RET

// ATAP multiplies the tap loaded from A and permuted by P with the weight at
// wo(DX) and adds it to the sum in Y0.
#define ATAP(A, P, wo) \
	VPERMPS A, P, Y1;        \
	VMULPS  wo(DX), Y1, Y1;  \
	VADDPS  Y1, Y0, Y0

// ATAPK is ATAP keeping the tap's value in V for the deringing clamp.
#define ATAPK(A, P, wo, V) \
	VPERMPS A, P, V;         \
	VMULPS  wo(DX), V, Y1;   \
	VADDPS  Y1, Y0, Y0

// func easuApplyAVX2(dst, r0, r1, r2, r3 *float32, tab *int32, w *float32, n int)
TEXT ·easuApplyAVX2(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ r0+8(FP), R8
	MOVQ r1+16(FP), R9
	MOVQ r2+24(FP), R10
	MOVQ r3+32(FP), R11
	MOVQ tab+40(FP), SI
	MOVQ w+48(FP), DX
	MOVQ n+56(FP), CX

aloop:
	VMOVDQU 0(SI), Y12  // permutation for column f−1
	VMOVDQU 32(SI), Y13 // f
	VMOVDQU 64(SI), Y14 // f+1
	VMOVDQU 96(SI), Y15 // f+2
	MOVLQSX 192(SI), AX
	MOVLQSX 196(SI), BX
	MOVLQSX 200(SI), R12
	MOVLQSX 204(SI), R13

	VPERMPS (R8)(BX*4), Y13, Y0 // b
	VMULPS  0(DX), Y0, Y0
	ATAP((R8)(R12*4), Y14, 32)        // c
	ATAP((R10)(AX*4), Y12, 64)        // i
	ATAPK((R10)(BX*4), Y13, 96, Y2)   // j
	ATAPK((R9)(BX*4), Y13, 128, Y3)   // f
	ATAP((R9)(AX*4), Y12, 160)        // e
	ATAPK((R10)(R12*4), Y14, 192, Y4) // k
	ATAP((R10)(R13*4), Y15, 224)      // l
	ATAP((R9)(R13*4), Y15, 256)       // h
	ATAPK((R9)(R12*4), Y14, 288, Y5)  // g
	ATAP((R11)(R12*4), Y14, 320)      // o
	ATAP((R11)(BX*4), Y13, 352)       // n

	// Deringing: clamp to the min and max of f, g, j, k.
	VMINPS    Y5, Y3, Y6
	VMINPS    Y2, Y6, Y6
	VMINPS    Y4, Y6, Y6
	VMAXPS    Y5, Y3, Y7
	VMAXPS    Y2, Y7, Y7
	VMAXPS    Y4, Y7, Y7
	VMULPS    384(DX), Y0, Y0
	VMAXPS    Y0, Y6, Y1
	VMINPS    Y1, Y7, Y1
	VCMPPS    $3, Y0, Y0, Y8
	VBLENDVPS Y8, Y6, Y1, Y1
	MOVLQSX   216(SI), AX
	VMOVUPS   Y1, (DI)(AX*4)

	ADDQ $224, SI
	ADDQ $416, DX
	DECQ CX
	JNZ  aloop
	VZEROUPPER
	RET

// GMAX sets D to gmax(A, B): the larger, or A when B is NaN (T: scratch).
#define GMAX(A, B, D, T) \
	VMAXPS    B, A, D;    \
	VCMPPS    $3, B, B, T; \
	VBLENDVPS T, A, D, D

// RLOBE computes one colour plane's lobe limit into Y0 from the cross
// around M (rows AX bytes above and BX bytes below).
#define RLOBE(M) \
	VMOVUPS (M)(AX*1), Y0;         \
	VMOVUPS -4(M), Y1;             \
	VMOVUPS 4(M), Y2;              \
	VMOVUPS (M)(BX*1), Y3;         \
	VMINPS  Y1, Y0, Y4;            \
	VMINPS  Y2, Y4, Y4;            \
	VMINPS  Y3, Y4, Y4;            \
	VMAXPS  Y1, Y0, Y5;            \
	VMAXPS  Y2, Y5, Y5;            \
	VMAXPS  Y3, Y5, Y5;            \
	VMULPS  four<>(SB), Y5, Y6;    \
	VDIVPS  Y6, Y14, Y6;           \
	VMULPS  Y6, Y4, Y6;            \
	VMULPS  four<>(SB), Y4, Y7;    \
	VSUBPS  four<>(SB), Y7, Y7;    \
	VDIVPS  Y7, Y14, Y7;           \
	VSUBPS  Y5, Y14, Y8;           \
	VMULPS  Y7, Y8, Y7;            \
	VXORPS  signMask<>(SB), Y6, Y6; \
	GMAX(Y6, Y7, Y0, Y9)

// RLIMIT clamps the lobe in Y13 to [−FSR_RCAS_LIMIT, 0] and scales it by
// the sharpness in Y15.
#define RLIMIT \
	VXORPS  Y1, Y1, Y1;          \
	VMINPS  Y1, Y13, Y13;        \
	VMOVUPS negLimit<>(SB), Y1;  \
	VMAXPS  Y13, Y1, Y13;        \
	VMULPS  Y15, Y13, Y13

// RDENOISE scales the lobe in Y13 by the noise estimate from the lumas of
// the cross: b in Y2, d Y3, e Y4, f Y5, h Y6.
#define RDENOISE \
	VMOVUPS   quarter<>(SB), Y7;  \
	VMULPS    Y7, Y2, Y8;         \
	VMULPS    Y7, Y3, Y9;         \
	VADDPS    Y9, Y8, Y8;         \
	VMULPS    Y7, Y5, Y9;         \
	VADDPS    Y9, Y8, Y8;         \
	VMULPS    Y7, Y6, Y9;         \
	VADDPS    Y9, Y8, Y8;         \
	VSUBPS    Y4, Y8, Y8;         \
	VMAXPS    Y3, Y2, Y9;         \
	VMAXPS    Y4, Y9, Y9;         \
	VMAXPS    Y5, Y9, Y9;         \
	VMAXPS    Y6, Y9, Y9;         \
	VMINPS    Y3, Y2, Y10;        \
	VMINPS    Y4, Y10, Y10;       \
	VMINPS    Y5, Y10, Y10;       \
	VMINPS    Y6, Y10, Y10;       \
	VSUBPS    Y10, Y9, Y9;        \
	VMOVDQU   medMagic<>(SB), Y10; \
	VPSUBD    Y9, Y10, Y10;       \
	VMULPS    Y9, Y10, Y11;       \
	VMOVUPS   two<>(SB), Y1;      \
	VSUBPS    Y11, Y1, Y11;       \
	VMULPS    Y11, Y10, Y10;      \
	VANDPS    absMask<>(SB), Y8, Y8; \
	VMULPS    Y10, Y8, Y8;        \
	VXORPS    Y1, Y1, Y1;         \
	VMAXPS    Y1, Y8, Y8;         \
	VMINPS    Y14, Y8, Y8;        \
	VMULPS    negHalf<>(SB), Y8, Y8; \
	VADDPS    Y14, Y8, Y8;        \
	VMULPS    Y8, Y13, Y13

// RRCP sets Y2 to prxMedRcp(4·lobe + 1).
#define RRCP \
	VMULPS  four<>(SB), Y13, Y1; \
	VADDPS  Y14, Y1, Y1;         \
	VMOVDQU medMagic<>(SB), Y2;  \
	VPSUBD  Y1, Y2, Y2;          \
	VMULPS  Y1, Y2, Y3;          \
	VMOVUPS two<>(SB), Y4;       \
	VSUBPS  Y3, Y4, Y3;          \
	VMULPS  Y3, Y2, Y2

// RRESOLVE writes (lobe·b + lobe·d + lobe·h + lobe·f + e)·rcp for the plane
// at M to O.
#define RRESOLVE(M, O) \
	VMULPS  (M)(AX*1), Y13, Y3; \
	VMULPS  -4(M), Y13, Y4;     \
	VADDPS  Y4, Y3, Y3;         \
	VMULPS  (M)(BX*1), Y13, Y4; \
	VADDPS  Y4, Y3, Y3;         \
	VMULPS  4(M), Y13, Y4;      \
	VADDPS  Y4, Y3, Y3;         \
	VADDPS  (M), Y3, Y3;        \
	VMULPS  Y2, Y3, Y3;         \
	VMOVUPS Y3, (O)

// RGBLUMA sets D to B/2 + (R/2 + G) of the pixels at displacement X from
// the planes R8, R9, R10 (Y12 = 1/2).
#define RGBLUMA(X, D) \
	VMULPS X(R10), Y12, D; \
	VMULPS X(R8), Y12, Y1; \
	VADDPS X(R9), Y1, Y1;  \
	VADDPS Y1, D, D

// RGBLUMAI is RGBLUMA for the row I bytes away.
#define RGBLUMAI(I, D) \
	VMULPS (R10)(I*1), Y12, D; \
	VMULPS (R8)(I*1), Y12, Y1; \
	VADDPS (R9)(I*1), Y1, Y1;  \
	VADDPS Y1, D, D

// func rcasRGBAVX2(o0, o1, o2, m0, m1, m2 *float32, up, down, n int, sharp float32, denoise bool)
TEXT ·rcasRGBAVX2(SB), NOSPLIT, $0-77
	MOVQ         o0+0(FP), R11
	MOVQ         o1+8(FP), R12
	MOVQ         o2+16(FP), R13
	MOVQ         m0+24(FP), R8
	MOVQ         m1+32(FP), R9
	MOVQ         m2+40(FP), R10
	MOVQ         up+48(FP), AX
	SHLQ         $2, AX
	MOVQ         down+56(FP), BX
	SHLQ         $2, BX
	MOVQ         n+64(FP), CX
	VBROADCASTSS sharp+72(FP), Y15
	MOVBLZX      denoise+76(FP), DX
	VMOVUPS      one<>(SB), Y14
	VMOVUPS      half<>(SB), Y12

rgbloop:
	RLOBE(R8)
	VMOVAPS Y0, Y13
	RLOBE(R9)
	GMAX(Y13, Y0, Y1, Y9)
	VMOVAPS Y1, Y13
	RLOBE(R10)
	GMAX(Y13, Y0, Y1, Y9)
	VMOVAPS Y1, Y13
	RLIMIT
	TESTL DX, DX
	JZ    rgbresolve
	RGBLUMAI(AX, Y2)
	RGBLUMA(-4, Y3)
	RGBLUMA(0, Y4)
	RGBLUMA(4, Y5)
	RGBLUMAI(BX, Y6)
	RDENOISE

rgbresolve:
	RRCP
	RRESOLVE(R8, R11)
	RRESOLVE(R9, R12)
	RRESOLVE(R10, R13)
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, R13
	DECQ CX
	JNZ  rgbloop
	VZEROUPPER
	RET

// func rcasGreyAVX2(o, m *float32, up, down, n int, sharp float32, denoise bool)
TEXT ·rcasGreyAVX2(SB), NOSPLIT, $0-45
	MOVQ         o+0(FP), R11
	MOVQ         m+8(FP), R8
	MOVQ         up+16(FP), AX
	SHLQ         $2, AX
	MOVQ         down+24(FP), BX
	SHLQ         $2, BX
	MOVQ         n+32(FP), CX
	VBROADCASTSS sharp+40(FP), Y15
	MOVBLZX      denoise+44(FP), DX
	VMOVUPS      one<>(SB), Y14
	VMOVUPS      two<>(SB), Y12

greyloop:
	RLOBE(R8)
	VMOVAPS Y0, Y13
	RLIMIT
	TESTL DX, DX
	JZ    greyresolve
	VMULPS (R8)(AX*1), Y12, Y2
	VMULPS -4(R8), Y12, Y3
	VMULPS (R8), Y12, Y4
	VMULPS 4(R8), Y12, Y5
	VMULPS (R8)(BX*1), Y12, Y6
	RDENOISE

greyresolve:
	RRCP
	RRESOLVE(R8, R11)
	ADDQ $32, R8
	ADDQ $32, R11
	DECQ CX
	JNZ  greyloop
	VZEROUPPER
	RET

// ANAXY computes one axis of easuPlus: from the lumas before (P), at (C)
// and after (N) the texel, stores the direction N − P at dir(DI) and the
// shaped length sat(|N − P|·PrxLoRcp(max(|N − C|, |C − P|)))² at len(DI).
// Y12 = 1, Y13 = 0, Y14 = PrxLoRcp's constant, Y15 = the abs mask.
#define ANAXY(P, C, N, dir, len) \
	VSUBPS  C, N, Y5;     \
	VSUBPS  P, C, Y6;     \
	VANDPS  Y15, Y5, Y5;  \
	VANDPS  Y15, Y6, Y6;  \
	VMAXPS  Y6, Y5, Y5;   \
	VPSUBD  Y5, Y14, Y5;  \
	VSUBPS  P, N, Y6;     \
	VMOVUPS Y6, dir;      \
	VANDPS  Y15, Y6, Y6;  \
	VMULPS  Y5, Y6, Y6;   \
	VMAXPS  Y13, Y6, Y6;  \
	VMINPS  Y12, Y6, Y6;  \
	VMULPS  Y6, Y6, Y6;   \
	VMOVUPS Y6, len

// func easuAnalysisAVX2(out *float32, plane int, up, mid, down *float32, n int)
TEXT ·easuAnalysisAVX2(SB), NOSPLIT, $0-48
	MOVQ    out+0(FP), DI
	MOVQ    plane+8(FP), R9
	SHLQ    $2, R9
	LEAQ    (R9)(R9*2), R13
	MOVQ    up+16(FP), R8
	MOVQ    mid+24(FP), R10
	MOVQ    down+32(FP), R11
	MOVQ    n+40(FP), CX
	VMOVUPS one<>(SB), Y12
	VXORPS  Y13, Y13, Y13
	VMOVDQU rcpMagic<>(SB), Y14
	VMOVUPS absMask<>(SB), Y15

anloop:
	VMOVUPS 4(R8), Y0  // a: above
	VMOVUPS (R10), Y1  // b: left
	VMOVUPS 4(R10), Y2 // c: the texel
	VMOVUPS 8(R10), Y3 // d: right
	VMOVUPS 4(R11), Y4 // e: below
	ANAXY(Y1, Y2, Y3, (DI), (DI)(R9*2))
	ANAXY(Y0, Y2, Y4, (DI)(R9*1), (DI)(R13*1))
	ADDQ $32, R8
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, DI
	DECQ CX
	JNZ  anloop
	VZEROUPPER
	RET

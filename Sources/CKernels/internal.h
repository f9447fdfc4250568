// Private declarations shared by the CKernels translation units.
#ifndef VSYNTH_CKERNELS_INTERNAL_H
#define VSYNTH_CKERNELS_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

/// Where llama.cpp's K-quant routine changes with the token count n (kquants.h, kq_mode): a repacked
/// matrix runs its gemm for the tokens in whole groups of VS_KQ_GEMM_GROUP, any other matrix the tiled
/// matmul from VS_KQ_TILED_MIN tokens up (ggml_tiled_min_batch), the one-token routines below.
#define VS_KQ_GEMM_GROUP 4
#define VS_KQ_TILED_MIN 8

// ggml block layouts (ggml-common.h).
typedef struct { uint16_t d; uint8_t qs[16]; } block_q4_0;               // 18 bytes
typedef struct { uint16_t d; uint16_t m; uint8_t qs[16]; } block_q4_1;   // 20 bytes
typedef struct { uint16_t d; int8_t qs[32]; } block_q8_0;                // 34 bytes
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } block_q5_0;             // 22 bytes
typedef struct { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[16]; } block_q5_1; // 24 bytes
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } block_q6_K; // 210
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qs[128]; } block_q4_K;  // 144
typedef struct { uint8_t scales[16]; uint8_t qs[64]; uint16_t d; uint16_t dmin; } block_q2_K;   // 84
typedef struct { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; uint16_t d; } block_q3_K; // 110
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } block_q5_K; // 176
_Static_assert(sizeof(block_q4_0) == 18, "q4_0");
_Static_assert(sizeof(block_q4_1) == 20, "q4_1");
_Static_assert(sizeof(block_q8_0) == 34, "q8_0");
_Static_assert(sizeof(block_q6_K) == 210, "q6_K");
_Static_assert(sizeof(block_q5_0) == 22, "q5_0");
_Static_assert(sizeof(block_q5_1) == 24, "q5_1");
_Static_assert(sizeof(block_q4_K) == 144, "q4_K");
_Static_assert(sizeof(block_q2_K) == 84, "q2_K");
_Static_assert(sizeof(block_q3_K) == 110, "q3_K");
_Static_assert(sizeof(block_q5_K) == 176, "q5_K");

/// IEEE half → float, exact (subnormals, inf, nan).
static inline float vs_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0) {
        if (man == 0) { bits = sign; }
        else {   // subnormal: renormalise
            int e = -1;
            do { e++; man <<= 1; } while (!(man & 0x400));
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3FF) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    }
    float f; memcpy(&f, &bits, 4); return f;
}
static inline float vs_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16; float f; memcpy(&f, &bits, 4); return f;
}

/// The nearest IEEE half of x (ties to even), kept as float: what ggml's FP32→FP16 conversion
/// (F16C's vcvtps2ph, round to nearest) gives, for finite x within the half range.
static inline float vs_half_round1(float x) {
    uint32_t bits; memcpy(&bits, &x, 4);
    if ((bits & 0x7FFFFFFFu) < 0x38800000u) {          // |x| < 2^-14: half subnormals, multiples of 2^-24
        volatile float m = (x < 0 ? -x : x) + 0.5f;    // volatile: keep (|x| + 0.5) - 0.5 as written
        float r = m - 0.5f;
        return x < 0 ? -r : r;
    }
    bits = (bits + 0x0FFFu + ((bits >> 13) & 1u)) & 0xFFFFE000u;
    float r; memcpy(&r, &bits, 4); return r;
}

/// ggml's quantization of one block of 32 activations (quantize_row_q8_0 / q8_1 as their x86 SIMD
/// versions compute them): d = max|x|/127, q = round-to-nearest-even(x · 127/max|x|); the scale kept
/// is d rounded to F16 and, for Q8_1, s = F16(d · Σq).
static inline void vs_quantize_block(const float *x, int8_t *qs, float *d_out, float *s_out) {
    float amax = 0;
    for (int j = 0; j < 32; j++) { float a = x[j] < 0 ? -x[j] : x[j]; if (a > amax) amax = a; }
    float d = amax / 127.0f, id = amax != 0 ? 127.0f / amax : 0.0f;
    int32_t sum = 0;
    for (int j = 0; j < 32; j++) {
        int q = (int)nearbyintf(x[j] * id);
        qs[j] = (int8_t)q;
        sum += q;
    }
    *d_out = vs_half_round1(d);
    *s_out = vs_half_round1(d * (float)sum);
}

/// Layout of one token's quantized activations (see CKernels.h).
static inline size_t vs_qact_bytes(int cols) {
    size_t nb = (size_t)cols / 32;
    size_t bytes = (size_t)cols + nb * 8;
    return (bytes + 63) & ~(size_t)63;
}
static inline const int8_t *qa_qs(const void *tok) { return (const int8_t *)tok; }
static inline const float *qa_d(const void *tok, int cols) { return (const float *)((const char *)tok + cols); }
static inline const float *qa_s(const void *tok, int cols) {
    return (const float *)((const char *)tok + cols + (size_t)cols / 32 * 4);
}

/// Layout of one token's Q8_K activations (see CKernels.h).
static inline size_t vs_q8k_bytes(int cols) {
    size_t bytes = (size_t)cols + (size_t)cols / 256 * 4 + (size_t)cols / 16 * 2;
    return (bytes + 63) & ~(size_t)63;
}
static inline const int8_t *q8k_qs(const void *tok) { return (const int8_t *)tok; }
static inline const float *q8k_d(const void *tok, int cols) { return (const float *)((const char *)tok + cols); }
static inline const int16_t *q8k_bsums(const void *tok, int cols) {
    return (const int16_t *)((const char *)tok + cols + (size_t)cols / 256 * 4);
}
/// Token t's Q8_K row as the quantizers write it: the accessors above over the buffer `qk`, writable.
typedef struct { int8_t *qs; float *d; int16_t *bsums; } q8k_row;
static inline q8k_row q8k_row_of(void *qk, int cols, int t) {
    const char *tok = (const char *)qk + (size_t)t * vs_q8k_bytes(cols);
    return (q8k_row){ (int8_t *)q8k_qs(tok), (float *)q8k_d(tok, cols), (int16_t *)q8k_bsums(tok, cols) };
}
/// The inverse scale ggml quantizes a Q8_K block with, from its largest magnitude `amax` (not 0), the
/// first element of that magnitude `first`, and whether +amax occurs: quantize_row_q8_K_ref takes the
/// first element's sign; the 4-token x86 quantizer (`grouped`: whole groups of 4 tokens) a positive
/// one when there is one.
static inline float vs_q8k_iscale(float amax, float first, int positive, int grouped) {
    return grouped ? (positive ? -127.f / amax : 127.f / amax) : -127.f / first;
}

size_t vs_q4k_packed_bytes(int rows, int cols);
void vs_q4k_pack(const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out);
size_t vs_q6k_packed_bytes(int rows, int cols);
void vs_q6k_pack(const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out);
/// Runs the AVX-512 kernel of packed K-quant weights when it applies (`wp` given, this path, a packed
/// type) in the order llama.cpp gives n tokens (kq_mode), or with `one_token` the order it gives each
/// token alone; returns whether it ran.
int vs_matmul_k_packed(int type, const void *wp, int cols, int r0, int r1, const void *qk, int n, int one_token,
                       float *y, size_t ldy, int path);
void vs_dequantize_row_scalar(int type, const void *row, float *out, int cols);
void vs_quantize_q8k_scalar(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk);
void vs_quantize_tokens_scalar(const float *x, size_t ldx, int cols, int t0, int t1, void *qa);
/// Weights of the table's F32 and Q8_0/Q8_1-activation types; -1 (nothing written) for any other type.
/// `repacked` (vs_llamacpp_repacks): Q4_0 in llama.cpp's gemv/gemm order.
int vs_matmul_rows_scalar(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const float *x, size_t ldx, const void *qa, int n, float *y, size_t ldy);
/// K-quant weights × Q8_K activations `qk`; `repacked` (vs_llamacpp_repacks) picks llama.cpp's repacked arithmetic.
void vs_matmul_k_scalar(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                        const void *qk, int n, float *y, size_t ldy);
#if defined(__x86_64__)
void vs_quantize_q8k_avx512(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk);
void vs_quantize_tokens_avx512(const float *x, size_t ldx, int cols, int t0, int t1, void *qa);
void vs_matmul_q_avx512(int type, const void *wp, int cols, int r0, int r1, const void *qa, const void *qp, int n,
                        float *y, size_t ldy);
void vs_matmul_f_avx512(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                        const float *x, size_t ldx, int n, float *y, size_t ldy);
void vs_dequantize_row_avx512(int type, const void *row, float *out, int cols);
void vs_matmul_q_avx2(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                      const void *qa, int n, float *y, size_t ldy);
/// Q4_K weights packed by vs_q4k_pack (q4k_packed.c) × Q8_K activations, rows [r0, r1) (r0 a multiple
/// of 16): tokens below `gemm_end` in llama.cpp's gemm order, the others in its gemv order.
void vs_matmul_q4k_packed_avx512(const void *wp, int cols, int r0, int r1, const void *qk, int n, int gemm_end,
                                 float *y, size_t ldy);
/// Q6_K weights packed by vs_q6k_pack (q6k_packed.c) × Q8_K activations, rows [r0, r1) (r0 a multiple
/// of 16): llama.cpp's tiled order when `tiled`, its ggml_vec_dot order otherwise.
void vs_matmul_q6k_packed_avx512(const void *wp, int cols, int r0, int r1, const void *qk, int n, int tiled,
                                 float *y, size_t ldy);
void vs_matmul_k_avx512(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                        const void *qk, int n, float *y, size_t ldy);
void vs_matmul_k_avx2(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                      const void *qk, int n, float *y, size_t ldy);
void vs_matmul_f_avx2(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                      const float *x, size_t ldx, int n, float *y, size_t ldy);
#endif
#endif

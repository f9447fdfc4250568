// AVX-512 VNNI matmul of Q4_0, Q4_1, Q5_0 and Q8_0 weights with 8-bit activations, in llama.cpp's exact
// floating-point order.
//
// llama.cpp's CPU backend (ggml_vec_dot_q4_1_q8_1 and friends, x86) computes one output as:
//
//     for each block b of 32:   g_i = Σ_{j=4i}^{4i+3} w_j·q_j   (8 integer lanes, exact)
//                               acc_i = fma(d_w·d_x, (float)g_i, acc_i)
//     y = hsum8(acc) (+ Σ_b m_b·s_b for Q4_1, summed in order)
//     hsum8(a) = ((a4 + a0) + (a6 + a2)) + ((a5 + a1) + (a7 + a3))
//
// Every rounding of that is kept here, so the engine's numbers are llama.cpp's bits; the speed comes
// from doing it for two rows at once in one 512-bit register and reusing each weight register for up
// to three tokens.
//
// Weights are repacked once (at model load, vs_pack_weights), laid out for this kernel: rows in groups
// of 8 (4 pairs a, b), and per group and block:
//   per pair  Q4: 32 bytes P = qa[0:4] qb[0:4] qa[4:8] qb[4:8] … qb[12:16] (the nibble bytes), f16 da, db
//             Q8_0: 64 bytes P = (qa[0:4] qb[0:4] … qb[28:32]) + 128, f16 da, db
//             Q5_0: as Q8_0, with the 5-bit codes (q + 16, unpacked from qs and qh) in place of q + 128
//   then      Q4_1: f16 m[8]
// so that u = P with its low nibbles in bytes 0-31 and high nibbles in 32-63 (Q8_0, Q5_0: P itself) gives, in
// 32-bit lane l, row (l & 1)'s elements 4(l>>1) + 16(l>=8) … +3: lane l = ggml's g_i of row a (even l)
// or b (odd l), i = (l>>1) mod 4 + 4(l>=8). The activations are packed to match (vs_pack_activations),
// and one broadcast of the 32-bit pair (da, db) converted from F16 is the lanes' weight scales.
//
// The packed form has the GGUF blocks' size, but for Q5_0 (34 bytes per 32 weights where the file has 22).
// ggml_vec_dot_q5_0_q8_0 sums like Q4_0's and Q8_0's (8 lanes of 4 products, fma(d_w·d_x, lane, acc),
// hsum_float_8), so the same kernel gives its bits.
//
// Weights are fed as unsigned bytes u = w + off (off = 0 for Q4_1, 8 for Q4_0, 16 for Q5_0, 128 for Q8_0), and each
// lane starts from −off·Σq over its four activations, so the integer lane is exactly Σ w·q.
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"
#include "internal.h"
#include "kpacked.h"

/// Packed activations per token: per block 64 bytes (q[0:4] twice, q[4:8] twice, … q[12:16] twice,
/// then the same for q[16:32]), then f32 d[nb], f32 s[nb], padded to 64 bytes.
static inline size_t act_bytes(int cols) {
    size_t nb = (size_t)cols / 32;
    return nb * 64 + ((nb * 8 + 63) & ~(size_t)63);
}

size_t vs_packed_act_token_bytes(int cols) { return act_bytes(cols); }

void vs_pack_activations(const void *qa, int cols, int t0, int t1, int n, void *packed) {
    (void)n;
    size_t stride = vs_qact_bytes(cols), pstride = act_bytes(cols);
    int nb = cols / 32;
    for (int t = t0; t < t1; t++) {
        const char *tok = (const char *)qa + (size_t)t * stride;
        char *out = (char *)packed + (size_t)t * pstride;
        for (int b = 0; b < nb; b++) {
            const int8_t *q = qa_qs(tok) + (size_t)b * 32;
            char *o = out + (size_t)b * 64;
            for (int half = 0; half < 2; half++)
                for (int g = 0; g < 4; g++) {
                    memcpy(o + half * 32 + g * 8, q + half * 16 + g * 4, 4);
                    memcpy(o + half * 32 + g * 8 + 4, q + half * 16 + g * 4, 4);
                }
        }
        memcpy(out + (size_t)nb * 64, qa_d(tok, cols), (size_t)nb * 4);
        memcpy(out + (size_t)nb * 68, qa_s(tok, cols), (size_t)nb * 4);
    }
}

static inline size_t block_bytes(int type) { return (size_t)vs_weight_type(type)->bytes; }
/// Q8_0 and Q5_0 keep one byte per weight, Q4_0 and Q4_1 the nibbles; then the pair's two f16 scales.
static inline int byte_codes(int type) { return type == VS_Q8_0 || type == VS_Q5_0; }
static inline size_t pair_bytes(int type) { return byte_codes(type) ? 68 : 36; }
/// Bytes of one block of one group of 8 rows.
static inline size_t group_block_bytes(int type) { return 4 * pair_bytes(type) + (type == VS_Q4_1 ? 16 : 0); }

int vs_pack_group_rows(int type) { return type == VS_Q4_K || type == VS_Q6_K ? KP_ROWS : 8; }

size_t vs_packed_weight_bytes(int type, int rows, int cols) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info || !info->packs) return 0;
    if (type == VS_Q4_K) return vs_llamacpp_repacks(type, rows) ? vs_q4k_packed_bytes(rows, cols) : 0;
    if (type == VS_Q6_K) return vs_q6k_packed_bytes(rows, cols);
    return (size_t)((rows + 7) / 8) * (size_t)(cols / 32) * group_block_bytes(type);
}

/// The unsigned codes u = q + off of one Q8_0 or Q5_0 block (dequantize_row_q5_0's element order).
static void unpack_codes(int type, const uint8_t *block, uint8_t u[32]) {
    if (type == VS_Q8_0) {
        for (int j = 0; j < 32; j++) u[j] = block[2 + j] ^ 0x80;
        return;
    }
    const block_q5_0 *x = (const block_q5_0 *)block;
    uint32_t qh;
    memcpy(&qh, x->qh, 4);
#pragma clang loop unroll(full)   // constant shifts (model load packs every Q5_0 block)
    for (int j = 0; j < 16; j++) {
        u[j] = (uint8_t)((x->qs[j] & 0x0F) | ((qh >> j) & 1) << 4);
        u[j + 16] = (uint8_t)((x->qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4);
    }
}

void vs_pack_weights(int type, const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out) {
    if (type == VS_Q4_K) { vs_q4k_pack(w, row_bytes, rows, cols, g0, g1, out); return; }
    if (type == VS_Q6_K) { vs_q6k_pack(w, row_bytes, rows, cols, g0, g1, out); return; }
    const int nb = cols / 32;
    const size_t bb = block_bytes(type), gbb = group_block_bytes(type), pb = pair_bytes(type);
    static const uint8_t zero_block[34] = { 0 };   // (Q5_0: codes 0, d = 0)
    for (int g = g0; g < g1; g++) {
        char *group = (char *)out + (size_t)g * nb * gbb;
        for (int b = 0; b < nb; b++) {
            char *o = group + (size_t)b * gbb;
            const uint8_t *blk[8];
            for (int r = 0; r < 8; r++) {
                int row = g * 8 + r;
                blk[r] = row < rows ? (const uint8_t *)w + (size_t)row * row_bytes + (size_t)b * bb : zero_block;
            }
            for (int p = 0; p < 4; p++) {
                const uint8_t *a = blk[2 * p], *c = blk[2 * p + 1];
                uint8_t *pp = (uint8_t *)o + p * pb;
                if (byte_codes(type)) {
                    uint8_t ua[32], uc[32];
                    unpack_codes(type, a, ua);
                    unpack_codes(type, c, uc);
                    for (int k = 0; k < 8; k++)
                        for (int i = 0; i < 4; i++) {
                            pp[8 * k + i] = ua[4 * k + i];
                            pp[8 * k + 4 + i] = uc[4 * k + i];
                        }
                    memcpy(pp + 64, a, 2);
                    memcpy(pp + 66, c, 2);
                } else {
                    const int qoff = type == VS_Q4_1 ? 4 : 2;
                    for (int k = 0; k < 4; k++) {
                        memcpy(pp + 8 * k, a + qoff + 4 * k, 4);
                        memcpy(pp + 8 * k + 4, c + qoff + 4 * k, 4);
                    }
                    memcpy(pp + 32, a, 2);
                    memcpy(pp + 34, c, 2);
                }
            }
            if (type == VS_Q4_1)
                for (int r = 0; r < 8; r++) memcpy(o + 4 * pb + 2 * r, blk[r] + 2, 2);
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))

static inline int type_offset(int type) { return type == VS_Q4_1 ? 0 : type == VS_Q4_0 ? 8 : type == VS_Q5_0 ? 16 : 128; }

/// One group of 8 rows × T tokens; y gets rows [0, valid).
INLINE TGT void kernel(const int type, const int T, int nb, const char *group,
                       const char *a, size_t astride, float *y, size_t ldy, int valid) {
    const int off = type_offset(type);
    const size_t gbb = group_block_bytes(type), pb = pair_bytes(type);
    __m512 acc[4][3];
    __m256 summ[3];
    for (int p = 0; p < 4; p++) for (int t = 0; t < T; t++) acc[p][t] = _mm512_setzero_ps();
    for (int t = 0; t < T; t++) summ[t] = _mm256_setzero_ps();
    const float *dx[3], *sx[3];
    for (int t = 0; t < T; t++) {
        dx[t] = (const float *)(a + (size_t)t * astride + (size_t)nb * 64);
        sx[t] = dx[t] + nb;
    }
    const __m512i offsets = _mm512_set1_epi8((char)off), nibble = _mm512_set1_epi8(0x0F);
    for (int b = 0; b < nb; b++) {
        const char *blk = group + (size_t)b * gbb;
        __m512i X[3], N[3];
        for (int t = 0; t < T; t++) {
            X[t] = _mm512_load_si512((const void *)(a + (size_t)t * astride + (size_t)b * 64));
            N[t] = off ? _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offsets, X[t]))
                       : _mm512_setzero_si512();
        }
        for (int p = 0; p < 4; p++) {
            const char *pp = blk + p * pb;
            __m512i u;
            if (byte_codes(type)) {
                u = _mm512_loadu_si512((const void *)pp);
            } else {
                __m512i P = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)pp));
                u = _mm512_and_si512(_mm512_mask_srli_epi16(P, (__mmask32)0xFFFF0000u, P, 4), nibble);
            }
            int32_t scales;
            memcpy(&scales, pp + pair_bytes(type) - 4, 4);
            const __m512 dw = _mm512_cvtph_ps(_mm256_set1_epi32(scales));   // da db da db …
            for (int t = 0; t < T; t++) {
                __m512 lanes = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(N[t], u, X[t]));
                __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(dx[t][b]));
                acc[p][t] = _mm512_fmadd_ps(d, lanes, acc[p][t]);
            }
        }
        if (type == VS_Q4_1) {
            // m·s is exact (two F16 values), so fma = ggml's add of the product.
            __m256 m = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(blk + 4 * pb)));
            for (int t = 0; t < T; t++) summ[t] = _mm256_fmadd_ps(m, _mm256_set1_ps(sx[t][b]), summ[t]);
        }
    }
    for (int t = 0; t < T; t++) {
        float s[8], out[8];
        _mm256_storeu_ps(s, summ[t]);
        for (int p = 0; p < 4; p++) {
            // ggml's hsum_float_8 for row a (even lanes: g0..g3 in lanes 0 2 4 6, g4..g7 in 8 10 12 14)
            // and row b (odd lanes) at once; additions commute, so operand order changes nothing.
            __m512 v = acc[p][t];
            v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));   // g_i + g_i+4
            v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));   // (g0+g4) + (g2+g6), …
            v = _mm512_add_ps(v, _mm512_shuffle_ps(v, v, _MM_SHUFFLE(1, 0, 3, 2)));      // … + ((g1+g5) + (g3+g7))
            float lanes[16];
            _mm512_storeu_ps(lanes, v);
            out[2 * p] = lanes[0];
            out[2 * p + 1] = lanes[1];
        }
        if (type == VS_Q4_1) for (int r = 0; r < valid; r++) y[(size_t)t * ldy + r] = out[r] + s[r];
        else if (valid == 8) _mm256_storeu_ps(y + (size_t)t * ldy, _mm256_loadu_ps(out));   // (the loop would be a memcpy call)
        else for (int r = 0; r < valid; r++) y[(size_t)t * ldy + r] = out[r];
    }
}

#define KERNEL_T(TYPE) \
    switch (T) { \
    case 1: kernel(TYPE, 1, nb, group, a, astride, y, ldy, valid); break; \
    case 2: kernel(TYPE, 2, nb, group, a, astride, y, ldy, valid); break; \
    default: kernel(TYPE, 3, nb, group, a, astride, y, ldy, valid); break; \
    }

TGT __attribute__((noinline)) static void run_kernel(int type, int T, int nb, const char *group,
                                                     const char *a, size_t astride, float *y, size_t ldy, int valid) {
    if (type == VS_Q4_1) { KERNEL_T(VS_Q4_1) }
    else if (type == VS_Q4_0) { KERNEL_T(VS_Q4_0) }
    else if (type == VS_Q5_0) { KERNEL_T(VS_Q5_0) }
    else { KERNEL_T(VS_Q8_0) }
}

/// Rows [r0, r1) (r0 a multiple of 8) × n tokens of packed activations `qp` (vs_pack_activations),
/// from weights packed by vs_pack_weights.
TGT void vs_matmul_q_avx512(int type, const void *wp, int cols, int r0, int r1, const void *qp, int n, float *y, size_t ldy) {
    const int nb = cols / 32;
    const size_t astride = act_bytes(cols), gstride = (size_t)nb * group_block_bytes(type);
    // Token blocks whose packed activations stay in L2 while the weight groups pass over them.
    int block = (int)((256 * 1024) / astride);
    block = block < 3 ? 3 : block > 255 ? 255 : block - block % 3;
    for (int b0 = 0; b0 < n; b0 += block) {
        int bn = n - b0 < block ? n - b0 : block;
        for (int q = r0; q < r1; q += 8) {
            int valid = r1 - q < 8 ? r1 - q : 8;
            const char *group = (const char *)wp + (size_t)(q / 8) * gstride;
            for (int t0 = b0; t0 < b0 + bn; t0 += 3) {
                int T = b0 + bn - t0 < 3 ? b0 + bn - t0 : 3;
                run_kernel(type, T, nb, group, (const char *)qp + (size_t)t0 * astride, astride,
                           y + (size_t)t0 * ldy + q, ldy, valid);
            }
        }
    }
}
#endif

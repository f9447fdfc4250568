// Q6_K weights repacked for the AVX-512 VNNI kernel: 16 rows side by side, as q4k_packed.c does for
// Q4_K, in the file's own bits (low nibbles and high 2-bit pairs apart, so decode steps stream no more
// bytes than the GGUF holds). llama.cpp does not repack Q6_K, so its float order is that of
// ggml_vec_dot_q6_K_q8_K below 8 tokens and of the tiled matmul from 8 (kquants.h):
//   KQ_MODE_VEC    8 integer lanes l (columns 4l…4l+3 of every 32), lane_l = Σ sc·q·x − 32·Σ sc·bsum
//                  over elements 32l…32l+31, acc_l = fma(d_x·d_w, lane_l, acc_l), y = hsum_float_8(acc)
//   KQ_MODE_TILED  one Σ = Σ sc·(q − 32)·x per 256-block, y = fma(float(Σ)·d_w, d_x, y)
// Each 4-code product pair goes through vpmaddubsw (u8·s8, pairs exact in int16: 2·63·127 < 2^15) and
// vpdpwssd against the sub-block's scale, so a 32-bit lane holds one row's scaled sum.
//
// Element 128h + 32kk + 4j + k of a row is the nibble kk/2 of ql[64h + 32(kk%2) + 4j + k] with the bits
// 2kk…2kk+1 of qh[32h + 4j + k] above it (dequantize_row_q6_K). Its ggml lane is j. Layout, per group
// of 16 rows (the last one padded with zero rows) and per 256-block, 3392 bytes, the codes in the
// order the kernels read them (one sequential stream for the prefetchers):
//   codes [j 0..7][h 0..1][part 0..2][row 0..15][k 0..3]  part a < 2: byte ql[64h + 32a + 4j + k] of
//         the row; part 2: byte qh[32h + 4j + k]
//   sc  [i 0..7][row][e 0..1]  the int8 scale of sub-block (of 16) 2i + e
//   d   [row] f32
#include "CKernels.h"
#include "internal.h"
#include "kquants.h"
#include "kpacked.h"

#define Q6KP_ROWS KP_ROWS
#define Q6KP_SC 3072
#define Q6KP_D (Q6KP_SC + 16 * Q6KP_ROWS)
#define Q6KP_BLOCK (Q6KP_D + 4 * Q6KP_ROWS)

size_t vs_q6k_packed_bytes(int rows, int cols) {
    return (size_t)((rows + Q6KP_ROWS - 1) / Q6KP_ROWS) * (size_t)(cols / 256) * Q6KP_BLOCK;
}

void vs_q6k_pack(const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out) {
    static const block_q6_K zero;   // padding: codes and scales 0 give 0
    const int nb = cols / 256;
    for (int g = g0; g < g1; g++)
        for (int b = 0; b < nb; b++) {
            uint8_t *o = (uint8_t *)out + ((size_t)g * nb + b) * Q6KP_BLOCK;
            for (int r = 0; r < Q6KP_ROWS; r++) {
                const int row = g * Q6KP_ROWS + r;
                const block_q6_K *x = row < rows ? (const block_q6_K *)((const char *)w + (size_t)row * row_bytes) + b : &zero;
                for (int j = 0; j < 8; j++)
                    for (int h = 0; h < 2; h++) {
                        uint8_t *line = o + (j * 2 + h) * 3 * 64 + r * 4;
                        memcpy(line, x->ql + 64 * h + 4 * j, 4);
                        memcpy(line + 64, x->ql + 64 * h + 32 + 4 * j, 4);
                        memcpy(line + 128, x->qh + 32 * h + 4 * j, 4);
                    }
                for (int s = 0; s < 16; s++) o[Q6KP_SC + (s / 2) * 2 * Q6KP_ROWS + 2 * r + s % 2] = (uint8_t)x->scales[s];
                ((float *)(o + Q6KP_D))[r] = vs_half_to_float(x->d);
            }
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define Q6KP_INLINE static inline __attribute__((always_inline))

/// The scales of sub-blocks 2i and 2i + 1 as an int16 pair per row: with the activations' 16-sums
/// bsum[2i], bsum[2i + 1] as the other pair, vpdpwssd gives Σ sc·bsum over elements 32i…32i+31.
Q6KP_INLINE TGT __m512i q6kp_scale_couple(const uint8_t *blk, int i) {
    return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(blk + Q6KP_SC + i * 2 * Q6KP_ROWS)));
}

/// Sub-block 2i + e's scales as int16 pairs (sc, sc) per row, from the couple: the second operand of
/// vpdpwssd against the codes' products.
Q6KP_INLINE TGT __m512i q6kp_scale_pairs(__m512i couple, int e) {
    // vpshufb indexes bytes within each 128-bit lane: dword k's int16 e is bytes 4k + 2e, 4k + 2e + 1.
    const __m128i low = _mm_setr_epi8(0, 1, 0, 1, 4, 5, 4, 5, 8, 9, 8, 9, 12, 13, 12, 13);
    const __m128i high = _mm_setr_epi8(2, 3, 2, 3, 6, 7, 6, 7, 10, 11, 10, 11, 14, 15, 14, 15);
    return _mm512_shuffle_epi8(couple, _mm512_broadcast_i32x4(e ? high : low));
}

/// 32·Σ sc·bsum over elements 32l…32l+31 of one token, per row: the −32 of the codes taken out.
Q6KP_INLINE TGT __m512i q6kp_bias(__m512i couple, int l, const int16_t *bs) {
    int32_t pair;
    memcpy(&pair, bs + 2 * l, 4);
    return _mm512_slli_epi32(_mm512_dpwssd_epi32(_mm512_setzero_si512(), couple, _mm512_set1_epi32(pair)), 5);
}

/// Four activations (bytes 4J…4J+3) broadcast to every row's lane.
Q6KP_INLINE TGT __m512i q6kp_x4(const int8_t *x, int J) {
    int32_t v;
    memcpy(&v, x + 4 * J, 4);
    return _mm512_set1_epi32(v);
}

/// The codes of elements 128h + 32kk + 4j … +3 of the 16 rows, kk = 0…3: a low nibble from ql with
/// two bits of qh above it.
Q6KP_INLINE TGT void q6kp_codes(const uint8_t *blk, int h, int j, __m512i codes[4]) {
    const __m512i low4 = _mm512_set1_epi8(0x0F), high2 = _mm512_set1_epi8(0x30);
    const uint8_t *line = blk + (j * 2 + h) * 3 * 64;
    const __m512i a0 = _mm512_load_si512((const void *)line);
    const __m512i a1 = _mm512_load_si512((const void *)(line + 64));
    const __m512i qh = _mm512_load_si512((const void *)(line + 128));
    // (A & B) | C: the 16-bit shifts move no foreign bit into the bits kept.
    codes[0] = _mm512_ternarylogic_epi32(_mm512_slli_epi16(qh, 4), high2, _mm512_and_si512(a0, low4), 0xEA);
    codes[1] = _mm512_ternarylogic_epi32(_mm512_slli_epi16(qh, 2), high2, _mm512_and_si512(a1, low4), 0xEA);
    codes[2] = _mm512_ternarylogic_epi32(qh, high2, _mm512_and_si512(_mm512_srli_epi16(a0, 4), low4), 0xEA);
    codes[3] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(qh, 2), high2, _mm512_and_si512(_mm512_srli_epi16(a1, 4), low4), 0xEA);
}

/// One group of 16 rows × one token in ggml_vec_dot_q6_K_q8_K's order. Lane by lane: lane j takes
/// elements 128h + 32kk + 4j … +3 (h, kk = 0…3), so one integer accumulator is live at a time and the
/// sub-block scales of the four lanes of a half stay in registers.
Q6KP_INLINE TGT void q6kp_vec(const uint8_t *group, int nb, const char *tok, int cols, float *y, int valid) {
    __m512 acc[8];
    for (int l = 0; l < 8; l++) acc[l] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = group + (size_t)b * Q6KP_BLOCK;
        const int8_t *x = q8k_qs(tok) + 256 * b;
        const int16_t *bs = q8k_bsums(tok, cols) + 16 * b;
        const __m512 d = _mm512_mul_ps(_mm512_set1_ps(q8k_d(tok, cols)[b]), _mm512_loadu_ps((const float *)(blk + Q6KP_D)));
        for (int half = 0; half < 2; half++) {   // lanes j = 4·half … 4·half + 3: sub-blocks 8h + 2kk + half
            __m512i pairs[2][4];
            for (int h = 0; h < 2; h++)
                for (int kk = 0; kk < 4; kk++) pairs[h][kk] = q6kp_scale_pairs(q6kp_scale_couple(blk, 4 * h + kk), half);
            for (int j = 4 * half; j < 4 * half + 4; j++) {
                __m512i lane[2];
                for (int h = 0; h < 2; h++) {
                    __m512i codes[4];
                    q6kp_codes(blk, h, j, codes);
                    lane[h] = _mm512_setzero_si512();
                    for (int kk = 0; kk < 4; kk++)
                        lane[h] = _mm512_dpwssd_epi32(lane[h], _mm512_maddubs_epi16(codes[kk], q6kp_x4(x, 32 * h + 8 * kk + j)), pairs[h][kk]);
                }
                const __m512i v = _mm512_sub_epi32(_mm512_add_epi32(lane[0], lane[1]), q6kp_bias(q6kp_scale_couple(blk, j), j, bs));
                acc[j] = _mm512_fmadd_ps(d, _mm512_cvtepi32_ps(v), acc[j]);
            }
        }
    }
    // hsum_float_8: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)), for 16 rows at once.
    const __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[4]), _mm512_add_ps(acc[2], acc[6])),
                                     _mm512_add_ps(_mm512_add_ps(acc[1], acc[5]), _mm512_add_ps(acc[3], acc[7])));
    _mm512_mask_storeu_ps(y, (__mmask16)((1u << valid) - 1), sum);
}

/// One group of 16 rows × T tokens (T ≤ 4) in the tiled matmul's order.
Q6KP_INLINE TGT void q6kp_tiled(const int T, const uint8_t *group, int nb, const char *tok, size_t stride, int cols,
                                float *y, size_t ldy, int valid) {
    __m512 out[4];
    for (int i = 0; i < T; i++) out[i] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = group + (size_t)b * Q6KP_BLOCK;
        const int8_t *x[4];
        __m512i sum[4];
        for (int i = 0; i < T; i++) {
            x[i] = q8k_qs(tok + (size_t)i * stride) + 256 * b;
            sum[i] = _mm512_setzero_si512();
        }
        for (int half = 0; half < 2; half++) {   // in the layout's order: j, then h
            __m512i pairs[2][4];
            for (int h = 0; h < 2; h++)
                for (int kk = 0; kk < 4; kk++) pairs[h][kk] = q6kp_scale_pairs(q6kp_scale_couple(blk, 4 * h + kk), half);
            for (int j = 4 * half; j < 4 * half + 4; j++)
                for (int h = 0; h < 2; h++) {
                    __m512i codes[4];
                    q6kp_codes(blk, h, j, codes);
                    for (int kk = 0; kk < 4; kk++)
                        for (int i = 0; i < T; i++)
                            sum[i] = _mm512_dpwssd_epi32(sum[i], _mm512_maddubs_epi16(codes[kk], q6kp_x4(x[i], 32 * h + 8 * kk + j)), pairs[h][kk]);
                }
        }
        // Σ sc·(q − 32)·x = Σ sc·q·x − 32·Σ sc·bsum.
        const __m512 dw = _mm512_loadu_ps((const float *)(blk + Q6KP_D));
        __m512i couples[8];
        for (int l = 0; l < 8; l++) couples[l] = q6kp_scale_couple(blk, l);
        for (int i = 0; i < T; i++) {
            const char *t = tok + (size_t)i * stride;
            const int16_t *bs = q8k_bsums(t, cols) + 16 * b;
            __m512i v = sum[i];
            for (int l = 0; l < 8; l++) v = _mm512_sub_epi32(v, q6kp_bias(couples[l], l, bs));
            const __m512 r = _mm512_mul_ps(_mm512_cvtepi32_ps(v), dw);
            out[i] = _mm512_fmadd_ps(r, _mm512_set1_ps(q8k_d(t, cols)[b]), out[i]);
        }
    }
    const __mmask16 keep = (__mmask16)((1u << valid) - 1);
    for (int i = 0; i < T; i++) _mm512_mask_storeu_ps(y + (size_t)i * ldy, keep, out[i]);
}

/// kp_tile: the tiled order when `tiled`, ggml_vec_dot's (token by token) otherwise.
TGT __attribute__((noinline)) static void q6kp_tile(int T, const uint8_t *group, int nb, const char *tok, size_t stride,
                                                    int cols, int t0, int tiled, float *y, size_t ldy, int valid) {
    (void)t0;
    if (!tiled) {
        for (int i = 0; i < T; i++) q6kp_vec(group, nb, tok + (size_t)i * stride, cols, y + (size_t)i * ldy, valid);
        return;
    }
    switch (T) {
    case 1: q6kp_tiled(1, group, nb, tok, stride, cols, y, ldy, valid); return;
    case 2: q6kp_tiled(2, group, nb, tok, stride, cols, y, ldy, valid); return;
    case 3: q6kp_tiled(3, group, nb, tok, stride, cols, y, ldy, valid); return;
    default: q6kp_tiled(4, group, nb, tok, stride, cols, y, ldy, valid); return;
    }
}

TGT void vs_matmul_q6k_packed_avx512(const void *wp, int cols, int r0, int r1, const void *qk, int n, int tiled,
                                     float *y, size_t ldy) {
    kp_matmul(q6kp_tile, Q6KP_BLOCK, wp, cols, r0, r1, qk, n, tiled, y, ldy);
}
#endif

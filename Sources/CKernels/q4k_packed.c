// Q4_K weights repacked for the AVX-512 VNNI kernel: 16 rows side by side, so that one vpdpbusd
// multiplies 4 codes of each of 16 rows by the same 4 activations (broadcast) and every 32-bit lane
// is one row's sum. No lane ever needs a horizontal add; the scales and the float steps then run on
// 16 rows at once. Only the matrices llama.cpp repacks (rows a multiple of 8) are packed, so the float
// order is that of its ggml_gemm_q4_K_8x8_q8_K / ggml_gemv_q4_K_8x8_q8_K, as kquants.h writes it out
// (KQ_MODE_GEMM: per 64 elements, acc = fma(Σ, d_w·d_x, acc), accm = fma(Σm, dmin_w·d_x, accm);
// KQ_MODE_GEMV: the same per 256-block; y = acc − accm), and the results are those bits.
//
// Layout, per group of 16 rows (the last one padded with zero rows) and per 256-block, 2432 bytes in
// the order the kernel reads them (one sequential stream for the prefetchers):
//   d [row] f32, dmin [row] f32                   the block's F16 scales, converted
//   per chunk c 0..3 of 64 elements:
//     sc [e 0..1][row], m [e 0..1][row]           6-bit scale and minimum of sub-block 2c + e
//     codes [j 0..7][row 0..15][k 0..3]           byte qs[32c + 4j + k] of the row (two nibbles: the low
//                                                 one is element 64c + 4j + k, in sub-block 2c; the high
//                                                 one element 64c + 32 + 4j + k, in 2c + 1)
#include "CKernels.h"
#include "internal.h"
#include "kquants.h"
#include "kpacked.h"

#define Q4KP_ROWS KP_ROWS
#define Q4KP_CHUNK (64 + 8 * 64)          // a chunk's scales and minimums, then its codes
#define Q4KP_HEAD (2 * 4 * Q4KP_ROWS)     // d, dmin
#define Q4KP_BLOCK (Q4KP_HEAD + 4 * Q4KP_CHUNK)

size_t vs_q4k_packed_bytes(int rows, int cols) {
    return (size_t)((rows + Q4KP_ROWS - 1) / Q4KP_ROWS) * (size_t)(cols / 256) * Q4KP_BLOCK;
}

void vs_q4k_pack(const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out) {
    const int nb = cols / 256;
    for (int g = g0; g < g1; g++)
        for (int b = 0; b < nb; b++) {
            uint8_t *o = (uint8_t *)out + ((size_t)g * nb + b) * Q4KP_BLOCK;
            float *d = (float *)o, *dmin = d + Q4KP_ROWS;
            for (int r = 0; r < Q4KP_ROWS; r++) {
                const int row = g * Q4KP_ROWS + r;
                static const block_q4_K zero;   // padding: codes, scales and minimums 0 give 0
                const block_q4_K *x = row < rows ? (const block_q4_K *)((const char *)w + (size_t)row * row_bytes) + b : &zero;
                for (int c = 0; c < 4; c++) {
                    uint8_t *chunk = o + Q4KP_HEAD + c * Q4KP_CHUNK;
                    for (int e = 0; e < 2; e++) {
                        int scale, min;
                        kq_scale_min(2 * c + e, x->scales, &scale, &min);
                        chunk[e * Q4KP_ROWS + r] = (uint8_t)scale;
                        chunk[(2 + e) * Q4KP_ROWS + r] = (uint8_t)min;
                    }
                    for (int j = 0; j < 8; j++) memcpy(chunk + 64 + j * 64 + r * 4, x->qs + 32 * c + 4 * j, 4);
                }
                d[r] = vs_half_to_float(x->d);
                dmin[r] = vs_half_to_float(x->dmin);
            }
        }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define Q4KP_INLINE static inline __attribute__((always_inline))

/// One group of 16 rows × T tokens (T ≤ 4) from `tok` (token stride `stride`); token i sums in
/// llama.cpp's gemm order when `gemm[i]`, in its gemv order otherwise. y gets rows [0, valid).
Q4KP_INLINE TGT void q4kp_kernel(const int T, const uint8_t *group, int nb, const char *tok, size_t stride, int cols,
                                 const int *gemm, float *y, size_t ldy, int valid) {
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    __m512 acc[4], accm[4];
    for (int i = 0; i < T; i++) { acc[i] = _mm512_setzero_ps(); accm[i] = _mm512_setzero_ps(); }
    for (int b = 0; b < nb; b++) {
        const uint8_t *blk = group + (size_t)b * Q4KP_BLOCK;
        const __m512 dw = _mm512_load_ps((const float *)blk);
        const __m512 dminw = _mm512_load_ps((const float *)blk + Q4KP_ROWS);
        const int8_t *x[4];
        const int16_t *bs[4];
        __m512 scale[4], scale_min[4];
        __m512i isum[4], msum[4];
        for (int i = 0; i < T; i++) {
            const char *t = tok + (size_t)i * stride;
            x[i] = q8k_qs(t) + 256 * b;
            bs[i] = q8k_bsums(t, cols) + 16 * b;
            const __m512 dx = _mm512_set1_ps(q8k_d(t, cols)[b]);
            scale[i] = _mm512_mul_ps(dw, dx);
            scale_min[i] = _mm512_mul_ps(dminw, dx);
            isum[i] = msum[i] = _mm512_setzero_si512();
        }
        for (int c = 0; c < 4; c++) {
            const uint8_t *chunk = blk + Q4KP_HEAD + c * Q4KP_CHUNK;
            __m512i lo[4], hi[4];
            for (int i = 0; i < T; i++) lo[i] = hi[i] = _mm512_setzero_si512();
            for (int j = 0; j < 8; j++) {
                const __m512i codes = _mm512_load_si512((const void *)(chunk + 64 + j * 64));
                const __m512i low = _mm512_and_si512(codes, nibble);
                const __m512i high = _mm512_and_si512(_mm512_srli_epi16(codes, 4), nibble);
                for (int i = 0; i < T; i++) {
                    int32_t a, e;
                    memcpy(&a, x[i] + 64 * c + 4 * j, 4);
                    memcpy(&e, x[i] + 64 * c + 32 + 4 * j, 4);
                    lo[i] = _mm512_dpbusd_epi32(lo[i], low, _mm512_set1_epi32(a));
                    hi[i] = _mm512_dpbusd_epi32(hi[i], high, _mm512_set1_epi32(e));
                }
            }
            // Σ over the 64 elements of chunk c: the two sub-blocks' sums times their scales, and
            // Σm: the minimums times the activations' 16-sums, per sub-block of 32 (exact integers).
            const __m512i sc_lo = _mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)chunk));
            const __m512i sc_hi = _mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)(chunk + Q4KP_ROWS)));
            const __m512i m_lo = _mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)(chunk + 2 * Q4KP_ROWS)));
            const __m512i m_hi = _mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)(chunk + 3 * Q4KP_ROWS)));
            for (int i = 0; i < T; i++) {
                const __m512i part = _mm512_add_epi32(_mm512_mullo_epi32(lo[i], sc_lo), _mm512_mullo_epi32(hi[i], sc_hi));
                const __m512i mins = _mm512_add_epi32(
                    _mm512_mullo_epi32(m_lo, _mm512_set1_epi32(bs[i][4 * c] + bs[i][4 * c + 1])),
                    _mm512_mullo_epi32(m_hi, _mm512_set1_epi32(bs[i][4 * c + 2] + bs[i][4 * c + 3])));
                if (gemm[i]) {
                    acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(part), scale[i], acc[i]);
                    accm[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(mins), scale_min[i], accm[i]);
                } else {
                    isum[i] = _mm512_add_epi32(isum[i], part);
                    msum[i] = _mm512_add_epi32(msum[i], mins);
                }
            }
        }
        for (int i = 0; i < T; i++)
            if (!gemm[i]) {
                acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[i]), scale[i], acc[i]);
                accm[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(msum[i]), scale_min[i], accm[i]);
            }
    }
    const __mmask16 keep = (__mmask16)((1u << valid) - 1);
    for (int i = 0; i < T; i++) _mm512_mask_storeu_ps(y + (size_t)i * ldy, keep, _mm512_sub_ps(acc[i], accm[i]));
}

/// kp_tile: `gemm_end` is the first token in gemv order.
TGT __attribute__((noinline)) static void q4kp_tile(int T, const uint8_t *group, int nb, const char *tok, size_t stride,
                                                    int cols, int t0, int gemm_end, float *y, size_t ldy, int valid) {
    int gemm[4];
    for (int i = 0; i < T; i++) gemm[i] = t0 + i < gemm_end;
    switch (T) {
    case 1: q4kp_kernel(1, group, nb, tok, stride, cols, gemm, y, ldy, valid); return;
    case 2: q4kp_kernel(2, group, nb, tok, stride, cols, gemm, y, ldy, valid); return;
    case 3: q4kp_kernel(3, group, nb, tok, stride, cols, gemm, y, ldy, valid); return;
    default: q4kp_kernel(4, group, nb, tok, stride, cols, gemm, y, ldy, valid); return;
    }
}

TGT void vs_matmul_q4k_packed_avx512(const void *wp, int cols, int r0, int r1, const void *qk, int n, int gemm_end,
                                     float *y, size_t ldy) {
    kp_matmul(q4kp_tile, Q4KP_BLOCK, wp, cols, r0, r1, qk, n, gemm_end, y, ldy);
}
#endif

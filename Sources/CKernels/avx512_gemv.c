// AVX-512 VNNI matrix-vector kernels for Q4_0, Q4_1 and Q8_0 weights (decode: one to three tokens).
// The weights are read straight from the file's layout, with no packing: each 128-bit chunk of a
// vector holds one block's 16 values; vector g of 16 blocks holds blocks g, g+4, g+8, g+12, so one
// VNNI dot leaves four partial sums per block and a 4×4 transpose-add turns them into lane i = block i,
// the lane order of the packed GEMM (avx512.c). The last blocks that do not fill 16 go in pairs, as in
// the GEMM. Every output element therefore sees the same int32 block sums and the same float operations
// in the same order as in the GEMM, and both sum lanes with vs_hsum4_512: a token's result does not
// depend on the batch it came in (batch invariance). Activations come in the matching order (see
// vs_pack_gemv_activations in pack.c).
#if defined(__x86_64__)
#include <immintrin.h>
#include "CKernels.h"
#include "internal.h"
#include "packed.h"

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))
#include "reduce512.h"

// MARK: Kernels

/// 4×4 transpose-add: lane 4c + g of the result = Σ of chunk c's four lanes of a[g].
INLINE TGT __m512i reduce4(__m512i a0, __m512i a1, __m512i a2, __m512i a3) {
    __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(a0, a1), _mm512_unpackhi_epi32(a0, a1));
    __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(a2, a3), _mm512_unpackhi_epi32(a2, a3));
    return _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23), _mm512_unpackhi_epi64(s01, s23));
}

/// Four blocks' 16-byte runs at `p`, `p + step`, `p + 2step`, `p + 3step` as the chunks of one vector.
INLINE TGT __m512i load4(const char *p, size_t step) {
    __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)p));
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + step)), 1);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 2 * step)), 2);
    return _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 3 * step)), 3);
}

/// One block's 32 values as the GEMM's pair layout holds them: u8 values in order (Q4: the 16 low
/// nibbles, then the 16 high ones; Q8_0: value + 128).
INLINE TGT __m256i block_values(const int TYPE, const char *blk) {
    if (TYPE == VS_Q8_0)
        return _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(blk + 2)), _mm256_set1_epi8((char)0x80));
    const __m128i nib = _mm_set1_epi8(0x0F);
    __m128i q = _mm_loadu_si128((const __m128i *)(blk + (TYPE == VS_Q4_1 ? 4 : 2)));
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), nib), _mm_and_si128(q, nib));
}

/// y[t*ldy + r] for rows [r0, r1) and T tokens. TYPE is a ggml type number (constant per instance).
INLINE TGT void gemv(const int TYPE, const int T, const char *w, size_t row_bytes, int cols, int r0, int r1,
                     const char *act, size_t astride, float *y, size_t ldy) {
    const int nb = cols / 32, groups = vs_groups(cols), pairs = vs_pairs(cols);
    const size_t bb = TYPE == VS_Q4_1 ? 20 : TYPE == VS_Q4_0 ? 18 : 34;
    const size_t qoff = TYPE == VS_Q4_1 ? 4 : 2;
    const __m512i nib = _mm512_set1_epi8(0x0F), flip = _mm512_set1_epi8((char)0x80);
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i index = _mm512_mullo_epi32(lanes, _mm512_set1_epi32((int)bb));
    for (int r = r0; r < r1; r++) {
        const char *row = w + (size_t)r * row_bytes;
        const char *ahead = row + 8 * row_bytes;
        for (size_t off = 0; off < row_bytes; off += 64) _mm_prefetch(ahead + off, _MM_HINT_T0);
        __m512 F[3];
        for (int t = 0; t < T; t++) F[t] = _mm512_setzero_ps();
        for (int s = 0; s < groups; s++) {
            const char *base = row + (size_t)s * 16 * bb;
            __m512i lo[4], hi[4];
            for (int g = 0; g < 4; g++) {
                const char *p = base + (size_t)g * bb + qoff;
                if (TYPE == VS_Q8_0) {
                    lo[g] = _mm512_xor_si512(load4(p, 4 * bb), flip);
                    hi[g] = _mm512_xor_si512(load4(p + 16, 4 * bb), flip);
                } else {
                    __m512i q = load4(p, 4 * bb);
                    lo[g] = _mm512_and_si512(q, nib);
                    hi[g] = _mm512_and_si512(_mm512_srli_epi32(q, 4), nib);
                }
            }
            __m512i dm = _mm512_i32gather_epi32(index, (const void *)base, 1);
            __m512 dw = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(dm));
            __m512 mw = TYPE == VS_Q4_1 ? _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dm, 16))) : dw;
            for (int t = 0; t < T; t++) {
                const char *a = act + (size_t)t * astride + (size_t)s * 704;
                __m512i A[4];
                for (int g = 0; g < 4; g++) {
                    A[g] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo[g], _mm512_load_si512((const void *)(a + g * 128)));
                    A[g] = _mm512_dpbusd_epi32(A[g], hi[g], _mm512_load_si512((const void *)(a + g * 128 + 64)));
                }
                __m512i R = reduce4(A[0], A[1], A[2], A[3]);
                __m512i negsum = _mm512_load_si512((const void *)(a + 576));
                if (TYPE == VS_Q4_0) R = _mm512_add_epi32(R, _mm512_slli_epi32(negsum, 3));
                if (TYPE == VS_Q8_0) R = _mm512_add_epi32(R, _mm512_slli_epi32(negsum, 7));
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(R), _mm512_load_ps((const float *)(a + 512)));
                F[t] = _mm512_fmadd_ps(f, dw, F[t]);
                if (TYPE == VS_Q4_1) F[t] = _mm512_fmadd_ps(mw, _mm512_load_ps((const float *)(a + 640)), F[t]);
            }
        }
        for (int p = 0; p < pairs; p++) {
            // Lanes 0-7: block a's values, scale, minimum; lanes 8-15 block b's (zero past the row).
            const int ba = groups * 16 + 2 * p, has_b = ba + 1 < nb;
            const char *blka = row + (size_t)ba * bb, *blkb = blka + bb;
            __m256i vb = has_b ? block_values(TYPE, blkb) : _mm256_setzero_si256();
            __m512i W = _mm512_inserti64x4(_mm512_castsi256_si512(block_values(TYPE, blka)), vb, 1);
            uint16_t h;
            memcpy(&h, blka, 2);
            float da = vs_half_to_float(h), db = 0, ma = 0, mb = 0;
            if (has_b) { memcpy(&h, blkb, 2); db = vs_half_to_float(h); }
            if (TYPE == VS_Q4_1) {
                memcpy(&h, blka + 2, 2); ma = vs_half_to_float(h);
                if (has_b) { memcpy(&h, blkb + 2, 2); mb = vs_half_to_float(h); }
            }
            __m512 dw = _mm512_insertf32x8(_mm512_set1_ps(da), _mm256_set1_ps(db), 1);
            __m512 mw = _mm512_insertf32x8(_mm512_set1_ps(ma), _mm256_set1_ps(mb), 1);
            for (int t = 0; t < T; t++) {
                const char *a = act + (size_t)t * astride + (size_t)groups * 704 + (size_t)p * 256;
                __m512i I = _mm512_setzero_si512();
                if (TYPE == VS_Q4_0) I = _mm512_slli_epi32(_mm512_load_si512((const void *)(a + 128)), 3);
                if (TYPE == VS_Q8_0) I = _mm512_slli_epi32(_mm512_load_si512((const void *)(a + 128)), 7);
                I = _mm512_dpbusd_epi32(I, W, _mm512_load_si512((const void *)a));
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(I), _mm512_load_ps((const float *)(a + 64)));
                F[t] = _mm512_fmadd_ps(f, dw, F[t]);
                if (TYPE == VS_Q4_1) F[t] = _mm512_fmadd_ps(mw, _mm512_load_ps((const float *)(a + 192)), F[t]);
            }
        }
        float sums[4];
        _mm_storeu_ps(sums, vs_hsum4_512(F[0], F[T > 1 ? 1 : 0], F[T > 2 ? 2 : 0], F[0]));
        for (int t = 0; t < T; t++) y[(size_t)t * ldy + r] = sums[t];
    }
}

#define GEMV_T(TYPE) \
    switch (n) { \
    case 1: gemv(TYPE, 1, w, row_bytes, cols, r0, r1, act, astride, y, ldy); return; \
    case 2: gemv(TYPE, 2, w, row_bytes, cols, r0, r1, act, astride, y, ldy); return; \
    default: gemv(TYPE, 3, w, row_bytes, cols, r0, r1, act, astride, y, ldy); return; \
    }

/// n ≤ 3 tokens; `act` in the GEMV layout (vs_pack_gemv_activations).
TGT void vs_gemv_q_avx512(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const void *act, int n, float *y, size_t ldy) {
    size_t astride = vs_gemv_act_token_bytes(cols);
    if (type == VS_Q4_1) { GEMV_T(VS_Q4_1) }
    if (type == VS_Q4_0) { GEMV_T(VS_Q4_0) }
    GEMV_T(VS_Q8_0)
}
#endif

// AVX-512 VNNI matrix-vector kernels for Q4_0, Q4_1 and Q8_0 weights (decode: one to three tokens).
// The weights are read straight from the file's layout, with no packing: each 128-bit chunk of a
// vector holds one block's 16 values, four blocks per vector, so one VNNI dot leaves four partial
// sums per block; a 4×4 transpose-add per 16 blocks turns them into one lane per block, and the
// per-block scales apply once per 16 blocks. Activations come in the matching order (see vs_pack_gemv_activations in pack.c).
#if defined(__x86_64__)
#include <immintrin.h>
#include "CKernels.h"
#include "internal.h"
#include "packed.h"

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))

// MARK: Kernels

/// 4×4 transpose-add: lane 4c + g of the result = Σ of chunk c's four lanes of a[g].
INLINE TGT __m512i reduce4(__m512i a0, __m512i a1, __m512i a2, __m512i a3) {
    __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(a0, a1), _mm512_unpackhi_epi32(a0, a1));
    __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(a2, a3), _mm512_unpackhi_epi32(a2, a3));
    return _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23), _mm512_unpackhi_epi64(s01, s23));
}

/// Four blocks' 16-byte runs at `p`, `p + bb`, `p + 2bb`, `p + 3bb` as the chunks of one vector.
INLINE TGT __m512i load4(const char *p, size_t bb) {
    __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)p));
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + bb)), 1);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 2 * bb)), 2);
    return _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(p + 3 * bb)), 3);
}

/// The same for the last, partial 16 blocks: runs of blocks at or past `valid` read as zero.
INLINE TGT __m512i load4_partial(const char *p, size_t bb, int first, int valid) {
    __m512i v = _mm512_setzero_si512();
    for (int c = 0; c < 4; c++)
        if (first + c < valid)
            v = _mm512_mask_broadcast_i32x4(v, (__mmask16)(0xF << (4 * c)), _mm_loadu_si128((const __m128i *)(p + c * bb)));
    return v;
}

/// y[t*ldy + r] for rows [r0, r1) and T tokens. TYPE is a ggml type number (constant per instance).
INLINE TGT void gemv(const int TYPE, const int T, const char *w, size_t row_bytes, int cols, int r0, int r1,
                     const char *act, size_t astride, float *y, size_t ldy) {
    const int nb = cols / 32, supers = (nb + 15) / 16;
    const size_t bb = TYPE == VS_Q4_1 ? 20 : TYPE == VS_Q4_0 ? 18 : 34;
    const size_t qoff = TYPE == VS_Q4_1 ? 4 : 2;
    const __m512i nib = _mm512_set1_epi8(0x0F), flip = _mm512_set1_epi8((char)0x80);
    const __m512i lanes = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i index = _mm512_mullo_epi32(lanes, _mm512_set1_epi32((int)bb));
    // The last, partial 16 blocks (576 columns = 16 + 2): its groups of 4 that hold a block, and the
    // lanes of its scales that do.
    const int tail_groups = (nb % 16 + 3) / 4;
    __mmask16 tail_valid = 0;
    for (int L = 0; L < 16; L++) if (4 * (L % 4) + L / 4 < nb % 16) tail_valid |= (__mmask16)(1u << L);
    for (int r = r0; r < r1; r++) {
        const char *row = w + (size_t)r * row_bytes;
        const char *ahead = row + 8 * row_bytes;
        for (size_t off = 0; off < row_bytes; off += 64) _mm_prefetch(ahead + off, _MM_HINT_T0);
        __m512 F[3];
        for (int t = 0; t < T; t++) F[t] = _mm512_setzero_ps();
        for (int s = 0; s < supers; s++) {
            const char *base = row + (size_t)s * 16 * bb;
            const int full = s * 16 + 16 <= nb;
            const int groups = full ? 4 : tail_groups;
            __m512i lo[4], hi[4];
            for (int g = 0; g < 4; g++) {
                if (g >= groups) { lo[g] = hi[g] = _mm512_setzero_si512(); continue; }
                const char *p = base + (size_t)g * 4 * bb + qoff;
                if (TYPE == VS_Q8_0) {
                    lo[g] = _mm512_xor_si512(full ? load4(p, bb) : load4_partial(p, bb, s * 16 + 4 * g, nb), flip);
                    hi[g] = _mm512_xor_si512(full ? load4(p + 16, bb) : load4_partial(p + 16, bb, s * 16 + 4 * g, nb), flip);
                } else {
                    __m512i q = full ? load4(p, bb) : load4_partial(p, bb, s * 16 + 4 * g, nb);
                    lo[g] = _mm512_and_si512(q, nib);
                    hi[g] = _mm512_and_si512(_mm512_srli_epi32(q, 4), nib);
                }
            }
            __mmask16 valid = full ? 0xFFFF : tail_valid;
            __m512i dm = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), valid, index, (const void *)base, 1);
            __m512 dw = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(dm));
            __m512 mw = TYPE == VS_Q4_1 ? _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dm, 16))) : dw;
            for (int t = 0; t < T; t++) {
                const char *a = act + (size_t)t * astride + (size_t)s * 704;
                __m512i A[4];
                for (int g = 0; g < 4; g++) {
                    if (g >= groups) { A[g] = _mm512_setzero_si512(); continue; }
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
        for (int t = 0; t < T; t++) y[(size_t)t * ldy + r] = _mm512_reduce_add_ps(F[t]);
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

// AVX2 + FMA + F16C kernels: the x86-64 fallback for CPUs without AVX-512 VNNI. Integer dot products
// per block of 32 exactly as ggml's x86 vec_dot kernels compute them (maddubs: u8 × s8 pairs, 8 lanes,
// fma(d_w·d_x, lane, acc), hsum_float_8, Q4_1's Σ m·s), on the plain activation layout.
#if defined(__x86_64__)
#include <immintrin.h>
#include "CKernels.h"
#include "internal.h"
#include "kquants.h"
#include "kquants_avx2.h"
#include "fmatmul.h"

#define TGT __attribute__((target("avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))

INLINE TGT float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

INLINE TGT int32_t hsum8_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// Up to 4 tokens per pass so each weight block is unpacked once for all of them. REPACKED: a Q4_0
/// matrix llama.cpp repacks (ggml_gemv/gemm_q4_0_8x8_q8_0): y = fma(Σ block, d_w·d_x, y).
INLINE TGT void rows_q(const int TYPE, const int REPACKED, const int T, const char *w, size_t row_bytes, int cols, int r0, int r1,
                       const char *qa, size_t stride, int t0, float *y, size_t ldy) {
    const int nb = cols / 32;
    const size_t bb = row_bytes / (size_t)nb;
    const __m256i nib = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    for (int r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w + (size_t)r * row_bytes;
        __m256 acc[4];
        float corr[4] = { 0, 0, 0, 0 };
        for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_ps();
        for (int b = 0; b < nb; b++) {
            const uint8_t *blk = row + (size_t)b * bb;
            uint16_t dh; memcpy(&dh, blk, 2);
            float dw = _cvtsh_ss(dh), mw = 0;
            __m256i v;
            if (TYPE == VS_Q8_0) {
                v = _mm256_loadu_si256((const __m256i *)(blk + 2));
            } else if (TYPE == VS_Q5_0 || TYPE == VS_Q5_1) {
                // ggml's bytes_from_nibbles_32 | bytes_from_bits_32(qh) << 4
                const int q5_1 = TYPE == VS_Q5_1;
                uint32_t qh; memcpy(&qh, blk + (q5_1 ? 4 : 2), 4);
                __m128i q = _mm_loadu_si128((const __m128i *)(blk + (q5_1 ? 8 : 6)));
                v = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), nib);
                __m256i bits = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh),
                    _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
                bits = _mm256_cmpeq_epi8(_mm256_or_si256(bits, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe)), _mm256_set1_epi64x(-1));
                v = _mm256_or_si256(v, _mm256_and_si256(bits, _mm256_set1_epi8(0x10)));
                if (TYPE == VS_Q5_0) v = _mm256_sub_epi8(v, _mm256_set1_epi8(16));
                if (q5_1) { uint16_t mh; memcpy(&mh, blk + 2, 2); mw = _cvtsh_ss(mh); }
            } else {
                __m128i q = _mm_loadu_si128((const __m128i *)(blk + (TYPE == VS_Q4_1 ? 4 : 2)));
                v = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), nib);
                if (TYPE == VS_Q4_0) v = _mm256_sub_epi8(v, _mm256_set1_epi8(8));   // signed, as ggml
                if (TYPE == VS_Q4_1) { uint16_t mh; memcpy(&mh, blk + 2, 2); mw = _cvtsh_ss(mh); }
            }
            const int has_min = TYPE == VS_Q4_1 || TYPE == VS_Q5_1;
            const __m256i absw = !has_min ? _mm256_sign_epi8(v, v) : v;
            for (int t = 0; t < T; t++) {
                const char *tok = qa + (size_t)(t0 + t) * stride;
                __m256i x = _mm256_loadu_si256((const __m256i *)(qa_qs(tok) + b * 32));
                if (!has_min) x = _mm256_sign_epi8(x, v);   // move w's sign onto x: |w|·±x
                __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(absw, x), ones);
                float dx = qa_d(tok, cols)[b];
                if (REPACKED) { corr[t] = fmaf((float)hsum8_epi32(p), dw * dx, corr[t]); continue; }
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dw * dx), acc[t]);
                if (has_min) corr[t] += mw * qa_s(tok, cols)[b];
            }
        }
        for (int t = 0; t < T; t++)
            y[(size_t)(t0 + t) * ldy + r] = REPACKED ? corr[t] : TYPE == VS_Q4_1 || TYPE == VS_Q5_1 ? hsum8(acc[t]) + corr[t] : hsum8(acc[t]);
    }
}

#define ROWS_T(TYPE, REPACKED) \
    switch (T) { \
    case 1: rows_q(TYPE, REPACKED, 1, w, row_bytes, cols, c0, c1, qa, stride, t0, y, ldy); break; \
    case 2: rows_q(TYPE, REPACKED, 2, w, row_bytes, cols, c0, c1, qa, stride, t0, y, ldy); break; \
    case 3: rows_q(TYPE, REPACKED, 3, w, row_bytes, cols, c0, c1, qa, stride, t0, y, ldy); break; \
    default: rows_q(TYPE, REPACKED, 4, w, row_bytes, cols, c0, c1, qa, stride, t0, y, ldy); break; \
    }

TGT void vs_matmul_q_avx2(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const void *qa, int n, float *y, size_t ldy) {
    size_t stride = vs_qact_bytes(cols);
    // Rows in chunks of 16 so a chunk's weights stay in L1 while every token passes over them.
    for (int c0 = r0; c0 < r1; c0 += 16) {
        int c1 = c0 + 16 < r1 ? c0 + 16 : r1;
        for (int t0 = 0; t0 < n; t0 += 4) {
            int T = n - t0 < 4 ? n - t0 : 4;
            if (type == VS_Q4_1) { ROWS_T(VS_Q4_1, 0) }
            else if (type == VS_Q4_0 && repacked) { ROWS_T(VS_Q4_0, 1) }
            else if (type == VS_Q4_0) { ROWS_T(VS_Q4_0, 0) }
            else if (type == VS_Q5_0) { ROWS_T(VS_Q5_0, 0) }
            else if (type == VS_Q5_1) { ROWS_T(VS_Q5_1, 0) }
            else { ROWS_T(VS_Q8_0, 0) }
        }
    }
}

/// K-quant rows: kquants.h's float steps compiled for AVX2 + FMA (fmaf becomes one vfmadd), the decoding
/// and integer sums of kquants_avx2.h.
TGT void vs_matmul_k_avx2(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const void *qk, int n, float *y, size_t ldy) {
    kq_matmul_typed(kq_decode_avx2, kq_block_ints_avx2, type, repacked, w, row_bytes, cols, r0, r1, qk, n, y, ldy);
}

TGT static void dequantize_row_avx2(int type, const void *row, float *out, int cols) {
    const uint16_t *h = row;
    if (type == VS_F16 && cols % 8 == 0) {
        for (int c = 0; c < cols; c += 8)
            _mm256_storeu_ps(out + c, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(h + c))));
    } else if (type == VS_BF16 && cols % 8 == 0) {
        for (int c = 0; c < cols; c += 8) {
            __m256i v = _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(h + c))), 16);
            _mm256_storeu_ps(out + c, _mm256_castsi256_ps(v));
        }
    } else {
        vs_dequantize_row_scalar(type, row, out, cols);
    }
}

TGT void vs_matmul_f_avx2(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const float *x, size_t ldx, int n, float *y, size_t ldy) {
    fm_matmul(dequantize_row_avx2, type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
}
#endif

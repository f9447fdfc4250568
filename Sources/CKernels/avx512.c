// AVX-512 (F/BW/VL/DQ + VNNI) kernels. Compiled for every x86-64 target with per-function target
// attributes and only called when the CPU has the features (vs_best_path).
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <string.h>
#include "CKernels.h"
#include "internal.h"
#include "fmatmul.h"

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))

// MARK: Activation quantization

/// vs_quantize_q8k_scalar 16 lanes at a time, the same bits: the largest magnitude by max (a NaN lane
/// never wins, as `a > amax` never holds for one), the first element of that magnitude by a compare
/// mask, q = round-half-even(iscale·x) by vcvtps2dq (the default rounding, as nearbyintf), clamped at
/// 127 and kept as int8 (the 16-sums of what is kept).
TGT void vs_quantize_q8k_avx512(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk) {
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    for (int t = t0; t < t1; t++) {
        const float *xt = x + (size_t)t * ldx;
        const q8k_row row = q8k_row_of(qk, cols, t);
        for (int b = 0; b < cols / 256; b++) {
            const float *v = xt + 256 * b;
            __m512 m = _mm512_setzero_ps();
            for (int i = 0; i < 16; i++) m = _mm512_max_ps(_mm512_and_ps(_mm512_loadu_ps(v + 16 * i), absmask), m);
            const float amax = _mm512_reduce_max_ps(m);
            if (amax == 0) {
                memset(row.qs + 256 * b, 0, 256);
                memset(row.bsums + 16 * b, 0, 32);
                row.d[b] = 0;
                continue;
            }
            const __m512 va = _mm512_set1_ps(amax);
            float max = 0;
            int found = 0, positive = 0;
            for (int i = 0; i < 16; i++) {
                const __m512 vi = _mm512_loadu_ps(v + 16 * i);
                const __mmask16 same = _mm512_cmp_ps_mask(_mm512_and_ps(vi, absmask), va, _CMP_EQ_OQ);
                if (!found && same) { max = v[16 * i + __builtin_ctz(same)]; found = 1; }
                positive |= _mm512_cmp_ps_mask(vi, va, _CMP_EQ_OQ) != 0;
            }
            const float iscale = vs_q8k_iscale(amax, max, positive, t < grouped_end);
            const __m512 vs = _mm512_set1_ps(iscale);
            for (int i = 0; i < 16; i++) {
                __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(vs, _mm512_loadu_ps(v + 16 * i)));
                const __m128i q8 = _mm512_cvtepi32_epi8(_mm512_min_epi32(q, _mm512_set1_epi32(127)));
                _mm_storeu_si128((__m128i *)(row.qs + 256 * b + 16 * i), q8);
                row.bsums[16 * b + i] = (int16_t)_mm512_reduce_add_epi32(_mm512_cvtepi8_epi32(q8));
            }
            row.d[b] = 1 / iscale;
        }
    }
}

TGT void vs_quantize_tokens_avx512(const float *x, size_t ldx, int cols, int t0, int t1, void *qa) {
    size_t stride = vs_qact_bytes(cols);
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    for (int t = t0; t < t1; t++) {
        const float *xt = x + (size_t)t * ldx;
        char *tok = (char *)qa + (size_t)t * stride;
        int8_t *qs = (int8_t *)tok;
        float *ds = (float *)(tok + cols);
        float *ss = (float *)(tok + cols + (size_t)cols / 32 * 4);
        for (int b = 0; b < cols / 32; b++) {
            __m512 v0 = _mm512_loadu_ps(xt + b * 32), v1 = _mm512_loadu_ps(xt + b * 32 + 16);
            __m512 a = _mm512_max_ps(_mm512_and_ps(v0, absmask), _mm512_and_ps(v1, absmask));
            float amax = _mm512_reduce_max_ps(a);
            // Exactly vs_quantize_block's arithmetic (ggml's x86 quantize_row_q8_0/q8_1).
            float d = amax / 127.0f, id = amax != 0 ? 127.0f / amax : 0.0f;
            __m512 vid = _mm512_set1_ps(id);
            __m512 s0 = _mm512_mul_ps(v0, vid), s1 = _mm512_mul_ps(v1, vid);
            __m512i q0 = _mm512_cvtps_epi32(_mm512_roundscale_ps(s0, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m512i q1 = _mm512_cvtps_epi32(_mm512_roundscale_ps(s1, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            _mm_storeu_si128((__m128i *)(qs + b * 32), _mm512_cvtepi32_epi8(q0));
            _mm_storeu_si128((__m128i *)(qs + b * 32 + 16), _mm512_cvtepi32_epi8(q1));
            int32_t sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
            ds[b] = vs_half_round1(d);
            ss[b] = vs_half_round1(d * (float)sum);
        }
    }
}

// MARK: F32, F16 and BF16 weights: converted rows · f32 activations (fmatmul.h)

TGT static void dequantize_row_avx512(int type, const void *row, float *out, int cols) {
    if (type == VS_F16) {
        const uint16_t *h = row;
        for (int c = 0; c < cols; c += 16) {
            __mmask16 m = cols - c >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - c)) - 1);
            _mm512_mask_storeu_ps(out + c, m, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, h + c)));
        }
    } else if (type == VS_BF16) {
        const uint16_t *h = row;
        for (int c = 0; c < cols; c += 16) {
            __mmask16 m = cols - c >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - c)) - 1);
            __m512i v = _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, h + c)), 16);
            _mm512_mask_storeu_ps(out + c, m, _mm512_castsi512_ps(v));
        }
    } else {
        vs_dequantize_row_scalar(type, row, out, cols);
    }
}

TGT void vs_matmul_f_avx512(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                            const float *x, size_t ldx, int n, float *y, size_t ldy) {
    fm_matmul(dequantize_row_avx512, type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
}

TGT void vs_dequantize_row_avx512(int type, const void *row, float *out, int cols) {
    dequantize_row_avx512(type, row, out, cols);
}
#endif

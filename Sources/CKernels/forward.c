// Forward-pass kernels besides matmul: one query row of causal attention (dot products with the cached
// keys, softmax, weighted sum of the cached values), SwiGLU, F16 rounding. AVX-512 where the CPU has
// it, portable C otherwise.
#include <math.h>
#include <string.h>
#include <stdint.h>
#include "CKernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Nearest F16 value of x (round to nearest even), as float; portable.
static inline float round_half_scalar(float x) {
    union { float f; uint32_t u; } v = { x };
    uint32_t magnitude = v.u & 0x7FFFFFFFu;
    if (magnitude < 0x38800000u) {   // |x| < 2^-14: half subnormals are multiples of 2^-24
        volatile float m = fabsf(x) + 0.5f;
        float r = m - 0.5f;
        return x < 0 ? -r : r;
    }
    v.u = (v.u + 0x0FFFu + ((v.u >> 13) & 1u)) & 0xFFFFE000u;
    return v.f;
}

static void attention_row_scalar(const float *q, const float *keys, const float *values, size_t kv_stride,
                                 int length, int head_dim, float scale, int round_half, float *scores, float *out) {
    float top = -INFINITY;
    for (int j = 0; j < length; j++) {
        const float *k = keys + (size_t)j * kv_stride;
        float s = 0;
        for (int d = 0; d < head_dim; d++) s += q[d] * k[d];
        scores[j] = s * scale;
        if (scores[j] > top) top = scores[j];
    }
    float sum = 0;
    for (int j = 0; j < length; j++) { scores[j] = expf(scores[j] - top); sum += scores[j]; }
    float inverse = 1.0f / sum;
    for (int d = 0; d < head_dim; d++) out[d] = 0;
    for (int j = 0; j < length; j++) {
        float p = scores[j] * inverse;
        if (round_half) p = round_half_scalar(p);
        const float *v = values + (size_t)j * kv_stride;
        for (int d = 0; d < head_dim; d++) out[d] += p * v[d];
    }
}

#if defined(__x86_64__)
#define TGT512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

/// e^x, 16 lanes: Cephes' range reduction and degree-6 polynomial (relative error ~1e-7); inputs are
/// clamped to [-87.3, 88.3].
TGT512 static inline __m512 exp512(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.3762626647949f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

TGT512 static inline __m512 round_half512(__m512 x) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/// head_dim == 64: q in four registers, one dot product per key.
TGT512 static void attention_row_avx512_64(const float *q, const float *keys, const float *values, size_t kv_stride,
                                           int length, float scale, int round_half, float *scores, float *out) {
    __m512 q0 = _mm512_loadu_ps(q), q1 = _mm512_loadu_ps(q + 16), q2 = _mm512_loadu_ps(q + 32), q3 = _mm512_loadu_ps(q + 48);
    __m512 top = _mm512_set1_ps(-INFINITY);
    int j = 0;
    // Four keys at a time: their partial sums reduce together.
    for (; j + 4 <= length; j += 4) {
        __m512 acc[4];
        for (int u = 0; u < 4; u++) {
            const float *k = keys + (size_t)(j + u) * kv_stride;
            __m512 a = _mm512_mul_ps(q0, _mm512_loadu_ps(k));
            __m512 b = _mm512_mul_ps(q1, _mm512_loadu_ps(k + 16));
            a = _mm512_fmadd_ps(q2, _mm512_loadu_ps(k + 32), a);
            b = _mm512_fmadd_ps(q3, _mm512_loadu_ps(k + 48), b);
            acc[u] = _mm512_add_ps(a, b);
        }
        // Sum each register's 16 lanes: pairwise folds to 4 lanes per key, then a 4x4 transpose-add.
        __m256 h[4];
        for (int u = 0; u < 4; u++) {
            h[u] = _mm256_add_ps(_mm512_castps512_ps256(acc[u]), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[u]), 1)));
        }
        __m128 s[4];
        for (int u = 0; u < 4; u++) s[u] = _mm_add_ps(_mm256_castps256_ps128(h[u]), _mm256_extractf128_ps(h[u], 1));
        __m128 t01 = _mm_hadd_ps(s[0], s[1]), t23 = _mm_hadd_ps(s[2], s[3]);
        __m128 dots = _mm_mul_ps(_mm_hadd_ps(t01, t23), _mm_set1_ps(scale));
        _mm_storeu_ps(scores + j, dots);
    }
    for (; j < length; j++) {
        const float *k = keys + (size_t)j * kv_stride;
        __m512 a = _mm512_mul_ps(q0, _mm512_loadu_ps(k));
        a = _mm512_fmadd_ps(q1, _mm512_loadu_ps(k + 16), a);
        a = _mm512_fmadd_ps(q2, _mm512_loadu_ps(k + 32), a);
        a = _mm512_fmadd_ps(q3, _mm512_loadu_ps(k + 48), a);
        scores[j] = _mm512_reduce_add_ps(a) * scale;
    }
    // Softmax.
    j = 0;
    for (; j + 16 <= length; j += 16) top = _mm512_max_ps(top, _mm512_loadu_ps(scores + j));
    float m = _mm512_reduce_max_ps(top);
    for (; j < length; j++) if (scores[j] > m) m = scores[j];
    __m512 vm = _mm512_set1_ps(m), sum = _mm512_setzero_ps();
    for (j = 0; j + 16 <= length; j += 16) {
        __m512 e = exp512(_mm512_sub_ps(_mm512_loadu_ps(scores + j), vm));
        _mm512_storeu_ps(scores + j, e);
        sum = _mm512_add_ps(sum, e);
    }
    if (j < length) {
        __mmask16 mask = (__mmask16)((1u << (length - j)) - 1);
        __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, scores + j), vm));
        e = _mm512_maskz_mov_ps(mask, e);
        _mm512_mask_storeu_ps(scores + j, mask, e);
        sum = _mm512_add_ps(sum, e);
    }
    __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (j = 0; j < length; j += 16) {
        __mmask16 mask = length - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - j)) - 1);
        __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, scores + j), inverse);
        if (round_half) p = round_half512(p);
        _mm512_mask_storeu_ps(scores + j, mask, p);
    }
    // out = Σ p_j v_j, two keys per step into two sets of accumulators.
    __m512 o0 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps(), o2 = _mm512_setzero_ps(), o3 = _mm512_setzero_ps();
    __m512 e0 = _mm512_setzero_ps(), e1 = _mm512_setzero_ps(), e2 = _mm512_setzero_ps(), e3 = _mm512_setzero_ps();
    for (j = 0; j + 2 <= length; j += 2) {
        const float *v = values + (size_t)j * kv_stride, *w = v + kv_stride;
        __m512 p = _mm512_set1_ps(scores[j]), r = _mm512_set1_ps(scores[j + 1]);
        o0 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v), o0);
        o1 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 16), o1);
        o2 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 32), o2);
        o3 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 48), o3);
        e0 = _mm512_fmadd_ps(r, _mm512_loadu_ps(w), e0);
        e1 = _mm512_fmadd_ps(r, _mm512_loadu_ps(w + 16), e1);
        e2 = _mm512_fmadd_ps(r, _mm512_loadu_ps(w + 32), e2);
        e3 = _mm512_fmadd_ps(r, _mm512_loadu_ps(w + 48), e3);
    }
    if (j < length) {
        const float *v = values + (size_t)j * kv_stride;
        __m512 p = _mm512_set1_ps(scores[j]);
        o0 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v), o0);
        o1 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 16), o1);
        o2 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 32), o2);
        o3 = _mm512_fmadd_ps(p, _mm512_loadu_ps(v + 48), o3);
    }
    _mm512_storeu_ps(out, _mm512_add_ps(o0, e0));
    _mm512_storeu_ps(out + 16, _mm512_add_ps(o1, e1));
    _mm512_storeu_ps(out + 32, _mm512_add_ps(o2, e2));
    _mm512_storeu_ps(out + 48, _mm512_add_ps(o3, e3));
}

TGT512 static void swiglu_avx512(float *gate, const float *up, size_t count) {
    size_t i = 0;
    const __m512 one = _mm512_set1_ps(1.0f);
    for (; i + 16 <= count; i += 16) {
        __m512 g = _mm512_loadu_ps(gate + i);
        __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, exp512(_mm512_sub_ps(_mm512_setzero_ps(), g))));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
    }
    for (; i < count; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

TGT512 static double log_sum_exp_avx512(const float *x, int count, int *argmax) {
    float top = -INFINITY;
    int best = 0;
    __m512 vtop = _mm512_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 16 <= count; i += 16) vtop = _mm512_max_ps(vtop, _mm512_loadu_ps(x + i));
    top = _mm512_reduce_max_ps(vtop);
    for (; i < count; i++) if (x[i] > top) top = x[i];
    for (i = 0; i < count; i++) if (x[i] == top) { best = i; break; }
    __m512 vm = _mm512_set1_ps(top);
    double total = 0;
    for (i = 0; i + 16 <= count;) {
        __m512 sum = _mm512_setzero_ps();
        int stop = i + 1024 < count ? i + 1024 : count;
        for (; i + 16 <= stop; i += 16) sum = _mm512_add_ps(sum, exp512(_mm512_sub_ps(_mm512_loadu_ps(x + i), vm)));
        total += _mm512_reduce_add_ps(sum);
    }
    for (; i < count; i++) total += exp((double)x[i] - top);
    *argmax = best;
    return (double)top + log(total);
}

TGT512 static void round_half_avx512(float *x, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(x + i, round_half512(_mm512_loadu_ps(x + i)));
    for (; i < count; i++) x[i] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtps_ph(_mm_set_ss(x[i]), _MM_FROUND_TO_NEAREST_INT)));
}
#endif

void vs_attention_row(const float *q, const float *keys, const float *values, size_t kv_stride,
                      int length, int head_dim, float scale, int round_half, float *scores, float *out,
                      int path) {
#if defined(__x86_64__)
    if (head_dim == 64 && vs_resolve_path(path) >= VS_PATH_AVX512) {
        attention_row_avx512_64(q, keys, values, kv_stride, length, scale, round_half, scores, out);
        return;
    }
#endif
    attention_row_scalar(q, keys, values, kv_stride, length, head_dim, scale, round_half, scores, out);
}

void vs_round_half(float *x, size_t count, int path) {
#if defined(__x86_64__)
    if (vs_resolve_path(path) >= VS_PATH_AVX512) { round_half_avx512(x, count); return; }
#endif
    for (size_t i = 0; i < count; i++) x[i] = round_half_scalar(x[i]);
}

void vs_swiglu(float *gate, const float *up, size_t count, int path) {
#if defined(__x86_64__)
    if (vs_resolve_path(path) >= VS_PATH_AVX512) { swiglu_avx512(gate, up, count); return; }
#endif
    for (size_t i = 0; i < count; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}

double vs_log_sum_exp(const float *x, int count, int *argmax, int path) {
#if defined(__x86_64__)
    if (vs_resolve_path(path) >= VS_PATH_AVX512) return log_sum_exp_avx512(x, count, argmax);
#endif
    float top = -INFINITY;
    int best = 0;
    for (int i = 0; i < count; i++) if (x[i] > top) { top = x[i]; best = i; }
    double total = 0;
    for (int i = 0; i < count; i++) total += exp((double)x[i] - top);
    *argmax = best;
    return (double)top + log(total);
}

// Forward-pass kernels besides matmul: one query row of causal attention (dot products with the cached
// keys, softmax, weighted sum of the cached values), SwiGLU, F16 rounding. AVX-512 where the CPU has
// it, portable C otherwise.
#include <math.h>
#include <string.h>
#include <stdint.h>
#include "CKernels.h"
#include "internal.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// llama.cpp's CPU backend computes attention (without flash attention) as three ggml ops, and the
// engine repeats their arithmetic operation for operation so that its numbers are llama.cpp's bits:
//   kq = K·q        tinyBLAS F16 GEMM: per key, 16 lanes, fma over chunks of 16 of head_dim, then
//                   the 16 lanes summed in GCC's _mm512_reduce_add_ps order (reduce16 below)
//   p = softmax(kq·scale)   ggml_v_expf in chunks of 16 keys, each chunk's sum reduce16'd and added
//                   in double; p = e · (float)(1/sum); p rounded to F16 (the V matmul converts it)
//   out = Vᵀ·p      tinyBLAS F16 GEMM: per output element, 16 lanes (key j in lane j mod 16), fma
//                   over chunks of 16 keys, then reduce16.
// (Keys past the row's length are masked in llama.cpp: p = 0, which adds nothing.)
// A batch of one token is different: llama.cpp's sgemm only runs for two or more, so decode steps use
// ggml_vec_dot_f16 instead, whose 4 accumulators of 16 lanes take elements i mod 64, and end with
// ((a0 + a2) + (a1 + a3)) before reduce16. `single` selects that order (both dot products).
// The query heads that share a key/value head (grouped-query attention) go through together, each
// with exactly its own arithmetic: the keys and values, which come from L2 or memory, are then read
// once for the group instead of once per head.

/// Sum of 16 lanes in the order GCC's _mm512_reduce_add_ps uses: halves, quarters, then pairs.
static inline float reduce16(const float a[16]) {
    float h[8], q[4];
    for (int i = 0; i < 8; i++) h[i] = a[8 + i] + a[i];
    for (int i = 0; i < 4; i++) q[i] = h[4 + i] + h[i];
    return (q[0] + q[2]) + (q[1] + q[3]);
}

/// ggml_v_expf (ggml-cpu/vec.h, the AVX-512 and AVX2 versions), one lane: Arm's optimized-routines
/// e^x, max error 1.45 ulp. Written with fmaf so the portable path gives the same bits.
static inline float ggml_expf1(float x) {
    const float r = 0x1.8p23f;
    const float z = fmaf(x, 0x1.715476p+0f, r);
    const float n = z - r;
    const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                         u, fmaf(0x1.ffffecp-1f, b, 1.0f));
    if (fabsf(n) > 192) return n <= 0 ? 0.0f : INFINITY;
    return ldexpf(j, (int)n);
}

/// reduce16 of 64 lanes as ggml_vec_dot_f16 folds its four accumulators: (a0 + a2) + (a1 + a3).
static inline float reduce64(const float a[64]) {
    float x[16];
    for (int l = 0; l < 16; l++) x[l] = (a[l] + a[32 + l]) + (a[16 + l] + a[48 + l]);
    return reduce16(x);
}

static void attention_row_scalar(const float *q, const float *keys, const float *values, size_t kv_stride,
                                 int first, int length, int head_dim, float scale, int round_half, int single,
                                 float *scores, float *out) {
    float top = -INFINITY;
    const int width = single ? 64 : 16;
    for (int j = 0; j < length; j++) {
        if (j < first) { scores[j] = -INFINITY; continue; }   // masked: e^-inf = 0 below
        const float *k = keys + (size_t)j * kv_stride;
        float lanes[64] = {0};
        for (int c = 0; c + 16 <= head_dim; c += 16)
            for (int l = 0; l < 16; l++) lanes[(c + l) % width] = fmaf(k[c + l], q[c + l], lanes[(c + l) % width]);
        float s = single ? reduce64(lanes) : reduce16(lanes);
        for (int d = head_dim & ~15; d < head_dim; d++) s = fmaf(k[d], q[d], s);   // (head_dim % 16: not llama.cpp's)
        scores[j] = s * scale;
        if (scores[j] > top) top = scores[j];
    }
    double sum = 0;
    for (int j0 = 0; j0 < length; j0 += 16) {
        float chunk[16] = {0};
        for (int j = j0; j < length && j < j0 + 16; j++) chunk[j - j0] = scores[j] = ggml_expf1(scores[j] - top);
        sum += (double)reduce16(chunk);
    }
    const float inverse = (float)(1.0 / sum);
    for (int j = 0; j < length; j++) {
        float p = scores[j] * inverse;
        scores[j] = round_half ? vs_half_round1(p) : p;
    }
    for (int d = 0; d < head_dim; d++) {
        float lanes[64] = {0};
        for (int j = 0; j < length; j++) {
            const int l = j % width;
            lanes[l] = fmaf(values[(size_t)j * kv_stride + d], scores[j], lanes[l]);
        }
        out[d] = single ? reduce64(lanes) : reduce16(lanes);
    }
}

#if defined(__x86_64__)
#define TGT512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

/// ggml_v_expf, AVX-512 (ggml-cpu/vec.h): the same operations as ggml_expf1, 16 lanes.
TGT512 static inline __m512 exp512(__m512 x) {
    const __m512 r = _mm512_set1_ps(0x1.8p23f);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), r);
    const __m512 n = _mm512_sub_ps(z, r);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
    const __mmask16 d = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192), _CMP_GT_OQ);
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 j = _mm512_fmadd_ps(
        _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(0x1.0e4020p-7f), b, _mm512_set1_ps(0x1.573e2ep-5f)), u,
                        _mm512_fmadd_ps(_mm512_set1_ps(0x1.555e66p-3f), b, _mm512_set1_ps(0x1.fffdb6p-2f))),
        u, _mm512_fmadd_ps(_mm512_set1_ps(0x1.ffffecp-1f), b, _mm512_set1_ps(1.0f)));
    const __m512 res = _mm512_scalef_ps(j, n);
    if (_mm512_kortestz(d, d)) return res;
    const __m512 zero = _mm512_setzero_ps();
    const __m512 alt = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(n, zero, _CMP_LE_OQ), _mm512_set1_ps(INFINITY), zero);
    return _mm512_mask_blend_ps(d, res, alt);
}

/// reduce16 of one register (GCC's _mm512_reduce_add_ps order, written out: clang's differs).
TGT512 static inline float reduce512(__m512 a) {
    __m256 h = _mm256_add_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)), _mm512_castps512_ps256(a));
    __m128 q = _mm_add_ps(_mm256_extractf128_ps(h, 1), _mm256_castps256_ps128(h));
    __m128 t = _mm_add_ps(q, _mm_shuffle_ps(q, q, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, _MM_SHUFFLE(1, 1, 1, 1))));
}

/// reduce16 of 16 registers lane by lane: out[e] = reduce16(x[0][e], …, x[15][e]).
TGT512 static inline __m512 reduce16_lanes(const __m512 x[16]) {
    __m512 h[8], r[4];
    for (int i = 0; i < 8; i++) h[i] = _mm512_add_ps(x[8 + i], x[i]);
    for (int i = 0; i < 4; i++) r[i] = _mm512_add_ps(h[4 + i], h[i]);
    return _mm512_add_ps(_mm512_add_ps(r[0], r[2]), _mm512_add_ps(r[1], r[3]));
}

TGT512 static inline __m512 round_half512(__m512 x) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/// Dot products of the keys with G queries (a grouped-query head group), scores[g][j] = (q_g·k_j)·scale,
/// -inf below `first`; returns each query's largest score in top[g]. Each key is read from memory once
/// for the G queries (the others find it in L1).
TGT512 static inline void scores_avx512(const int G, const float *q, const float *keys, size_t kv_stride, int first,
                                        int length, int head_dim, float scale, int single, float *scores, size_t sstride,
                                        float top[4]) {
    const int chunks = head_dim / 16;
    for (int g = 0; g < G; g++) top[g] = -INFINITY;
    int j = 0;
    for (; j < first; j++) for (int g = 0; g < G; g++) scores[g * sstride + j] = -INFINITY;   // masked: exp512 gives 0
    if (!single) {
        // 8 keys at a time: each key's chain of head_dim/16 FMAs is long (16 for Gemma's 256), and 8
        // side by side keep the FMA pipe busy; every key's sum is the one-key loop's below.
        for (; j + 8 <= length; j += 8)
            for (int g = 0; g < G; g++) {
                const float *qg = q + (size_t)g * head_dim;
                __m512 a[8];
                for (int k = 0; k < 8; k++) a[k] = _mm512_setzero_ps();
                for (int c = 0; c < chunks; c++) {
                    const __m512 qc = _mm512_loadu_ps(qg + 16 * c);
                    for (int k = 0; k < 8; k++)
                        a[k] = _mm512_fmadd_ps(_mm512_loadu_ps(keys + (size_t)(j + k) * kv_stride + 16 * c), qc, a[k]);
                }
                for (int k = 0; k < 8; k++) {
                    const float s = reduce512(a[k]) * scale;
                    scores[g * sstride + j + k] = s;
                    if (s > top[g]) top[g] = s;
                }
            }
    }
    for (; j < length; j++) {
        const float *k = keys + (size_t)j * kv_stride;
        for (int g = 0; g < G; g++) {
            const float *qg = q + (size_t)g * head_dim;
            __m512 a;
            if (single) {   // chunk c into accumulator c mod 4 (lanes (c + l) mod 64), then reduce64's (a0 + a2) + (a1 + a3)
                __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;   // (named: an array indexed c & 3 lives in memory)
                int c = 0;
                for (; c + 4 <= chunks; c += 4) {
                    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c), _mm512_loadu_ps(qg + 16 * c), a0);
                    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c + 16), _mm512_loadu_ps(qg + 16 * c + 16), a1);
                    a2 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c + 32), _mm512_loadu_ps(qg + 16 * c + 32), a2);
                    a3 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c + 48), _mm512_loadu_ps(qg + 16 * c + 48), a3);
                }
                if (c < chunks) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c), _mm512_loadu_ps(qg + 16 * c), a0), c++;
                if (c < chunks) a1 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c), _mm512_loadu_ps(qg + 16 * c), a1), c++;
                if (c < chunks) a2 = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c), _mm512_loadu_ps(qg + 16 * c), a2);
                a = _mm512_add_ps(_mm512_add_ps(a0, a2), _mm512_add_ps(a1, a3));
            } else {
                a = _mm512_setzero_ps();
                for (int c = 0; c < chunks; c++) a = _mm512_fmadd_ps(_mm512_loadu_ps(k + 16 * c), _mm512_loadu_ps(qg + 16 * c), a);
            }
            const float s = reduce512(a) * scale;
            scores[g * sstride + j] = s;
            if (s > top[g]) top[g] = s;
        }
    }
}

/// p = softmax(scores) in place, each chunk of 16 summed as ggml does, then rounded to F16 if asked.
TGT512 static inline void softmax_avx512(float *scores, int length, float top, int round_half) {
    const __m512 vm = _mm512_set1_ps(top);
    double sum = 0;
    for (int j = 0; j < length; j += 16) {
        __mmask16 mask = length - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - j)) - 1);
        __m512 e = _mm512_maskz_mov_ps(mask, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, scores + j), vm)));
        _mm512_mask_storeu_ps(scores + j, mask, e);
        sum += (double)reduce512(e);
    }
    const __m512 inverse = _mm512_set1_ps((float)(1.0 / sum));
    for (int j = 0; j < length; j += 16) {
        __mmask16 mask = length - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - j)) - 1);
        __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, scores + j), inverse);
        if (round_half) p = round_half512(p);
        _mm512_mask_storeu_ps(scores + j, mask, p);
    }
}

/// out_g = Vᵀ·p_g for G queries, per output chunk of 16: the 16 lanes (key j in lane j mod 16) four at
/// a time for the G queries in registers, so each value row is read once for all of them.
TGT512 static inline void values_batch_avx512(const int G, const float *values, size_t kv_stride, int length, int head_dim,
                                              const float *p, size_t sstride, float *out) {
    for (int c = 0; c < head_dim / 16; c++) {
        __m512 x[4][16];
        const float *v = values + 16 * c;
        for (int quarter = 0; quarter < 4; quarter++) {
            __m512 acc[4][4];
            for (int g = 0; g < G; g++) for (int l = 0; l < 4; l++) acc[g][l] = _mm512_setzero_ps();
            for (int j0 = 4 * quarter; j0 < length; j0 += 16)
                for (int l = 0; l < 4 && j0 + l < length; l++) {
                    const __m512 vj = _mm512_loadu_ps(v + (size_t)(j0 + l) * kv_stride);
                    for (int g = 0; g < G; g++) acc[g][l] = _mm512_fmadd_ps(vj, _mm512_set1_ps(p[g * sstride + j0 + l]), acc[g][l]);
                }
            for (int g = 0; g < G; g++) for (int l = 0; l < 4; l++) x[g][4 * quarter + l] = acc[g][l];
        }
        for (int g = 0; g < G; g++) _mm512_storeu_ps(out + (size_t)g * head_dim + 16 * c, reduce16_lanes(x[g]));
    }
}

/// out_g = Vᵀ·p_g for a single query row (ggml_vec_dot_f16's 64 lanes: key j in lane j mod 64, folded
/// (a0 + a2) + (a1 + a3) before reduce16), G queries: each lane's keys (l, l + 64, …) summed in
/// registers for 4 output chunks and the G queries, so each value row is read once for all of them.
TGT512 static inline void values_single_avx512(const int G, const float *values, size_t kv_stride, int length, int head_dim,
                                               const float *p, size_t sstride, float *out) {
    const int chunks = head_dim / 16;
    __m512 lanes[4][64][4];
    for (int o = 0; o < chunks; o += 4) {
        const int nc = chunks - o < 4 ? chunks - o : 4;
        for (int l = 0; l < 64; l++) {
            __m512 acc[4][4];
            for (int g = 0; g < G; g++) for (int c = 0; c < 4; c++) acc[g][c] = _mm512_setzero_ps();
            for (int j = l; j < length; j += 64) {
                const float *v = values + (size_t)j * kv_stride + 16 * o;
                for (int c = 0; c < nc; c++) {
                    const __m512 vc = _mm512_loadu_ps(v + 16 * c);
                    for (int g = 0; g < G; g++) acc[g][c] = _mm512_fmadd_ps(vc, _mm512_set1_ps(p[g * sstride + j]), acc[g][c]);
                }
            }
            for (int g = 0; g < G; g++) for (int c = 0; c < nc; c++) lanes[g][l][c] = acc[g][c];
        }
        for (int g = 0; g < G; g++)
            for (int c = 0; c < nc; c++) {
                __m512 x[16];
                for (int l = 0; l < 16; l++)
                    x[l] = _mm512_add_ps(_mm512_add_ps(lanes[g][l][c], lanes[g][32 + l][c]),
                                         _mm512_add_ps(lanes[g][16 + l][c], lanes[g][48 + l][c]));
                _mm512_storeu_ps(out + (size_t)g * head_dim + 16 * (o + c), reduce16_lanes(x));
            }
    }
}

/// head_dim a multiple of 16 (64: SmolLM2, 128: Qwen2.5, 256: Gemma 3), G ≤ 4 queries sharing the keys
/// and values: attention_row_scalar's arithmetic for each, vectorised without changing any rounding.
TGT512 static inline void attention_group_avx512(const int G, const float *q, const float *keys, const float *values,
                                                 size_t kv_stride, int first, int length, int head_dim, float scale,
                                                 int round_half, int single, float *scores, size_t sstride, float *out) {
    float top[4];
    scores_avx512(G, q, keys, kv_stride, first, length, head_dim, scale, single, scores, sstride, top);
    for (int g = 0; g < G; g++) softmax_avx512(scores + g * sstride, length, top[g], round_half);
    if (single) values_single_avx512(G, values, kv_stride, length, head_dim, scores, sstride, out);
    else values_batch_avx512(G, values, kv_stride, length, head_dim, scores, sstride, out);
}

TGT512 static void attention_rows_avx512(const float *q, int heads, const float *keys, const float *values, size_t kv_stride,
                                         int first, int length, int head_dim, float scale, int round_half, int single,
                                         float *scores, size_t sstride, float *out) {
    for (int h = 0; h < heads; h += 4) {
        const float *qh = q + (size_t)h * head_dim;
        float *sh = scores + (size_t)h * sstride, *oh = out + (size_t)h * head_dim;
#define GROUP(G) attention_group_avx512(G, qh, keys, values, kv_stride, first, length, head_dim, scale, round_half, single, sh, sstride, oh)
        switch (heads - h < 4 ? heads - h : 4) {
        case 1: GROUP(1); break;
        case 2: GROUP(2); break;
        case 3: GROUP(3); break;
        default: GROUP(4); break;
        }
#undef GROUP
    }
}

TGT512 static void swiglu_avx512(float *gate, const float *up, size_t count) {
    size_t i = 0;
    const __m512 one = _mm512_set1_ps(1.0f);
    for (; i + 16 <= count; i += 16) {
        __m512 g = _mm512_loadu_ps(gate + i);
        __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, exp512(_mm512_sub_ps(_mm512_setzero_ps(), g))));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
    }
    for (; i < count; i++) gate[i] = gate[i] / (1.0f + ggml_expf1(0.0f - gate[i])) * up[i];
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

void vs_attention_rows(const float *q, int heads, const float *keys, const float *values, size_t kv_stride,
                       int first, int length, int head_dim, float scale, int round_half, int single,
                       float *scores, size_t scores_stride, float *out, int path) {
#if defined(__x86_64__)
    if (head_dim % 16 == 0 && vs_resolve_path(path) >= VS_PATH_AVX512) {
        attention_rows_avx512(q, heads, keys, values, kv_stride, first, length, head_dim, scale, round_half, single,
                              scores, scores_stride, out);
        return;
    }
#endif
    for (int h = 0; h < heads; h++)
        attention_row_scalar(q + (size_t)h * head_dim, keys, values, kv_stride, first, length, head_dim, scale, round_half,
                             single, scores + (size_t)h * scores_stride, out + (size_t)h * head_dim);
}

void vs_round_half(float *x, size_t count, int path) {
#if defined(__x86_64__)
    if (vs_resolve_path(path) >= VS_PATH_AVX512) { round_half_avx512(x, count); return; }
#endif
    for (size_t i = 0; i < count; i++) x[i] = vs_half_round1(x[i]);
}

void vs_swiglu(float *gate, const float *up, size_t count, int path) {
#if defined(__x86_64__)
    if (vs_resolve_path(path) >= VS_PATH_AVX512) { swiglu_avx512(gate, up, count); return; }
#endif
    // ggml_vec_swiglu_f32: silu(g) = g / (1 + ggml_v_expf(0 - g)), times up.
    for (size_t i = 0; i < count; i++) gate[i] = gate[i] / (1.0f + ggml_expf1(0.0f - gate[i])) * up[i];
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

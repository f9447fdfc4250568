// Dispatch: CPU detection, type sizes, and the path switch of every public kernel.
#include "CKernels.h"
#include "internal.h"
#include <math.h>

int vsynth_ckernels_version(void) { return 2; }

int vs_best_path(void) {
    static int best = -2;
    if (best == -2) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
            __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
            best = VS_PATH_AVX512;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                 __builtin_cpu_supports("f16c"))
            best = VS_PATH_AVX2;
        else
            best = VS_PATH_SCALAR;
#else
        best = VS_PATH_SCALAR;
#endif
    }
    return best;
}

int vs_resolve_path(int path) {
    int best = vs_best_path();
    if (path < 0 || path > best) return best;
    return path;
}

#define VS_TYPE_ROW(name, number, block, bytes, act, packs) { #name, number, block, bytes, act, packs },
static const vs_weight_type_info weight_types[] = { VS_WEIGHT_TYPES(VS_TYPE_ROW) };
#undef VS_TYPE_ROW

const vs_weight_type_info *vs_weight_type(int type) {
    for (size_t i = 0; i < sizeof weight_types / sizeof weight_types[0]; i++)
        if (weight_types[i].type == type) return &weight_types[i];
    return NULL;
}

size_t vs_row_bytes(int type, int cols) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info || cols <= 0 || cols % info->block) return 0;
    return (size_t)cols / (size_t)info->block * (size_t)info->bytes;
}

int vs_type_uses_qact(int type) {
    const vs_weight_type_info *info = vs_weight_type(type);
    return info && (info->activation == VS_ACT_Q8_0 || info->activation == VS_ACT_Q8_1);
}

size_t vs_q8k_token_bytes(int cols) { return vs_q8k_bytes(cols); }

int vs_llamacpp_repacks(int type, int rows) {
    // ggml_repack_get_optimal_repack_type on this x86 CPU: Q4_0x8 and Q4_Kx8 from AVX2 up, Q2_Kx8 with AVX-512.
    return (type == VS_Q4_0 || type == VS_Q4_K || type == VS_Q2_K) && rows % 8 == 0;
}

int vs_q8k_grouped_end(int type, int rows, int n) {
    const vs_weight_type_info *info = vs_weight_type(type);
    return info && info->activation == VS_ACT_Q8_K && vs_llamacpp_repacks(type, rows) ? n - n % VS_KQ_GEMM_GROUP : 0;
}

size_t vs_qact_token_bytes(int cols) { return vs_qact_bytes(cols); }

void vs_dequantize_row(int type, const void *row, float *out, int cols) {
#if defined(__x86_64__)
    if (vs_best_path() >= VS_PATH_AVX512) { vs_dequantize_row_avx512(type, row, out, cols); return; }
#endif
    vs_dequantize_row_scalar(type, row, out, cols);
}

void vs_quantize_activations(const float *x, size_t ldx, int cols, int t0, int t1, void *qa, int path) {
    switch (vs_resolve_path(path)) {
#if defined(__x86_64__)
    case VS_PATH_AVX512: vs_quantize_tokens_avx512(x, ldx, cols, t0, t1, qa); return;
#endif
    default: vs_quantize_tokens_scalar(x, ldx, cols, t0, t1, qa); return;
    }
}

void vs_quantize_q8k(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk) {
#if defined(__x86_64__)
    if (vs_best_path() >= VS_PATH_AVX512) { vs_quantize_q8k_avx512(x, ldx, cols, t0, t1, grouped_end, qk); return; }
#endif
    vs_quantize_q8k_scalar(x, ldx, cols, t0, t1, grouped_end, qk);
}

int vs_matmul_k_packed(int type, const void *wp, int cols, int r0, int r1, const void *qk, int n, int one_token,
                       float *y, size_t ldy, int path) {
#if defined(__x86_64__)
    if (!wp || vs_resolve_path(path) != VS_PATH_AVX512) return 0;
    if (type == VS_Q4_K) {   // packed only where llama.cpp repacks: its gemm for whole groups of 4, gemv after
        vs_matmul_q4k_packed_avx512(wp, cols, r0, r1, qk, n, one_token ? 0 : n - n % VS_KQ_GEMM_GROUP, y, ldy);
        return 1;
    }
    if (type == VS_Q6_K) {
        vs_matmul_q6k_packed_avx512(wp, cols, r0, r1, qk, n, !one_token && n >= VS_KQ_TILED_MIN, y, ldy);
        return 1;
    }
#else
    (void)type; (void)wp; (void)cols; (void)r0; (void)r1; (void)qk; (void)n; (void)one_token; (void)y; (void)ldy; (void)path;
#endif
    return 0;
}

int vs_matmul_rows(int type, const void *w, size_t row_bytes, int rows, int cols, int r0, int r1,
                   const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                   float *y, size_t ldy, int path) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info) {   // Swift rejects such a matrix when it is made (WeightMatrix); never leave y stale
        for (int t = 0; t < n; t++) for (int r = r0; r < r1; r++) y[(size_t)t * ldy + r] = NAN;
        return -1;
    }
    const int repacked = vs_llamacpp_repacks(type, rows);
    if (info->activation == VS_ACT_Q8_K) {
        if (vs_matmul_k_packed(type, wp, cols, r0, r1, qa, n, 0, y, ldy, path)) return 0;
#if defined(__x86_64__)
        if (vs_resolve_path(path) == VS_PATH_AVX512) {
            vs_matmul_k_avx512(type, repacked, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
            return 0;
        }
        if (vs_resolve_path(path) == VS_PATH_AVX2) {
            vs_matmul_k_avx2(type, repacked, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
            return 0;
        }
#endif
        vs_matmul_k_scalar(type, repacked, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
        return 0;
    }
    switch (vs_resolve_path(path)) {
#if defined(__x86_64__)
    case VS_PATH_AVX512:
        // The VNNI kernel computes ggml_vec_dot's order; a matrix llama.cpp repacks takes the AVX2 one.
        if (vs_type_uses_qact(type) && wp && !repacked) vs_matmul_q_avx512(type, wp, cols, r0, r1, qa, qp, n, y, ldy);
        else if (vs_type_uses_qact(type)) vs_matmul_q_avx2(type, repacked, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
        else vs_matmul_f_avx512(type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
        return 0;
    case VS_PATH_AVX2:
        if (vs_type_uses_qact(type)) vs_matmul_q_avx2(type, repacked, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
        else vs_matmul_f_avx2(type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
        return 0;
#endif
    default:
        return vs_matmul_rows_scalar(type, repacked, w, row_bytes, cols, r0, r1, x, ldx, qa, n, y, ldy);
    }
}

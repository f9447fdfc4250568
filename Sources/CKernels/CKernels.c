// Dispatch: CPU detection, type sizes, and the path switch of every public kernel.
#include "CKernels.h"
#include "internal.h"

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

size_t vs_row_bytes(int type, int cols) {
    if (cols <= 0) return 0;
    switch (type) {
    case VS_F32: return (size_t)cols * 4;
    case VS_F16: case VS_BF16: return (size_t)cols * 2;
    case VS_Q4_0: return cols % 32 ? 0 : (size_t)cols / 32 * sizeof(block_q4_0);
    case VS_Q4_1: return cols % 32 ? 0 : (size_t)cols / 32 * sizeof(block_q4_1);
    case VS_Q8_0: return cols % 32 ? 0 : (size_t)cols / 32 * sizeof(block_q8_0);
    case VS_Q6_K: return cols % 256 ? 0 : (size_t)cols / 256 * sizeof(block_q6_K);
    default: return 0;
    }
}

int vs_type_uses_qact(int type) { return type == VS_Q4_0 || type == VS_Q4_1 || type == VS_Q8_0; }

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

void vs_matmul_rows(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                    const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                    float *y, size_t ldy, int path) {
    switch (vs_resolve_path(path)) {
#if defined(__x86_64__)
    case VS_PATH_AVX512:
        if (vs_type_uses_qact(type) && wp) vs_matmul_q_avx512(type, wp, cols, r0, r1, qp, n, y, ldy);
        else if (vs_type_uses_qact(type)) vs_matmul_q_avx2(type, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
        else vs_matmul_f_avx512(type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
        return;
    case VS_PATH_AVX2:
        if (vs_type_uses_qact(type)) vs_matmul_q_avx2(type, w, row_bytes, cols, r0, r1, qa, n, y, ldy);
        else vs_matmul_f_avx2(type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
        return;
#endif
    default:
        vs_matmul_rows_scalar(type, w, row_bytes, cols, r0, r1, x, ldx, qa, n, y, ldy);
        return;
    }
}

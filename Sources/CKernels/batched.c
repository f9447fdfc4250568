// Decode steps of several sequences: one pass over the weights for all of their token rows, each row
// computed with the arithmetic of a one-token matmul (n = 1), so a sequence's numbers do not depend on
// the sequences decoded beside it.
//
// For the Q8_0/Q8_1-activation types and F32/F16/BF16 every path already computes each token alone
// (BatchInvarianceTests), so the plain dispatcher serves any n. The K-quants switch routine with n, as
// llama.cpp does (kquants.h): a repacked matrix runs its gemm for tokens in whole groups of 4, any other
// the tiled matmul from 8 tokens up. Below those sizes every token takes the one-token routine (gemv,
// vec_dot), so the rows go through the dispatcher in groups of at most 3 or 7 tokens while a small tile
// of weight rows stays in cache; the packed Q4_K and Q6_K kernels (AVX-512) take any number of rows in
// the one-token order directly.
#include <limits.h>
#include "CKernels.h"
#include "internal.h"

/// Weight rows per tile: 16 rows of a 1536-column Q4_K matrix are 13.5 KiB, well inside L2.
#define VS_PER_TOKEN_TILE 16

int vs_per_token_group(int type, int rows) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info || info->activation != VS_ACT_Q8_K) return INT_MAX;
    return vs_llamacpp_repacks(type, rows) ? VS_KQ_GEMM_GROUP - 1 : VS_KQ_TILED_MIN - 1;
}

int vs_matmul_rows_per_token(int type, const void *w, size_t row_bytes, int rows, int cols, int r0, int r1,
                             const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                             float *y, size_t ldy, int path) {
    // The packed K-quant kernels take any number of tokens in the one-token order.
    if (vs_matmul_k_packed(type, wp, cols, r0, r1, qa, n, 1, y, ldy, path)) return 0;
    const int group = vs_per_token_group(type, rows);
    if (n <= group) return vs_matmul_rows(type, w, row_bytes, rows, cols, r0, r1, x, ldx, qa, qp, wp, n, y, ldy, path);
    const size_t stride = vs_q8k_bytes(cols);   // only the K-quants get here
    int status = 0;
    for (int c0 = r0; c0 < r1; c0 += VS_PER_TOKEN_TILE) {
        const int c1 = r1 - c0 < VS_PER_TOKEN_TILE ? r1 : c0 + VS_PER_TOKEN_TILE;
        for (int t0 = 0; t0 < n; t0 += group) {
            const int tn = n - t0 < group ? n - t0 : group;
            status |= vs_matmul_rows(type, w, row_bytes, rows, cols, c0, c1, x + (size_t)t0 * ldx, ldx,
                                     (const char *)qa + (size_t)t0 * stride, NULL, wp, tn, y + (size_t)t0 * ldy, ldy, path);
        }
    }
    return status;
}

// What the packed K-quant kernels (q4k_packed.c, q6k_packed.c) share: 16 rows per group, and the loop
// that walks a matrix's row groups for a batch of tokens.
#ifndef VSYNTH_KPACKED_H
#define VSYNTH_KPACKED_H
#include "internal.h"

/// Rows side by side in one group of a packed matrix: one per 32-bit lane of a 512-bit register.
#define KP_ROWS 16

/// Tokens [t0, t0 + T) (T ≤ 4, from `tok`, token stride `stride`) × one row group; `mode` is the
/// kernel's own (Q4_K: the first token in gemv order, Q6_K: whether tiled). y gets rows [0, valid).
typedef void (*kp_tile)(int T, const uint8_t *group, int nb, const char *tok, size_t stride, int cols, int t0, int mode,
                        float *y, size_t ldy, int valid);

/// Rows [r0, r1) (r0 a multiple of KP_ROWS) × n tokens of Q8_K activations `qk`, from packed weights
/// `wp` of `block_bytes` per group and 256-block: token blocks whose activations stay in L2 while the
/// row groups pass over them, then every group, 4 tokens at a time.
static inline void kp_matmul(kp_tile tile, size_t block_bytes, const void *wp, int cols, int r0, int r1, const void *qk,
                             int n, int mode, float *y, size_t ldy) {
    const int nb = cols / 256;
    const size_t stride = vs_q8k_bytes(cols), gstride = (size_t)nb * block_bytes;
    int block = (int)((256 * 1024) / stride);
    block = block < 4 ? 4 : block - block % 4;
    for (int b0 = 0; b0 < n; b0 += block) {
        const int b1 = n - b0 < block ? n : b0 + block;
        for (int r = r0; r < r1; r += KP_ROWS) {
            const int valid = r1 - r < KP_ROWS ? r1 - r : KP_ROWS;
            const uint8_t *group = (const uint8_t *)wp + (size_t)(r / KP_ROWS) * gstride;
            for (int t0 = b0; t0 < b1; t0 += 4)
                tile(b1 - t0 < 4 ? b1 - t0 : 4, group, nb, (const char *)qk + (size_t)t0 * stride, stride, cols, t0, mode,
                     y + (size_t)t0 * ldy + r, ldy, valid);
        }
    }
}
#endif

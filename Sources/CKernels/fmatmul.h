// F32, F16 and BF16 weights × f32 activations: the one routine every instruction-set path runs.
// scalar.c, avx2.c and avx512.c include it and instantiate it under their own target attributes with
// their own row converter; the compiler vectorises the 16 independent sums to the register width.
// No allocation: a row is converted in chunks into a buffer on the stack.
#ifndef VSYNTH_FMATMUL_H
#define VSYNTH_FMATMUL_H
#include "internal.h"

/// Columns converted at a time: 4 KiB of stack.
#define FM_CHUNK 1024

/// Rows [r0, r1) × n tokens: y[t·ldy + r] = Σ_c W[r, c]·x[t·ldx + c]. `convert` turns `len` F16/BF16
/// elements into f32 (F32 rows are read in place). Sums per chunk: 16 lanes, then a fixed tree.
static inline __attribute__((always_inline)) void
fm_matmul(void (*convert)(int type, const void *row, float *out, int cols), int type, const void *w,
          size_t row_bytes, int cols, int r0, int r1, const float *x, size_t ldx, int n, float *y, size_t ldy) {
    float buf[FM_CHUNK];
    const size_t element = type == VS_F32 ? 4 : 2;
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) y[(size_t)t * ldy + r] = 0;
        for (int c0 = 0; c0 < cols; c0 += FM_CHUNK) {
            const int len = cols - c0 < FM_CHUNK ? cols - c0 : FM_CHUNK;
            const float *row = (const float *)(wr + (size_t)c0 * element);
            if (type != VS_F32) { convert(type, wr + (size_t)c0 * element, buf, len); row = buf; }
            for (int t = 0; t < n; t++) {
                const float *xt = x + (size_t)t * ldx + c0;
                float acc[16] = { 0 };
                int c = 0;
                for (; c + 16 <= len; c += 16)
                    for (int k = 0; k < 16; k++) acc[k] += row[c + k] * xt[c + k];
                float tail = 0;
                for (; c < len; c++) tail += row[c] * xt[c];
                for (int width = 8; width > 0; width /= 2)
                    for (int k = 0; k < width; k++) acc[k] += acc[k + width];
                y[(size_t)t * ldy + r] += acc[0] + tail;
            }
        }
    }
}
#endif

// Packing of quantized activations into the VNNI kernels' layout (see packed.h). Portable C: it runs
// once per token per matmul input and costs little next to the matmuls.
#include "CKernels.h"
#include "internal.h"
#include "packed.h"

/// The blocks past the last full 16, in pairs (the last padded with an empty block): both the GEMM's
/// and the GEMV's layout end with these.
static void pack_pairs(const int8_t *qs, const float *d, const int32_t *sum, int nb, int groups, int pairs, char *out) {
    for (int p = 0; p < pairs; p++) {
        memset(out, 0, 256);
        float *dv = (float *)(out + 64);
        int32_t *nv = (int32_t *)(out + 128);
        float *sv = (float *)(out + 192);
        for (int h = 0; h < 2; h++) {
            int b = groups * 16 + 2 * p + h;
            if (b >= nb) break;
            memcpy(out + 32 * h, qs + (size_t)b * 32, 32);
            for (int l = 0; l < 8; l++) dv[8 * h + l] = d[b];
            nv[8 * h] = -sum[b];
            sv[8 * h] = d[b] * (float)sum[b];
        }
        out += 256;
    }
}

size_t vs_packed_act_token_bytes(int cols) { return vs_packed_act_bytes(cols); }

void vs_pack_activations(const void *qa, int cols, int t0, int t1, int n, void *packed) {
    if (n <= VS_GEMV_MAX_TOKENS) { vs_pack_gemv_activations(qa, cols, t0, t1, packed); return; }
    size_t stride = vs_qact_bytes(cols), pstride = vs_packed_act_token_bytes(cols);
    int nb = cols / 32, groups = vs_groups(cols), pairs = vs_pairs(cols);
    for (int t = t0; t < t1; t++) {
        const char *tok = (const char *)qa + (size_t)t * stride;
        const int8_t *qs = qa_qs(tok);
        const float *d = qa_d(tok, cols);
        const int32_t *sum = qa_sum(tok, cols);
        char *out = (char *)packed + (size_t)t * pstride;
        for (int g = 0; g < groups; g++) {
            int32_t *v = (int32_t *)out;
            for (int k = 0; k < 8; k++)
                for (int i = 0; i < 16; i++)
                    memcpy(&v[k * 16 + i], qs + (size_t)(g * 16 + i) * 32 + 4 * k, 4);
            float *dv = (float *)(out + 512);
            int32_t *nv = (int32_t *)(out + 576);
            float *sv = (float *)(out + 640);
            for (int i = 0; i < 16; i++) {
                int b = g * 16 + i;
                dv[i] = d[b]; nv[i] = -sum[b]; sv[i] = d[b] * (float)sum[b];
            }
            out += 704;
        }
        pack_pairs(qs, d, sum, nb, groups, pairs, out);
    }
}

// MARK: Activation layout for the GEMV kernels

size_t vs_gemv_act_token_bytes(int cols) { return vs_packed_act_bytes(cols); }

/// Per token and group of 16 blocks: for g = 0..3 the vectors lo_g, hi_g (chunk c = first / second 16
/// values of block g + 4c), then f32 d[16], i32 negsum[16], f32 dsum[16] in block order (lane i =
/// block i, as the GEMM's groups); then the remaining blocks in the GEMM's pair layout.
void vs_pack_gemv_activations(const void *qa, int cols, int t0, int t1, void *out) {
    size_t stride = vs_qact_bytes(cols), ostride = vs_gemv_act_token_bytes(cols);
    int nb = cols / 32, groups = vs_groups(cols), pairs = vs_pairs(cols);
    for (int t = t0; t < t1; t++) {
        const char *tok = (const char *)qa + (size_t)t * stride;
        const int8_t *qs = qa_qs(tok);
        const float *d = qa_d(tok, cols);
        const int32_t *sum = qa_sum(tok, cols);
        char *o = (char *)out + (size_t)t * ostride;
        for (int s = 0; s < groups; s++, o += 704) {
            for (int g = 0; g < 4; g++)
                for (int c = 0; c < 4; c++) {
                    int b = s * 16 + g + 4 * c;
                    memcpy(o + g * 128 + c * 16, qs + (size_t)b * 32, 16);
                    memcpy(o + g * 128 + 64 + c * 16, qs + (size_t)b * 32 + 16, 16);
                }
            float *dv = (float *)(o + 512), *sv = (float *)(o + 640);
            int32_t *nv = (int32_t *)(o + 576);
            for (int i = 0; i < 16; i++) {
                int b = s * 16 + i;
                dv[i] = d[b]; nv[i] = -sum[b]; sv[i] = d[b] * (float)sum[b];
            }
        }
        pack_pairs(qs, d, sum, nb, groups, pairs, o);
    }
}

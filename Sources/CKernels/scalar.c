// Portable C kernels: the fallback path and the baseline the SIMD paths are tested against.
#include <math.h>
#include "CKernels.h"
#include "internal.h"

void vs_dequantize_row_scalar(int type, const void *row, float *out, int cols) {
    switch (type) {
    case VS_F32: memcpy(out, row, (size_t)cols * 4); return;
    case VS_F16: { const uint16_t *h = row; for (int i = 0; i < cols; i++) out[i] = vs_half_to_float(h[i]); return; }
    case VS_BF16: { const uint16_t *h = row; for (int i = 0; i < cols; i++) out[i] = vs_bf16_to_float(h[i]); return; }
    case VS_Q4_0: {
        const block_q4_0 *b = row;
        for (int i = 0; i < cols / 32; i++, out += 32) {
            float d = vs_half_to_float(b[i].d);
            for (int j = 0; j < 16; j++) {
                out[j] = ((b[i].qs[j] & 0xF) - 8) * d;
                out[j + 16] = ((b[i].qs[j] >> 4) - 8) * d;
            }
        }
        return;
    }
    case VS_Q4_1: {
        const block_q4_1 *b = row;
        for (int i = 0; i < cols / 32; i++, out += 32) {
            float d = vs_half_to_float(b[i].d), m = vs_half_to_float(b[i].m);
            for (int j = 0; j < 16; j++) {
                out[j] = (b[i].qs[j] & 0xF) * d + m;
                out[j + 16] = (b[i].qs[j] >> 4) * d + m;
            }
        }
        return;
    }
    case VS_Q8_0: {
        const block_q8_0 *b = row;
        for (int i = 0; i < cols / 32; i++, out += 32) {
            float d = vs_half_to_float(b[i].d);
            for (int j = 0; j < 32; j++) out[j] = b[i].qs[j] * d;
        }
        return;
    }
    case VS_Q6_K: {
        const block_q6_K *b = row;
        for (int i = 0; i < cols / 256; i++) {
            float d = vs_half_to_float(b[i].d);
            const uint8_t *ql = b[i].ql, *qh = b[i].qh;
            const int8_t *sc = b[i].scales;
            for (int half = 0; half < 2; half++) {
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    out[l] = d * sc[is] * q1;
                    out[l + 32] = d * sc[is + 2] * q2;
                    out[l + 64] = d * sc[is + 4] * q3;
                    out[l + 96] = d * sc[is + 6] * q4;
                }
                out += 128; ql += 64; qh += 32; sc += 8;
            }
        }
        return;
    }
    default: memset(out, 0, (size_t)cols * 4); return;
    }
}

void vs_quantize_tokens_scalar(const float *x, size_t ldx, int cols, int t0, int t1, void *qa) {
    size_t stride = vs_qact_bytes(cols);
    for (int t = t0; t < t1; t++) {
        const float *xt = x + (size_t)t * ldx;
        char *tok = (char *)qa + (size_t)t * stride;
        int8_t *qs = (int8_t *)tok;
        float *ds = (float *)(tok + cols);
        float *ss = (float *)(tok + cols + (size_t)cols / 32 * 4);
        for (int b = 0; b < cols / 32; b++) vs_quantize_block(xt + b * 32, qs + b * 32, &ds[b], &ss[b]);
    }
}

/// The block's signed weight values (Q4_0: nibble − 8, Q4_1: nibble, Q8_0: as stored), its scale and
/// Q4_1's minimum.
static inline void block_values(int type, const void *wb, int8_t w[32], float *d, float *m) {
    *m = 0;
    switch (type) {
    case VS_Q4_0: {
        const block_q4_0 *b = wb;
        for (int j = 0; j < 16; j++) { w[j] = (int8_t)((b->qs[j] & 0xF) - 8); w[j + 16] = (int8_t)((b->qs[j] >> 4) - 8); }
        *d = vs_half_to_float(b->d);
        return;
    }
    case VS_Q4_1: {
        const block_q4_1 *b = wb;
        for (int j = 0; j < 16; j++) { w[j] = (int8_t)(b->qs[j] & 0xF); w[j + 16] = (int8_t)(b->qs[j] >> 4); }
        *d = vs_half_to_float(b->d);
        *m = vs_half_to_float(b->m);
        return;
    }
    default: {
        const block_q8_0 *b = wb;
        memcpy(w, b->qs, 32);
        *d = vs_half_to_float(b->d);
        return;
    }
    }
}

/// One output exactly as llama.cpp's x86 ggml_vec_dot_q4_0_q8_0 / q4_1_q8_1 / q8_0_q8_0 compute it:
/// per block, 8 integer lanes of 4 products each, acc_l = fma(d_w·d_x, lane_l, acc_l); then
/// hsum_float_8(acc), plus Σ m·s in block order for Q4_1.
static float dot_ggml(int type, const char *wr, size_t bbytes, const char *tok, int cols) {
    float acc[8] = { 0 }, summs = 0;
    for (int b = 0; b < cols / 32; b++) {
        int8_t w[32];
        float dw, m;
        block_values(type, wr + (size_t)b * bbytes, w, &dw, &m);
        const int8_t *q = qa_qs(tok) + b * 32;
        const float d = dw * qa_d(tok, cols)[b];
        for (int l = 0; l < 8; l++) {
            int32_t lane = 0;
            for (int j = 4 * l; j < 4 * l + 4; j++) lane += w[j] * q[j];
            acc[l] = fmaf(d, (float)lane, acc[l]);
        }
        if (type == VS_Q4_1) summs += m * qa_s(tok, cols)[b];
    }
    float h = ((acc[4] + acc[0]) + (acc[6] + acc[2])) + ((acc[5] + acc[1]) + (acc[7] + acc[3]));
    return type == VS_Q4_1 ? h + summs : h;
}

void vs_matmul_rows_scalar(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                           const float *x, size_t ldx, const void *qa, int n, float *y, size_t ldy) {
    if (vs_type_uses_qact(type)) {
        size_t stride = vs_qact_bytes(cols), bbytes = row_bytes / (size_t)(cols / 32);
        for (int r = r0; r < r1; r++) {
            const char *wr = (const char *)w + (size_t)r * row_bytes;
            for (int t = 0; t < n; t++) {
                const char *tok = (const char *)qa + (size_t)t * stride;
                y[(size_t)t * ldy + r] = dot_ggml(type, wr, bbytes, tok, cols);
            }
        }
        return;
    }
    float buf[1024];
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) y[(size_t)t * ldy + r] = 0;
        for (int c0 = 0; c0 < cols; c0 += 1024) {
            int len = cols - c0 < 1024 ? cols - c0 : 1024;   // 1024 is a multiple of every block size
            size_t off = vs_row_bytes(type, 1024) * (size_t)(c0 / 1024);
            vs_dequantize_row_scalar(type, wr + off, buf, len);
            for (int t = 0; t < n; t++) {
                const float *xt = x + (size_t)t * ldx + c0;
                float s = 0;
                for (int c = 0; c < len; c++) s += buf[c] * xt[c];
                y[(size_t)t * ldy + r] += s;
            }
        }
    }
}

// Portable C kernels: the fallback path and the baseline the SIMD paths are tested against.
#include <math.h>
#include "CKernels.h"
#include "internal.h"
#include "kquants.h"
#include "fmatmul.h"

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
    case VS_Q5_0: case VS_Q5_1: {
        const size_t bytes = type == VS_Q5_0 ? sizeof(block_q5_0) : sizeof(block_q5_1);
        for (int i = 0; i < cols / 32; i++, out += 32) {
            const uint8_t *b = (const uint8_t *)row + (size_t)i * bytes;
            uint32_t qh; memcpy(&qh, b + (type == VS_Q5_0 ? 2 : 4), 4);
            const uint8_t *qs = b + (type == VS_Q5_0 ? 6 : 8);
            float d = vs_half_to_float(*(const uint16_t *)b);
            float m = type == VS_Q5_1 ? vs_half_to_float(*(const uint16_t *)(b + 2)) : 0;
            for (int j = 0; j < 16; j++) {
                int lo = (qs[j] & 0xF) | (((qh >> j) & 1) << 4), hi = (qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
                if (type == VS_Q5_0) { out[j] = (lo - 16) * d; out[j + 16] = (hi - 16) * d; }
                else { out[j] = lo * d + m; out[j + 16] = hi * d + m; }
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
    case VS_Q2_K: case VS_Q3_K: case VS_Q4_K: case VS_Q5_K: case VS_Q6_K:
        // ggml's dequantize_row_q*_K: (d·sc)·value − dmin·m per element, in that order.
        for (int b = 0; b < cols / 256; b++, out += 256) {
            kq_block k;
            kq_decode(type, row, b, &k);
            for (int e = 0; e < 256; e++)
                out[e] = k.d * (float)k.sc[e / k.sub] * (float)(k.q[e] - k.bias) - k.dmin * (float)k.m[e / k.sub];
        }
        return;
    default: for (int i = 0; i < cols; i++) out[i] = NAN; return;   // not in VS_WEIGHT_TYPES
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

/// The block's signed weight values (Q4_0: nibble − 8, Q4_1: nibble, Q5_0: 5 bits − 16, Q5_1: 5 bits,
/// Q8_0: as stored), its scale and Q4_1/Q5_1's minimum. Only the table's Q8_0/Q8_1-activation types
/// reach it (vs_matmul_rows_scalar checks).
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
    case VS_Q5_0: case VS_Q5_1: {
        const uint8_t *b = wb;
        const int q5_1 = type == VS_Q5_1;
        uint32_t qh; memcpy(&qh, b + (q5_1 ? 4 : 2), 4);
        const uint8_t *qs = b + (q5_1 ? 8 : 6);
        for (int j = 0; j < 16; j++) {
            w[j] = (int8_t)(((qs[j] & 0xF) | (((qh >> j) & 1) << 4)) - (q5_1 ? 0 : 16));
            w[j + 16] = (int8_t)(((qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - (q5_1 ? 0 : 16));
        }
        *d = vs_half_to_float(*(const uint16_t *)b);
        if (q5_1) *m = vs_half_to_float(*(const uint16_t *)(b + 2));
        return;
    }
    case VS_Q8_0: {
        const block_q8_0 *b = wb;
        memcpy(w, b->qs, 32);
        *d = vs_half_to_float(b->d);
        return;
    }
    }
}

/// One output exactly as llama.cpp's x86 ggml_vec_dot_q4_0_q8_0 / q4_1_q8_1 / q5_0_q8_0 / q5_1_q8_1 /
/// q8_0_q8_0 compute it: per block, 8 integer lanes of 4 products each, acc_l = fma(d_w·d_x, lane_l,
/// acc_l); then hsum_float_8(acc), plus Σ m·s in block order for Q4_1 and Q5_1. `repacked` (a Q4_0
/// matrix llama.cpp repacks, ggml_gemv/gemm_q4_0_8x8_q8_0): one integer sum per block,
/// y = fma(Σ, d_w·d_x, y).
static float dot_ggml(int type, int repacked, const char *wr, size_t bbytes, const char *tok, int cols) {
    float acc[8] = { 0 }, summs = 0;
    const int has_min = vs_weight_type(type)->activation == VS_ACT_Q8_1;
    for (int b = 0; b < cols / 32; b++) {
        int8_t w[32];
        float dw, m;
        block_values(type, wr + (size_t)b * bbytes, w, &dw, &m);
        const int8_t *q = qa_qs(tok) + b * 32;
        const float d = dw * qa_d(tok, cols)[b];
        if (repacked) {
            int32_t sum = 0;
            for (int j = 0; j < 32; j++) sum += w[j] * q[j];
            summs = fmaf((float)sum, d, summs);
            continue;
        }
        for (int l = 0; l < 8; l++) {
            int32_t lane = 0;
            for (int j = 4 * l; j < 4 * l + 4; j++) lane += w[j] * q[j];
            acc[l] = fmaf(d, (float)lane, acc[l]);
        }
        if (has_min) summs += m * qa_s(tok, cols)[b];
    }
    float h = kq_hsum8(acc);
    return repacked ? summs : has_min ? h + summs : h;
}

void vs_quantize_q8k_scalar(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk) {
    for (int t = t0; t < t1; t++) {
        const float *xt = x + (size_t)t * ldx;
        const q8k_row row = q8k_row_of(qk, cols, t);
        for (int b = 0; b < cols / 256; b++) {
            const float *v = xt + 256 * b;
            float amax = 0, max = 0;
            int positive = 0;
            for (int j = 0; j < 256; j++) {
                float a = fabsf(v[j]);
                if (a > amax) { amax = a; max = v[j]; }
            }
            for (int j = 0; j < 256; j++) positive |= v[j] == amax;
            const float iscale = amax != 0 ? vs_q8k_iscale(amax, max, positive, t < grouped_end) : 0;
            for (int j = 0; j < 256; j++) {
                int q = amax != 0 ? (int)nearbyintf(iscale * v[j]) : 0;
                row.qs[256 * b + j] = (int8_t)(q > 127 ? 127 : q);
            }
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) sum += row.qs[256 * b + 16 * g + j];
                row.bsums[16 * b + g] = (int16_t)sum;
            }
            row.d[b] = amax != 0 ? 1 / iscale : 0;
        }
    }
}

void vs_matmul_k_scalar(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                        const void *qk, int n, float *y, size_t ldy) {
    kq_matmul_typed(kq_decode, kq_block_ints, type, repacked, w, row_bytes, cols, r0, r1, qk, n, y, ldy);
}

int vs_matmul_rows_scalar(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                          const float *x, size_t ldx, const void *qa, int n, float *y, size_t ldy) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info || info->activation == VS_ACT_Q8_K) return -1;   // K-quants: vs_matmul_k_scalar
    if (info->activation == VS_ACT_F32) {
        fm_matmul(vs_dequantize_row_scalar, type, w, row_bytes, cols, r0, r1, x, ldx, n, y, ldy);
        return 0;
    }
    const size_t stride = vs_qact_bytes(cols), bbytes = row_bytes / (size_t)(cols / 32);
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) {
            const char *tok = (const char *)qa + (size_t)t * stride;
            y[(size_t)t * ldy + r] = dot_ggml(type, repacked, wr, bbytes, tok, cols);
        }
    }
    return 0;
}

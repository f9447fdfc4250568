// K-quant weights (Q4_K, Q6_K) × Q8_K activations, in the floating-point order of llama.cpp's x86 CPU
// backend. Included by scalar.c (portable build) and avx2.c (the same code compiled for AVX2 + FMA, which
// the compiler vectorises): the integer sums are exact in any order, and every float operation is
// written out here one by one, so both builds give llama.cpp's bits.
//
// Which llama.cpp routine a matrix meets, and so which order applies:
//   not repacked, n ≥ 8  ggml-cpu/tiled (ggml_compute_forward_mul_mat_tiled, on unless GGML_CPU_TILED_MM=0):
//                        one integer sum per 256-block, y = fma(float(Σ)·d_w, d_x, y) (kq_dot_tiled)
//   Q6_K, n < 8          ggml_vec_dot_q6_K_q8_K (AVX2 branch): 8 integer lanes of 4 columns each per
//                        256-block, acc_l = fma(d_x·d_w, lane_l, acc_l), y = hsum_float_8(acc)
//   Q4_K, rows % 8 == 0  repacked to Q4_Kx8 at load (CPU_REPACK buffer) and run by ggml_gemv/gemm_q4_K_8x8_q8_K:
//                        per 256-block (gemv) or per pair of 32-sub-blocks (gemm, tokens in whole groups of 4)
//                        one integer Σ_s sc_s·dot_s and one Σ_s m_s·bsum_s,
//                        acc = fma(Σ, d_w·d_x, acc), accm = fma(Σm, dmin_w·d_x, accm), y = acc − accm
//   Q4_K, other rows,    ggml_vec_dot_q4_K_q8_K
//         n < 8         (AVX2 branch): 8 lanes as Q6_K plus 4 lanes of mins,
//                        y = hsum_float_8(acc) + ((m0 + m2) + (m1 + m3))
#ifndef VSYNTH_KQUANTS_H
#define VSYNTH_KQUANTS_H
#include "internal.h"

#define KQ_INLINE static inline __attribute__((always_inline))

/// ggml's hsum_float_8: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)).
KQ_INLINE float kq_hsum8(const float a[8]) {
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/// Q4_K's 6-bit scale and minimum of sub-block j (get_scale_min_k4).
KQ_INLINE void kq_scale_min(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) { *sc = q[j] & 63; *m = q[j + 4] & 63; }
    else { *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4); *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
}

/// Q4_K sub-block s's integer products, per 4-column lane: lane[l] = Σ_{e=4l}^{4l+3} q4·q8.
KQ_INLINE void kq_q4k_lanes(const block_q4_K *b, int s, const int8_t *q8, int32_t lane[8]) {
    const uint8_t *q = b->qs + 32 * (s / 2);
    const int shift = (s & 1) * 4;
    for (int l = 0; l < 8; l++) {
        int32_t sum = 0;
        for (int e = 4 * l; e < 4 * l + 4; e++) sum += ((q[e] >> shift) & 0xF) * q8[e];
        lane[l] = sum;
    }
}

/// One output of a Q4_K row: `nb` blocks of `w` against one token of Q8_K activations.
KQ_INLINE float kq_dot_q4_K(int repacked, const block_q4_K *w, const int8_t *qs, const float *dx,
                            const int16_t *bsums, int nb) {
    if (repacked) {
        // gemm (repacked == 2, tokens in groups of 4) adds to acc per pair of sub-blocks, gemv per block.
        float acc = 0, accm = 0;
        for (int b = 0; b < nb; b++) {
            const int8_t *q8 = qs + 256 * b;
            const int16_t *bs = bsums + 16 * b;
            const float scale = vs_half_to_float(w[b].d) * dx[b], scale_min = vs_half_to_float(w[b].dmin) * dx[b];
            int32_t isum = 0, imin = 0;
            for (int s = 0; s < 8; s++) {
                int sc, m;
                kq_scale_min(s, w[b].scales, &sc, &m);
                int32_t lane[8];
                kq_q4k_lanes(&w[b], s, q8 + 32 * s, lane);
                int32_t dot = 0;
                for (int l = 0; l < 8; l++) dot += lane[l];
                isum += sc * dot;
                imin += m * (bs[2 * s] + bs[2 * s + 1]);
                if (repacked == 2 && s % 2 == 1) {
                    acc = fmaf((float)isum, scale, acc);
                    accm = fmaf((float)imin, scale_min, accm);
                    isum = imin = 0;
                }
            }
            if (repacked != 2) {
                acc = fmaf((float)isum, scale, acc);
                accm = fmaf((float)imin, scale_min, accm);
            }
        }
        return acc - accm;
    }
    float acc[8] = { 0 }, accm[4] = { 0 };
    for (int b = 0; b < nb; b++) {
        const int8_t *q8 = qs + 256 * b;
        const int16_t *bs = bsums + 16 * b;
        const float d = dx[b] * vs_half_to_float(w[b].d);
        const float dmin = -dx[b] * vs_half_to_float(w[b].dmin);
        int sc[8], m[8];
        for (int s = 0; s < 8; s++) kq_scale_min(s, w[b].scales, &sc[s], &m[s]);
        for (int i = 0; i < 4; i++) {
            int32_t prod = m[2 * i] * (bs[4 * i] + bs[4 * i + 1]) + m[2 * i + 1] * (bs[4 * i + 2] + bs[4 * i + 3]);
            accm[i] = fmaf(dmin, (float)prod, accm[i]);
        }
        int32_t sumi[8] = { 0 };
        for (int s = 0; s < 8; s++) {
            int32_t lane[8];
            kq_q4k_lanes(&w[b], s, q8 + 32 * s, lane);
            for (int l = 0; l < 8; l++) sumi[l] += sc[s] * lane[l];
        }
        for (int l = 0; l < 8; l++) acc[l] = fmaf(d, (float)sumi[l], acc[l]);
    }
    return kq_hsum8(acc) + ((accm[0] + accm[2]) + (accm[1] + accm[3]));
}

/// One output of a Q6_K row (ggml_vec_dot_q6_K_q8_K): 6-bit values q in 0..63 stand for q − 32, taken
/// out afterwards as 32·Σ scale·bsum per lane pair, as ggml does.
KQ_INLINE float kq_dot_q6_K(const block_q6_K *w, const int8_t *qs, const float *dx, const int16_t *bsums, int nb) {
    float acc[8] = { 0 };
    for (int b = 0; b < nb; b++) {
        const int8_t *q8 = qs + 256 * b;
        const int16_t *bs = bsums + 16 * b;
        const int8_t *sc = w[b].scales;
        const float d = dx[b] * vs_half_to_float(w[b].d);
        int32_t sumi[8];
        for (int l = 0; l < 8; l++) sumi[l] = -32 * (bs[2 * l] * sc[2 * l] + bs[2 * l + 1] * sc[2 * l + 1]);
        for (int j = 0; j < 2; j++) {
            const uint8_t *ql = w[b].ql + 64 * j, *qh = w[b].qh + 32 * j;
            for (int k = 0; k < 4; k++) {
                const int8_t *a = q8 + 128 * j + 32 * k;
                for (int l = 0; l < 8; l++) {
                    int32_t sum = 0;
                    for (int e = 4 * l; e < 4 * l + 4; e++) {
                        const uint8_t low = k & 1 ? ql[e + 32] : ql[e];
                        const int q = ((k < 2 ? low & 0xF : low >> 4) | (((qh[e] >> (2 * k)) & 3) << 4));
                        sum += q * a[e];
                    }
                    sumi[l] += sc[8 * j + 2 * k + (l >= 4)] * sum;
                }
            }
        }
        for (int l = 0; l < 8; l++) acc[l] = fmaf(d, (float)sumi[l], acc[l]);
    }
    return kq_hsum8(acc);
}

/// One output of an unrepacked K-quant row as llama.cpp's tiled matmul computes it for 8 or more tokens
/// (ggml-cpu/tiled, AVX-512 VNNI microkernel): per 256-block one exact integer Σ_s sc_s·Σ(q − bias)·x
/// (and for Q4_K one Σ_s m_s·bsum_s), r = float(Σ)·d_w (Q4_K: r = fnmadd(dmin_w, float(Σm), r)),
/// y = fma(r, d_x, y) block after block (GCC contracts the kernel's multiply and add).
KQ_INLINE float kq_dot_tiled(int type, const void *wr, const int8_t *qs, const float *dx, const int16_t *bsums, int nb) {
    float y = 0;
    for (int b = 0; b < nb; b++) {
        const int8_t *q8 = qs + 256 * b;
        const int16_t *bs = bsums + 16 * b;
        float r;
        if (type == VS_Q6_K) {
            const block_q6_K *w = (const block_q6_K *)wr + b;
            int32_t isum = 0;
            for (int l = 0; l < 16; l++) isum -= 32 * w->scales[l] * bs[l];
            for (int j = 0; j < 2; j++) {
                const uint8_t *ql = w->ql + 64 * j, *qh = w->qh + 32 * j;
                for (int k = 0; k < 4; k++) {
                    const int8_t *a = q8 + 128 * j + 32 * k;
                    for (int e = 0; e < 32; e++) {
                        const uint8_t low = k & 1 ? ql[e + 32] : ql[e];
                        const int q = ((k < 2 ? low & 0xF : low >> 4) | (((qh[e] >> (2 * k)) & 3) << 4));
                        isum += w->scales[8 * j + 2 * k + (e >= 16)] * q * a[e];
                    }
                }
            }
            r = (float)isum * vs_half_to_float(w->d);
        } else {
            const block_q4_K *w = (const block_q4_K *)wr + b;
            int32_t isum = 0, imin = 0;
            for (int s = 0; s < 8; s++) {
                int sc, m;
                kq_scale_min(s, w->scales, &sc, &m);
                int32_t lane[8];
                kq_q4k_lanes(w, s, q8 + 32 * s, lane);
                int32_t dot = 0;
                for (int l = 0; l < 8; l++) dot += lane[l];
                isum += sc * dot;
                imin += m * (bs[2 * s] + bs[2 * s + 1]);
            }
            r = fmaf(-vs_half_to_float(w->dmin), (float)imin, (float)isum * vs_half_to_float(w->d));
        }
        y = fmaf(r, dx[b], y);
    }
    return y;
}

/// Rows [r0, r1) × n tokens of a K-quant matrix.
KQ_INLINE void kq_matmul(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                         const void *qk, int n, float *y, size_t ldy) {
    const size_t stride = vs_q8k_bytes(cols);
    const int nb = cols / 256;
    // llama.cpp runs an unrepacked K-quant matrix through its tiled matmul from 8 tokens up
    // (ggml_tiled_min_batch), through ggml_vec_dot_*_q8_K below that.
    const int tiled = !repacked && n >= 8;
    // A repacked Q4_K matrix: ggml_gemm_q4_K_8x8_q8_K for the tokens in whole groups of 4, gemv after.
    const int grouped = repacked ? n - n % 4 : 0;
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        for (int t = 0; t < n; t++) {
            const char *tok = (const char *)qk + (size_t)t * stride;
            y[(size_t)t * ldy + r] = tiled
                ? kq_dot_tiled(type, wr, q8k_qs(tok), q8k_d(tok, cols), q8k_bsums(tok, cols), nb)
                : type == VS_Q6_K
                ? kq_dot_q6_K((const block_q6_K *)wr, q8k_qs(tok), q8k_d(tok, cols), q8k_bsums(tok, cols), nb)
                : kq_dot_q4_K(repacked && t < grouped ? 2 : repacked, (const block_q4_K *)wr, q8k_qs(tok), q8k_d(tok, cols), q8k_bsums(tok, cols), nb);
        }
    }
}
#endif

// K-quant weights (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K) × Q8_K activations, in the floating-point order of
// llama.cpp's x86 CPU backend. Included by scalar.c (portable build), avx2.c (the same code compiled
// for AVX2 + FMA, which the compiler vectorises) and avx512_kquants.c (the integer sums by VNNI): the
// integer sums are exact in any order, and every float operation is written out here one by one, so
// every build gives llama.cpp's bits.
//
// Every routine reads a 256-block as kq_decode leaves it: unsigned codes (value = code − bias), an
// integer scale and minimum per sub-block of 16 or 32, and the block's f32 scales. Which llama.cpp
// routine a matrix meets decides the float order (KQ_MODE_*):
//   not repacked, n ≥ 8  ggml-cpu/tiled (ggml_compute_forward_mul_mat_tiled, on unless GGML_CPU_TILED_MM=0):
//                        one integer Σ = Σ_s sc_s·Σ(q − bias)·x and Σm = Σ_s m_s·bsum_s per 256-block,
//                        r = float(Σ)·d_w (with mins: r = fnmadd(dmin_w, float(Σm), r)), y = fma(r, d_x, y)
//   Q4_K, Q2_K with      repacked at load (CPU_REPACK buffer; Q4_Kx8 on AVX2, Q2_Kx8 on AVX-512) and run by
//   rows % 8 == 0        ggml_gemv/gemm_q{4,2}_K_8x8_q8_K: per 256-block (gemv) or per 64 (Q4_K gemm) / 128
//                        (Q2_K gemm) elements, tokens in whole groups of 4, one Σ and one Σm,
//                        acc = fma(Σ, d_w·d_x, acc), accm = fma(Σm, dmin_w·d_x, accm), y = acc − accm
//   otherwise, n < 8     ggml_vec_dot_q*_K_q8_K (AVX2 branches): 8 integer lanes l of the columns 4l…4l+3
//                        of every 32, acc_l = fma(d_x·d_w, lane_l, acc_l), y = hsum_float_8(acc), and the
//                        minimums per type: Q2_K adds fma(−d_x·dmin_w, m·bsum pairs, acc_l) per lane
//                        first, Q4_K 4 lanes accm_i then ((m0 + m2) + (m1 + m3)), Q5_K one running
//                        fma into a scalar; Q6_K takes its −32 out per lane as 32·Σ sc·bsum.
#ifndef VSYNTH_KQUANTS_H
#define VSYNTH_KQUANTS_H
#include "internal.h"

#define KQ_INLINE static inline __attribute__((always_inline))

/// ggml's hsum_float_8: ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7)).
KQ_INLINE float kq_hsum8(const float a[8]) {
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

/// Q4_K's and Q5_K's 6-bit scale and minimum of sub-block j (get_scale_min_k4).
KQ_INLINE void kq_scale_min(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) { *sc = q[j] & 63; *m = q[j + 4] & 63; }
    else { *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4); *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
}

/// The fields of a Q4_K or Q5_K block: the same, but for Q5_K's fifth bits qh (NULL for Q4_K).
typedef struct { uint16_t d, dmin; const uint8_t *scales, *qs, *qh; } kq_q45_block;
KQ_INLINE kq_q45_block kq_q45(int type, const void *wr, int b) {
    if (type == VS_Q5_K) {
        const block_q5_K *x = (const block_q5_K *)wr + b;
        return (kq_q45_block){ x->d, x->dmin, x->scales, x->qs, x->qh };
    }
    const block_q4_K *x = (const block_q4_K *)wr + b;
    return (kq_q45_block){ x->d, x->dmin, x->scales, x->qs, NULL };
}

/// One 256-block decoded: element e is sc[e / sub] · (q[e] − bias) · d − m[e / sub] · dmin.
typedef struct {
    // Aligned: the SIMD decoders store these and the sums load them in whole registers.
    _Alignas(64) uint8_t q[256];
    _Alignas(64) int32_t lane_sc[64];   ///< sc of elements 4j…4j+3
    _Alignas(32) int16_t sc16[16];      ///< sc of elements 16g…16g+15, for the sums with Q8_K's 16-sums
    _Alignas(32) int16_t m16[16];       ///< m of elements 16g…16g+15
    int32_t sc[16], m[16];   ///< per sub-block, from kq_decode_scales (the SIMD decoders skip them)
    int sub;          ///< elements per sub-block: 16 or 32
    int bias;         ///< Q3_K 4, Q6_K 32, else 0
    int has_min;      ///< Q2_K, Q4_K, Q5_K
    float d, dmin;
} kq_block;

/// The scales of block `b` of the row at `wr` (ggml-common.h layouts): sc, m, sub, bias, has_min, d, dmin.
KQ_INLINE void kq_decode_scales(int type, const void *wr, int b, kq_block *k) {
    k->bias = 0; k->has_min = 0; k->dmin = 0;
    switch (type) {
    case VS_Q2_K: {
        const block_q2_K *x = (const block_q2_K *)wr + b;
        k->sub = 16; k->has_min = 1;
        k->d = vs_half_to_float(x->d); k->dmin = vs_half_to_float(x->dmin);
        for (int s = 0; s < 16; s++) { k->sc[s] = x->scales[s] & 0xF; k->m[s] = x->scales[s] >> 4; }
        return;
    }
    case VS_Q3_K: {
        const block_q3_K *x = (const block_q3_K *)wr + b;
        k->sub = 16; k->bias = 4;
        k->d = vs_half_to_float(x->d);
        for (int s = 0; s < 16; s++) {   // 4 low bits, then 2 high bits from bytes 8-11
            const int low = s < 8 ? x->scales[s] & 0xF : x->scales[s - 8] >> 4;
            k->sc[s] = (low | ((x->scales[8 + s % 4] >> (2 * (s / 4))) & 3) << 4) - 32;
            k->m[s] = 0;
        }
        return;
    }
    case VS_Q4_K: case VS_Q5_K: {
        const kq_q45_block x = kq_q45(type, wr, b);
        k->sub = 32; k->has_min = 1;
        k->d = vs_half_to_float(x.d); k->dmin = vs_half_to_float(x.dmin);
        for (int s = 0; s < 8; s++) {
            int sc, m;
            kq_scale_min(s, x.scales, &sc, &m);
            k->sc[s] = sc; k->m[s] = m;
        }
        return;
    }
    default: {   // VS_Q6_K
        const block_q6_K *x = (const block_q6_K *)wr + b;
        k->sub = 16; k->bias = 32;
        k->d = vs_half_to_float(x->d);
        for (int s = 0; s < 16; s++) { k->sc[s] = x->scales[s]; k->m[s] = 0; }
        return;
    }
    }
}

/// The codes k->q of block `b` (element orders as dequantize_row_q*_K), one element at a time: the
/// reference of kq_decode_codes_avx2 (kquants_avx2.h).
KQ_INLINE void kq_decode_codes(int type, const void *wr, int b, kq_block *k) {
    switch (type) {
    case VS_Q2_K: {
        const block_q2_K *x = (const block_q2_K *)wr + b;
        for (int e = 0; e < 256; e++)   // half e/128, byte e%32, bits 2·(e%128/32)
            k->q[e] = (x->qs[32 * (e >> 7) + (e & 31)] >> (2 * ((e & 127) >> 5))) & 3;
        return;
    }
    case VS_Q3_K: {
        const block_q3_K *x = (const block_q3_K *)wr + b;
        for (int e = 0; e < 256; e++) {   // 2 bits from qs as Q2_K, the third from hmask
            const int half = e >> 7, group = (e & 127) >> 5, l = e & 31;
            k->q[e] = ((x->qs[32 * half + l] >> (2 * group)) & 3) | (((x->hmask[l] >> (4 * half + group)) & 1) << 2);
        }
        return;
    }
    case VS_Q4_K: case VS_Q5_K: {
        const kq_q45_block x = kq_q45(type, wr, b);
        for (int s = 0; s < 8; s++)
            for (int l = 0; l < 32; l++) {   // sub-block s: nibble s&1 of qs[32·(s/2) + l], Q5_K's bit s of qh[l]
                int v = (x.qs[32 * (s / 2) + l] >> (4 * (s & 1))) & 0xF;
                if (x.qh) v |= ((x.qh[l] >> s) & 1) << 4;
                k->q[32 * s + l] = (uint8_t)v;
            }
        return;
    }
    default: {   // VS_Q6_K
        const block_q6_K *x = (const block_q6_K *)wr + b;
        for (int e = 0; e < 256; e++) {
            const int half = e >> 7, kk = (e & 127) >> 5, l = e & 31;
            const uint8_t low = x->ql[64 * half + l + 32 * (kk & 1)];
            k->q[e] = (uint8_t)((kk < 2 ? low & 0xF : low >> 4) | (((x->qh[32 * half + l] >> (2 * kk)) & 3) << 4));
        }
        return;
    }
    }
}

/// k->lane_sc, k->sc16 and k->m16 from k->sc and k->m.
KQ_INLINE void kq_lane_scales(kq_block *k) {
    const int shift = k->sub == 16 ? 0 : 1;
    for (int j = 0; j < 64; j++) k->lane_sc[j] = k->sc[(j >> 2) >> shift];
    for (int g = 0; g < 16; g++) { k->sc16[g] = (int16_t)k->sc[g >> shift]; k->m16[g] = (int16_t)k->m[g >> shift]; }
}

/// Block `b` of the row at `wr` decoded: element e is sc[e / sub] · (q[e] − bias) · d − m[e / sub] · dmin.
KQ_INLINE void kq_decode(int type, const void *wr, int b, kq_block *k) {
    kq_decode_scales(type, wr, b, k);
    kq_decode_codes(type, wr, b, k);
    kq_lane_scales(k);
}

/// The routine of llama.cpp an output comes from (see the top of this file).
enum { KQ_MODE_VEC = 0, KQ_MODE_TILED = 1, KQ_MODE_GEMV = 2, KQ_MODE_GEMM = 3 };

/// One output's running sums.
typedef struct { float acc[8], accm[4], y, ym; } kq_state;

/// The integer sums every routine starts from, for one block and one token: with v = q − lb and the
/// sub-block scales sc, lane[l] = Σ sc·v·x over columns 4l…4l+3 of every 32 (ggml_vec_dot's lanes) and
/// part[c] = Σ sc·v·x over elements 64c…64c+63, and over elements 32i…32i+31 mins[i] = Σ m·bsum and
/// scs[i] = Σ sc·bsum. lb is the block's bias, except for Q6_K's vec_dot (kq_lane_bias). Exact in any
/// order: kq_block_ints below or a SIMD kernel (avx512_kquants.c).
typedef struct { int32_t lane[8], part[4], mins[8], scs[8]; } kq_ints;

/// The bias the sums of `k` are taken with: Q6_K's ggml_vec_dot multiplies the unsigned codes and
/// takes its 32 out afterwards (kq_accumulate).
KQ_INLINE int kq_lane_bias(int type, int mode, const kq_block *k) {
    return type == VS_Q6_K && mode == KQ_MODE_VEC ? 0 : k->bias;
}

/// kq_ints of block `k` against one token's 256 activations `x` and their 16-sums `bs`. (A SIMD version
/// may leave out what `mode` does not read: lane for all but KQ_MODE_VEC, part for it; for TILED and
/// GEMV it may give the total in part[0] and 0 in the others.)
KQ_INLINE void kq_block_ints(const kq_block *k, int lb, const int8_t *x, const int16_t *bs, int mode, kq_ints *out) {
    (void)mode;
    int32_t lane[8] = { 0 }, part[4] = { 0 };
    for (int c = 0; c < 4; c++)
        for (int e = 64 * c; e < 64 * c + 64; e++) {
            const int32_t v = k->lane_sc[e >> 2] * (k->q[e] - lb) * x[e];
            lane[(e & 31) >> 2] += v;
            part[c] += v;
        }
    memcpy(out->lane, lane, sizeof lane);
    memcpy(out->part, part, sizeof part);
    for (int i = 0; i < 8; i++) {
        out->mins[i] = k->m16[2 * i] * bs[2 * i] + k->m16[2 * i + 1] * bs[2 * i + 1];
        out->scs[i] = k->sc16[2 * i] * bs[2 * i] + k->sc16[2 * i + 1] * bs[2 * i + 1];
    }
}

/// Σ m·bsum over elements [e0, e1) (multiples of 32).
KQ_INLINE int32_t kq_min_sum(const kq_ints *ints, int e0, int e1) {
    int32_t mins = 0;
    for (int i = e0 / 32; i < e1 / 32; i++) mins += ints->mins[i];
    return mins;
}

/// Adds block `k` (its sums against this token in `ints`) with the token's Q8_K scale `dx` to `st`, in
/// the float order of `mode`.
KQ_INLINE void kq_accumulate(int type, int mode, const kq_block *k, const kq_ints *ints, float dx, kq_state *st) {
    if (mode == KQ_MODE_TILED) {
        const int32_t isum = ints->part[0] + ints->part[1] + ints->part[2] + ints->part[3];
        float r = (float)isum * k->d;
        if (k->has_min) r = fmaf(-k->dmin, (float)kq_min_sum(ints, 0, 256), r);
        st->y = fmaf(r, dx, st->y);
        return;
    }
    if (mode != KQ_MODE_VEC) {
        // The gemm adds per 64 (Q4_K) or 128 (Q2_K) elements, the gemv per block.
        const int parts = mode == KQ_MODE_GEMV ? 4 : type == VS_Q4_K ? 1 : 2;
        const float scale = k->d * dx, scale_min = k->dmin * dx;
        for (int c0 = 0; c0 < 4; c0 += parts) {
            int32_t isum = 0;
            for (int c = c0; c < c0 + parts; c++) isum += ints->part[c];
            st->y = fmaf((float)isum, scale, st->y);
            st->ym = fmaf((float)kq_min_sum(ints, 64 * c0, 64 * (c0 + parts)), scale_min, st->ym);
        }
        return;
    }
    const float d = dx * k->d, dmin = -dx * k->dmin;
    int32_t lane[8];
    memcpy(lane, ints->lane, sizeof lane);
    switch (type) {
    case VS_Q2_K:
        for (int l = 0; l < 8; l++)
            st->acc[l] = fmaf(dmin, (float)ints->mins[l], st->acc[l]);
        break;
    case VS_Q4_K:
        for (int i = 0; i < 4; i++) st->accm[i] = fmaf(dmin, (float)kq_min_sum(ints, 64 * i, 64 * i + 64), st->accm[i]);
        break;
    case VS_Q5_K:
        st->ym = fmaf(dmin, (float)kq_min_sum(ints, 0, 256), st->ym);
        break;
    case VS_Q6_K:
        for (int l = 0; l < 8; l++) lane[l] -= 32 * ints->scs[l];
        break;
    default: break;
    }
    for (int l = 0; l < 8; l++) st->acc[l] = fmaf(d, (float)lane[l], st->acc[l]);
}

/// The output `st` has summed.
KQ_INLINE float kq_finish(int type, int mode, const kq_state *st) {
    if (mode == KQ_MODE_TILED) return st->y;
    if (mode != KQ_MODE_VEC) return st->y - st->ym;
    const float h = kq_hsum8(st->acc);
    if (type == VS_Q4_K) return h + ((st->accm[0] + st->accm[2]) + (st->accm[1] + st->accm[3]));
    if (type == VS_Q5_K) return h + st->ym;
    return h;
}

/// The routine llama.cpp runs token `t` of `n` through (see the top of this file): a repacked matrix
/// through the gemm for the tokens in whole groups of 4 and the gemv after; otherwise the tiled matmul
/// from 8 tokens up (ggml_tiled_min_batch), ggml_vec_dot below.
KQ_INLINE int kq_mode(int repacked, int t, int n) {
    return repacked ? (t < n - n % VS_KQ_GEMM_GROUP ? KQ_MODE_GEMM : KQ_MODE_GEMV)
                    : n >= VS_KQ_TILED_MIN ? KQ_MODE_TILED : KQ_MODE_VEC;
}

/// Tokens handled per pass over a row: each block is decoded once for all of them.
#define KQ_TOKENS 16

/// Rows [r0, r1) × n tokens of a K-quant matrix; `repacked`: llama.cpp repacked it (vs_llamacpp_repacks).
/// `decode` fills a kq_block (kq_decode, or a SIMD version with the same contents); `ints` computes kq_ints
/// (kq_block_ints, or a SIMD version with the same integers).
typedef void (*kq_decoder)(int, const void *, int, kq_block *);
typedef void (*kq_summer)(const kq_block *, int, const int8_t *, const int16_t *, int, kq_ints *);
KQ_INLINE void kq_matmul(kq_decoder decode, kq_summer ints, int type, int repacked,
                         const void *w, size_t row_bytes, int cols, int r0, int r1, const void *qk, int n,
                         float *y, size_t ldy) {
    const size_t stride = vs_q8k_bytes(cols);
    const int nb = cols / 256;
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        for (int t0 = 0; t0 < n; t0 += KQ_TOKENS) {
            const int tn = n - t0 < KQ_TOKENS ? n - t0 : KQ_TOKENS;
            kq_state st[KQ_TOKENS];
            memset(st, 0, sizeof st);
            for (int b = 0; b < nb; b++) {
                kq_block k;
                decode(type, wr, b, &k);
                for (int i = 0; i < tn; i++) {
                    const char *tok = (const char *)qk + (size_t)(t0 + i) * stride;
                    const int8_t *x = q8k_qs(tok) + 256 * b;
                    const int16_t *bs = q8k_bsums(tok, cols) + 16 * b;
                    const float dx = q8k_d(tok, cols)[b];
                    kq_ints sums;
                    // The mode a constant in each case, so that `ints` computes only what it reads.
#define KQ_STEP(M) ints(&k, kq_lane_bias(type, M, &k), x, bs, M, &sums); kq_accumulate(type, M, &k, &sums, dx, &st[i]); break;
                    switch (kq_mode(repacked, t0 + i, n)) {
                    case KQ_MODE_VEC: KQ_STEP(KQ_MODE_VEC)
                    case KQ_MODE_TILED: KQ_STEP(KQ_MODE_TILED)
                    case KQ_MODE_GEMV: KQ_STEP(KQ_MODE_GEMV)
                    default: KQ_STEP(KQ_MODE_GEMM)
                    }
#undef KQ_STEP
                }
            }
            for (int i = 0; i < tn; i++)
                y[(size_t)(t0 + i) * ldy + r] = kq_finish(type, kq_mode(repacked, t0 + i, n), &st[i]);
        }
    }
}

/// kq_matmul with the type a constant in each case, so that the compiler specialises decoding and sums
/// for each type.
KQ_INLINE void kq_matmul_typed(kq_decoder decode, kq_summer ints, int type, int repacked, const void *w,
                               size_t row_bytes, int cols, int r0, int r1, const void *qk, int n, float *y, size_t ldy) {
#define KQ_CASE(T) case T: kq_matmul(decode, ints, T, repacked, w, row_bytes, cols, r0, r1, qk, n, y, ldy); return;
    switch (type) {
    KQ_CASE(VS_Q2_K) KQ_CASE(VS_Q3_K) KQ_CASE(VS_Q4_K) KQ_CASE(VS_Q5_K)
    default: kq_matmul(decode, ints, VS_Q6_K, repacked, w, row_bytes, cols, r0, r1, qk, n, y, ldy); return;
    }
#undef KQ_CASE
}
#endif

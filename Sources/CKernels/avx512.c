// AVX-512 (F/BW/VL/DQ + VNNI) kernels. Compiled for every x86-64 target with per-function target
// attributes and only called when the CPU has the features (vs_best_path).
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include "CKernels.h"
#include "internal.h"
#include "packed.h"

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))
#include "reduce512.h"
/// How many rows ahead pack_weights prefetches.
#define PREFETCH_ROWS 8

// MARK: Activation quantization

TGT void vs_quantize_tokens_avx512(const float *x, size_t ldx, int cols, int t0, int t1, void *qa) {
    size_t stride = vs_qact_bytes(cols);
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    for (int t = t0; t < t1; t++) {
        const float *xt = x + (size_t)t * ldx;
        char *tok = (char *)qa + (size_t)t * stride;
        int8_t *qs = (int8_t *)tok;
        float *ds = (float *)(tok + cols);
        int32_t *sums = (int32_t *)(tok + cols + (size_t)cols / 32 * 4);
        for (int b = 0; b < cols / 32; b++) {
            __m512 v0 = _mm512_loadu_ps(xt + b * 32), v1 = _mm512_loadu_ps(xt + b * 32 + 16);
            __m512 a = _mm512_max_ps(_mm512_and_ps(v0, absmask), _mm512_and_ps(v1, absmask));
            float amax = _mm512_reduce_max_ps(a);
            float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
            __m512 vid = _mm512_set1_ps(id);
            // Round to nearest (ties to even; the reference rounds ties away, a difference only at exact ties).
            __m512 s0 = _mm512_mul_ps(v0, vid), s1 = _mm512_mul_ps(v1, vid);
            __m512i q0 = _mm512_cvtps_epi32(_mm512_roundscale_ps(s0, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m512i q1 = _mm512_cvtps_epi32(_mm512_roundscale_ps(s1, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            _mm_storeu_si128((__m128i *)(qs + b * 32), _mm512_cvtepi32_epi8(q0));
            _mm_storeu_si128((__m128i *)(qs + b * 32 + 16), _mm512_cvtepi32_epi8(q1));
            ds[b] = d;
            sums[b] = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        }
    }
}

// MARK: Weight packing (see packed.h)

/// Packs `rows` rows starting at `w` into `out` (vs_packed_weight_bytes per row).
TGT static void pack_weights(int type, const char *w, size_t row_bytes, int cols, int rows, char *out) {
    int nb = cols / 32, groups = vs_groups(cols), pairs = vs_pairs(cols);
    size_t bb = row_bytes / (size_t)nb;               // bytes per block: 18, 20 or 34
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i index = _mm512_mullo_epi32(lanes, _mm512_set1_epi32((int)bb));
    const __m512i nib = _mm512_set1_epi8(0x0F), flip = _mm512_set1_epi8((char)0x80);
    for (int r = 0; r < rows; r++) {
        const char *row = w + (size_t)r * row_bytes;
        // Gathers do not train the hardware prefetcher: fetch rows a few ahead (decode streams the
        // weights from DRAM). Prefetches never fault, so running past the matrix is harmless.
        const char *ahead = row + (size_t)PREFETCH_ROWS * row_bytes;
        for (size_t off = 0; off < row_bytes; off += 64) _mm_prefetch(ahead + off, _MM_HINT_T0);
        for (int g = 0; g < groups; g++) {
            const char *base = row + (size_t)g * 16 * bb;
            __m512i *v = (__m512i *)out;
            __m512i dm = _mm512_i32gather_epi32(index, (const void *)base, 1);
            __m512 d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(dm)), m = _mm512_setzero_ps();
            if (type == VS_Q8_0) {
                for (int k = 0; k < 8; k++)
                    _mm512_store_si512(v + k, _mm512_xor_si512(_mm512_i32gather_epi32(index, (const void *)(base + 2 + 4 * k), 1), flip));
            } else {
                int qoff = type == VS_Q4_1 ? 4 : 2;
                for (int k = 0; k < 4; k++) {
                    __m512i q = _mm512_i32gather_epi32(index, (const void *)(base + qoff + 4 * k), 1);
                    _mm512_store_si512(v + k, _mm512_and_si512(q, nib));
                    _mm512_store_si512(v + k + 4, _mm512_and_si512(_mm512_srli_epi32(q, 4), nib));
                }
                if (type == VS_Q4_1) m = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(dm, 16)));
            }
            _mm512_store_ps((float *)(out + 512), d);
            _mm512_store_ps((float *)(out + 576), m);
            out += 640;
        }
        for (int p = 0; p < pairs; p++) {
            memset(out, 0, 192);
            float *dv = (float *)(out + 64), *mv = (float *)(out + 128);
            for (int h = 0; h < 2; h++) {
                int b = groups * 16 + 2 * p + h;
                if (b >= nb) break;
                const uint8_t *blk = (const uint8_t *)row + (size_t)b * bb;
                uint8_t *u = (uint8_t *)out + 32 * h;
                uint16_t dh, mh = 0;
                memcpy(&dh, blk, 2);
                if (type == VS_Q8_0) {
                    for (int j = 0; j < 32; j++) u[j] = blk[2 + j] ^ 0x80;
                } else {
                    const uint8_t *qs = blk + (type == VS_Q4_1 ? 4 : 2);
                    for (int j = 0; j < 16; j++) { u[j] = qs[j] & 0xF; u[j + 16] = qs[j] >> 4; }
                    if (type == VS_Q4_1) memcpy(&mh, blk + 2, 2);
                }
                float df = vs_half_to_float(dh), mf = type == VS_Q4_1 ? vs_half_to_float(mh) : 0.0f;
                for (int l = 0; l < 8; l++) { dv[8 * h + l] = df; mv[8 * h + l] = mf; }
            }
            out += 192;
        }
    }
}

// MARK: Microkernel: R packed weight rows × T packed tokens

/// y[t*ldy + r] for R rows and T tokens over all units. `shift` is log2 of the offset (3: Q4_0,
/// 7: Q8_0), or -1 for Q4_1 (no offset; the minimum term instead).
INLINE TGT void microkernel(const int R, const int T, int shift, int groups, int pairs,
                             const char *w, size_t wstride, const char *a, size_t astride,
                             float *y, size_t ldy) {
    __m512 F[4][4];
    for (int r = 0; r < R; r++) for (int t = 0; t < T; t++) F[r][t] = _mm512_setzero_ps();
    for (int unit = 0; unit < groups + pairs; unit++) {
        const int V = unit < groups ? 8 : 1;
        size_t woff = unit < groups ? (size_t)unit * 640 : (size_t)groups * 640 + (size_t)(unit - groups) * 192;
        size_t aoff = unit < groups ? (size_t)unit * 704 : (size_t)groups * 704 + (size_t)(unit - groups) * 256;
        __m512i I[4][4];
        for (int t = 0; t < T; t++) {
            __m512i init = _mm512_setzero_si512();
            if (shift == 3) init = _mm512_slli_epi32(_mm512_load_si512((const void *)(a + t * astride + aoff + V * 64 + 64)), 3);
            if (shift == 7) init = _mm512_slli_epi32(_mm512_load_si512((const void *)(a + t * astride + aoff + V * 64 + 64)), 7);
            for (int r = 0; r < R; r++) I[r][t] = init;
        }
        if (V == 8) {
            for (int k = 0; k < 8; k++) {
                __m512i X[4];
                for (int t = 0; t < T; t++) X[t] = _mm512_load_si512((const void *)(a + t * astride + aoff + k * 64));
                for (int r = 0; r < R; r++) {
                    __m512i W = _mm512_load_si512((const void *)(w + r * wstride + woff + k * 64));
                    for (int t = 0; t < T; t++) I[r][t] = _mm512_dpbusd_epi32(I[r][t], W, X[t]);
                }
            }
        } else {
            __m512i X[4];
            for (int t = 0; t < T; t++) X[t] = _mm512_load_si512((const void *)(a + t * astride + aoff));
            for (int r = 0; r < R; r++) {
                __m512i W = _mm512_load_si512((const void *)(w + r * wstride + woff));
                for (int t = 0; t < T; t++) I[r][t] = _mm512_dpbusd_epi32(I[r][t], W, X[t]);
            }
        }
        for (int r = 0; r < R; r++) {
            __m512 dw = _mm512_load_ps((const float *)(w + r * wstride + woff + V * 64));
            for (int t = 0; t < T; t++) {
                __m512 dx = _mm512_load_ps((const float *)(a + t * astride + aoff + V * 64));
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(I[r][t]), dx);
                F[r][t] = _mm512_fmadd_ps(f, dw, F[r][t]);
            }
            if (shift < 0) {
                __m512 mw = _mm512_load_ps((const float *)(w + r * wstride + woff + V * 64 + 64));
                for (int t = 0; t < T; t++) {
                    __m512 ds = _mm512_load_ps((const float *)(a + t * astride + aoff + V * 64 + 128));
                    F[r][t] = _mm512_fmadd_ps(mw, ds, F[r][t]);
                }
            }
        }
    }
    // Every element summed by vs_hsum4_512, whatever R: the same float operations as the GEMV's.
    for (int t = 0; t < T; t++) {
        __m128 s = vs_hsum4_512(F[0][t], F[R > 1 ? 1 : 0][t], F[R > 2 ? 2 : 0][t], F[R > 3 ? 3 : 0][t]);
        if (R == 4) { _mm_storeu_ps(y + t * ldy, s); continue; }
        float lanes[4];
        _mm_storeu_ps(lanes, s);
        for (int r = 0; r < R; r++) y[t * ldy + r] = lanes[r];
    }
}

#define MK_CASES(R) \
    switch (T) { \
    case 1: microkernel(R, 1, shift, groups, pairs, w, wstride, a, astride, y, ldy); break; \
    case 2: microkernel(R, 2, shift, groups, pairs, w, wstride, a, astride, y, ldy); break; \
    default: microkernel(R, 3, shift, groups, pairs, w, wstride, a, astride, y, ldy); break; \
    }

/// One specialisation per offset so `shift` is a constant inside the unrolled kernel.
#define MK_SHIFT(NAME, SHIFT) \
TGT __attribute__((noinline)) static void NAME(int R, int T, int groups, int pairs, const char *w, size_t wstride, \
                                               const char *a, size_t astride, float *y, size_t ldy) { \
    const int shift = SHIFT; \
    switch (R) { case 1: MK_CASES(1) break; case 2: MK_CASES(2) break; case 3: MK_CASES(3) break; default: MK_CASES(4) break; } \
}
MK_SHIFT(mk_q4_1, -1)
MK_SHIFT(mk_q4_0, 3)
MK_SHIFT(mk_q8_0, 7)

/// Rows [r0, r1) × all n tokens: weights are packed a panel of rows at a time (16 rows, or 4 for a
/// few tokens so the panel stays in L1), then every (4 rows × 3 tokens) tile runs the microkernel.
TGT void vs_matmul_q_avx512(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                            const void *qp, int n, float *y, size_t ldy) {
    int groups = vs_groups(cols), pairs = vs_pairs(cols);
    size_t wstride = vs_packed_weight_bytes(cols), astride = vs_packed_act_token_bytes(cols);
    int panel = n <= 6 ? 4 : 16;
    char stackbuf[16 * 4096] __attribute__((aligned(64)));
    char *buf = (size_t)panel * wstride <= sizeof(stackbuf) ? stackbuf : aligned_alloc(64, ((size_t)panel * wstride + 63) & ~(size_t)63);
    if (!buf) return;
    void (*mk)(int, int, int, int, const char *, size_t, const char *, size_t, float *, size_t) =
        type == VS_Q4_1 ? mk_q4_1 : type == VS_Q4_0 ? mk_q4_0 : mk_q8_0;
    // Token blocks small enough that their packed activations stay in L2 while every weight panel
    // passes over them (512 tokens × 1536 columns would be 1 MB).
    int block = (int)((256 * 1024) / astride);
    block = block < 3 ? 3 : block > 255 ? 255 : block - block % 3;
    // Results go to a tile of whole cache lines (16 rows × the block's tokens) first, then to y a line
    // per token: a large y (the logits of a batch: 512 × 49152 floats) is written with streaming
    // stores instead of a read-for-ownership miss on every 16-byte piece.
    float ytile[256 * 16] __attribute__((aligned(64)));
    const int stream = (size_t)n * ldy * 4 > ((size_t)16 << 20);
    for (int b0 = 0; b0 < n; b0 += block) {
    int bn = n - b0 < block ? n - b0 : block;
    for (int p0 = r0; p0 < r1; p0 += panel) {
        int rows = r1 - p0 < panel ? r1 - p0 : panel;
        pack_weights(type, (const char *)w + (size_t)p0 * row_bytes, row_bytes, cols, rows, buf);
        // Fetch the next panel while this one computes, a few lines per token tile (a burst of
        // prefetches would overflow the miss queue and be dropped).
        const char *next = (const char *)w + (size_t)(p0 + 2 * panel) * row_bytes;
        size_t lines = ((size_t)panel * row_bytes + 63) / 64, tiles = (size_t)(bn + 2) / 3;
        size_t per_tile = (lines + tiles - 1) / tiles, line = 0;
        for (int t0 = b0; t0 < b0 + bn; t0 += 3) {
            int T = b0 + bn - t0 < 3 ? b0 + bn - t0 : 3;
            for (size_t i = 0; i < per_tile && line < lines; i++, line++) _mm_prefetch(next + line * 64, _MM_HINT_T1);
            for (int q = 0; q < rows; q += 4) {
                int R = rows - q < 4 ? rows - q : 4;
                mk(R, T, groups, pairs, buf + (size_t)q * wstride, wstride,
                   (const char *)qp + (size_t)t0 * astride, astride, ytile + (size_t)(t0 - b0) * 16 + q, 16);
            }
        }
        __mmask16 mask = rows == 16 ? 0xFFFF : (__mmask16)((1u << rows) - 1);
        for (int t = 0; t < bn; t++) {
            float *dst = y + (size_t)(b0 + t) * ldy + p0;
            __m512 v = _mm512_load_ps(ytile + (size_t)t * 16);
            if (stream && rows == 16 && ((uintptr_t)dst & 63) == 0) _mm512_stream_ps(dst, v);
            else _mm512_mask_storeu_ps(dst, mask, v);
        }
    }
    }
    if (stream) _mm_sfence();
    if (buf != stackbuf) free(buf);
}

// MARK: F32, F16, BF16 and Q6_K weights: dequantized rows · f32 activations

TGT static void dequantize_row_avx512(int type, const void *row, float *out, int cols) {
    if (type == VS_F16) {
        const uint16_t *h = row;
        for (int c = 0; c < cols; c += 16) {
            __mmask16 m = cols - c >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - c)) - 1);
            _mm512_mask_storeu_ps(out + c, m, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, h + c)));
        }
    } else if (type == VS_BF16) {
        const uint16_t *h = row;
        for (int c = 0; c < cols; c += 16) {
            __mmask16 m = cols - c >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - c)) - 1);
            __m512i v = _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, h + c)), 16);
            _mm512_mask_storeu_ps(out + c, m, _mm512_castsi512_ps(v));
        }
    } else {
        vs_dequantize_row_scalar(type, row, out, cols);
    }
}

TGT void vs_matmul_f_avx512(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                            const float *x, size_t ldx, int n, float *y, size_t ldy) {
    float *buf = aligned_alloc(64, ((size_t)cols * 4 + 63) & ~(size_t)63);
    if (!buf) return;
    for (int r = r0; r < r1; r++) {
        const char *wr = (const char *)w + (size_t)r * row_bytes;
        const float *row = type == VS_F32 ? (const float *)wr : buf;
        if (type != VS_F32) dequantize_row_avx512(type, wr, buf, cols);
        for (int t = 0; t < n; t++) {
            const float *xt = x + (size_t)t * ldx;
            __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
            int c = 0;
            for (; c + 32 <= cols; c += 32) {
                s0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + c), _mm512_loadu_ps(xt + c), s0);
                s1 = _mm512_fmadd_ps(_mm512_loadu_ps(row + c + 16), _mm512_loadu_ps(xt + c + 16), s1);
            }
            for (; c < cols; c += 16) {
                __mmask16 m = cols - c >= 16 ? 0xFFFF : (__mmask16)((1u << (cols - c)) - 1);
                s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, row + c), _mm512_maskz_loadu_ps(m, xt + c), s0);
            }
            y[(size_t)t * ldy + r] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
        }
    }
    free(buf);
}

TGT void vs_dequantize_row_avx512(int type, const void *row, float *out, int cols) {
    dequantize_row_avx512(type, row, out, cols);
}
#endif

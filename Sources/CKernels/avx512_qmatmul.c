// AVX-512 VNNI matmul of Q4_0, Q4_1, Q5_0 and Q8_0 weights with 8-bit activations, in llama.cpp's exact
// floating-point order.
//
// llama.cpp's CPU backend (ggml_vec_dot_q4_1_q8_1 and friends, x86) computes one output as:
//
//     for each block b of 32:   g_i = Σ_{j=4i}^{4i+3} w_j·q_j   (8 integer lanes, exact)
//                               acc_i = fma(d_w·d_x, (float)g_i, acc_i)
//     y = hsum8(acc) (+ Σ_b m_b·s_b for Q4_1, summed in order)
//     hsum8(a) = ((a4 + a0) + (a6 + a2)) + ((a5 + a1) + (a7 + a3))
//
// Every rounding of that is kept here, so the engine's numbers are llama.cpp's bits. The lanes are
// transposed: a 512-bit register holds one g_i (or acc_i) of 16 rows, so
//   - a block's scales d_w·d_x are one multiply of the 16 rows' d_w by the token's d_x, shared by the
//     8 FMAs of the block (ggml's layout needs a multiply or a broadcast per FMA, and on Zen 4 both
//     compete with the integer dot products and FMAs for the same pipes: 3 cycles per 64 products
//     where this layout takes about 2.3, against a floor of 2, one dot product and one FMA);
//   - the token's 4 activations of g_i are the dot product's broadcast memory operand;
//   - hsum8 is 7 vector additions for the 16 rows at once.
// Each weight register is reused for up to 3 tokens.
//
// Weights are repacked once (at model load, vs_pack_weights): rows in groups of 16, per group and block
//   Q8_0, Q5_0: for i = 0…7: u[r][4i…4i+3] for the 16 rows r (64 bytes), u = q + off
//   Q4_0, Q4_1: for k = 0…3: the nibble bytes qs[4k…4k+3] of the 16 rows (64 bytes): their low nibbles
//               are u of g_k, their high nibbles u of g_k+4 (ggml's element order)
//   then f16 d[16], then (Q4_1) f16 m[16]
// so a group's block takes as many bytes as its 16 GGUF blocks (Q5_0: 34 per 32 weights, the file 22).
//
// Weights are fed as unsigned bytes u = w + off (off = 0 for Q4_1, 8 for Q4_0, 16 for Q5_0, 128 for Q8_0),
// and each lane starts from −off·S_i, S_i the sum of its four activations (vs_pack_activations; the 8
// starts of a token's block are made at once and broadcast by loads), so the integer lane is exactly Σ w·q. It also starts from the bits of 1.5·2^23: the lane's float bits are then
// those of 1.5·2^23 + g_i (|g_i| < 2^22), and subtracting 1.5·2^23 gives (float)g_i exactly, on the
// adder pipes instead of the converter's.
#include <stdlib.h>
#include <string.h>
#include "CKernels.h"
#include "internal.h"
#include "kpacked.h"

/// Rows per packed group: one 512-bit register of f32 lanes.
#define GROUP_ROWS 16

/// Packed activations per token: int32 S[b][i] = Σ_{j<4} q[32b + 4i + j], padded to 64 bytes.
static inline size_t act_bytes(int cols) { return ((size_t)cols + 63) & ~(size_t)63; }

size_t vs_packed_act_token_bytes(int cols) { return act_bytes(cols); }

void vs_pack_activations(const void *qa, int cols, int t0, int t1, int n, void *packed) {
    (void)n;
    size_t stride = vs_qact_bytes(cols), pstride = act_bytes(cols);
    for (int t = t0; t < t1; t++) {
        const int8_t *q = qa_qs((const char *)qa + (size_t)t * stride);
        int32_t *S = (int32_t *)((char *)packed + (size_t)t * pstride);
        for (int g = 0; g < cols / 4; g++) S[g] = q[4 * g] + q[4 * g + 1] + q[4 * g + 2] + q[4 * g + 3];
    }
}

static inline size_t block_bytes(int type) { return (size_t)vs_weight_type(type)->bytes; }
/// Q8_0 and Q5_0 keep one byte per weight, Q4_0 and Q4_1 the nibbles.
static inline int byte_codes(int type) { return type == VS_Q8_0 || type == VS_Q5_0; }
/// Bytes of the codes of one block of one group.
static inline size_t codes_bytes(int type) { return byte_codes(type) ? 8 * 64 : 4 * 64; }
/// Bytes of one block of one group: the codes, 16 f16 scales, (Q4_1) 16 f16 minima.
static inline size_t group_block_bytes(int type) { return codes_bytes(type) + 32 + (type == VS_Q4_1 ? 32 : 0); }

int vs_pack_group_rows(int type) { return type == VS_Q4_K || type == VS_Q6_K ? KP_ROWS : GROUP_ROWS; }

size_t vs_packed_weight_bytes(int type, int rows, int cols) {
    const vs_weight_type_info *info = vs_weight_type(type);
    if (!info || !info->packs) return 0;
    if (type == VS_Q4_K) return vs_llamacpp_repacks(type, rows) ? vs_q4k_packed_bytes(rows, cols) : 0;
    if (type == VS_Q6_K) return vs_q6k_packed_bytes(rows, cols);
    return (size_t)((rows + GROUP_ROWS - 1) / GROUP_ROWS) * (size_t)(cols / 32) * group_block_bytes(type);
}

/// The unsigned codes u = q + off of one Q8_0 or Q5_0 block (dequantize_row_q5_0's element order).
static void unpack_codes(int type, const uint8_t *block, uint8_t u[32]) {
    if (type == VS_Q8_0) {
        for (int j = 0; j < 32; j++) u[j] = block[2 + j] ^ 0x80;
        return;
    }
    const block_q5_0 *x = (const block_q5_0 *)block;
    uint32_t qh;
    memcpy(&qh, x->qh, 4);
#pragma clang loop unroll(full)   // constant shifts (model load packs every Q5_0 block)
    for (int j = 0; j < 16; j++) {
        u[j] = (uint8_t)((x->qs[j] & 0x0F) | ((qh >> j) & 1) << 4);
        u[j + 16] = (uint8_t)((x->qs[j] >> 4) | ((qh >> (j + 16)) & 1) << 4);
    }
}

void vs_pack_weights(int type, const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out) {
    if (type == VS_Q4_K) { vs_q4k_pack(w, row_bytes, rows, cols, g0, g1, out); return; }
    if (type == VS_Q6_K) { vs_q6k_pack(w, row_bytes, rows, cols, g0, g1, out); return; }
    const int nb = cols / 32;
    const size_t bb = block_bytes(type), gbb = group_block_bytes(type), cb = codes_bytes(type);
    static const uint8_t zero_block[34] = { 0 };   // (Q5_0: codes 0, d = 0)
    for (int g = g0; g < g1; g++) {
        char *group = (char *)out + (size_t)g * nb * gbb;
        for (int b = 0; b < nb; b++) {
            uint8_t *o = (uint8_t *)group + (size_t)b * gbb;
            const uint8_t *blk[GROUP_ROWS];
            for (int r = 0; r < GROUP_ROWS; r++) {
                int row = g * GROUP_ROWS + r;
                blk[r] = row < rows ? (const uint8_t *)w + (size_t)row * row_bytes + (size_t)b * bb : zero_block;
            }
            for (int r = 0; r < GROUP_ROWS; r++) {
                if (byte_codes(type)) {
                    uint8_t u[32];
                    unpack_codes(type, blk[r], u);
                    for (int i = 0; i < 8; i++) memcpy(o + 64 * i + 4 * r, u + 4 * i, 4);
                } else {
                    const int qoff = type == VS_Q4_1 ? 4 : 2;
                    for (int k = 0; k < 4; k++) memcpy(o + 64 * k + 4 * r, blk[r] + qoff + 4 * k, 4);
                }
                memcpy(o + cb + 2 * r, blk[r], 2);                                  // d
                if (type == VS_Q4_1) memcpy(o + cb + 32 + 2 * r, blk[r] + 2, 2);   // m
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline))
/// Tokens per weight register.
#define TOKENS 3

static inline int type_offset(int type) { return type == VS_Q4_1 ? 0 : type == VS_Q4_0 ? 8 : type == VS_Q5_0 ? 16 : 128; }

/// x broadcast to 16 lanes by a load: the compiler's own choice for a value it has just stored (a
/// register broadcast) takes a shuffle pipe that the dot products and FMAs need.
INLINE TGT __m512i broadcast_load(const int32_t *x) {
    __m512i r;
    __asm__("vpbroadcastd %1, %0" : "=v"(r) : "m"(*x));
    return r;
}

/// One group of 16 rows × T tokens (quantized activations `qa`, their sums `sp`); y gets rows [0, valid).
INLINE TGT void kernel(const int type, const int T, int cols, const char *group, const char *qa, size_t qstride,
                       const char *sp, size_t sstride, float *y, size_t ldy, int valid) {
    const int nb = cols / 32, off = type_offset(type);
    const int shift = off == 8 ? 3 : off == 16 ? 4 : 7;   // off = 2^shift
    const size_t gbb = group_block_bytes(type), cb = codes_bytes(type);
    __m512 acc[8][TOKENS];   // lane r of acc[i][t]: ggml's acc_i of row r, token t
    const int8_t *q[TOKENS];
    const float *dx[TOKENS];
    const int32_t *S[TOKENS];
    for (int t = 0; t < T; t++) {
        for (int i = 0; i < 8; i++) acc[i][t] = _mm512_setzero_ps();
        const char *tok = qa + (size_t)t * qstride;
        q[t] = qa_qs(tok);
        dx[t] = qa_d(tok, cols);
        S[t] = (const int32_t *)(sp + (size_t)t * sstride);
    }
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512 magicf = _mm512_set1_ps(12582912.0f);   // 1.5·2^23, bits 0x4B400000
    const __m256i magic8 = _mm256_set1_epi32(0x4B400000);
    _Alignas(32) int32_t start[TOKENS][8];   // the lanes' first value: magic − off·S_i
    for (int b = 0; b < nb; b++) {
        const char *blk = group + (size_t)b * gbb;
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(blk + cb)));
        __m512 d[TOKENS];   // d_w·d_x, rounded once as ggml's
        for (int t = 0; t < T; t++) {
            d[t] = _mm512_mul_ps(dw, _mm512_set1_ps(dx[t][b]));
            if (off) {
                const __m256i sums = _mm256_loadu_si256((const __m256i *)(S[t] + 8 * b));
                _mm256_store_si256((__m256i *)start[t], _mm256_sub_epi32(magic8, _mm256_slli_epi32(sums, shift)));
            }
        }
        for (int i = 0; i < 8; i++) {
            const char *codes = blk + 64 * (byte_codes(type) ? i : i & 3);
            __m512i u = _mm512_loadu_si512((const void *)codes);
            if (!byte_codes(type)) u = _mm512_and_si512(i < 4 ? u : _mm512_srli_epi16(u, 4), nibble);
            for (int t = 0; t < T; t++) {
                int32_t q4;
                memcpy(&q4, q[t] + 32 * b + 4 * i, 4);
                const __m512i first = off ? broadcast_load(&start[t][i]) : _mm512_castps_si512(magicf);
                const __m512i bits = _mm512_dpbusd_epi32(first, u, _mm512_set1_epi32(q4));
                acc[i][t] = _mm512_fmadd_ps(d[t], _mm512_sub_ps(_mm512_castsi512_ps(bits), magicf), acc[i][t]);
            }
        }
    }
    const __mmask16 rows = (__mmask16)((1u << valid) - 1);
    for (int t = 0; t < T; t++) {
        // hsum8 for the 16 rows at once (additions commute, so operand order changes nothing).
        __m512 v = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(acc[4][t], acc[0][t]), _mm512_add_ps(acc[6][t], acc[2][t])),
                                 _mm512_add_ps(_mm512_add_ps(acc[5][t], acc[1][t]), _mm512_add_ps(acc[7][t], acc[3][t])));
        if (type == VS_Q4_1) {
            // + Σ_b m_b·s_b, summed in order; m·s is exact (two F16 values), so fma = ggml's add of the product.
            const float *sx = qa_s(qa + (size_t)t * qstride, cols);
            __m512 summ = _mm512_setzero_ps();
            for (int b = 0; b < nb; b++) {
                const __m512 m = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(group + (size_t)b * gbb + cb + 32)));
                summ = _mm512_fmadd_ps(m, _mm512_set1_ps(sx[b]), summ);
            }
            v = _mm512_add_ps(v, summ);
        }
        _mm512_mask_storeu_ps(y + (size_t)t * ldy, rows, v);
    }
}

_Static_assert(TOKENS == 3, "KERNEL_T instantiates the kernel for 1, 2 and TOKENS tokens");
#define KERNEL_T(TYPE) \
    switch (T) { \
    case 1: kernel(TYPE, 1, cols, group, qa, qstride, sp, sstride, y, ldy, valid); break; \
    case 2: kernel(TYPE, 2, cols, group, qa, qstride, sp, sstride, y, ldy, valid); break; \
    default: kernel(TYPE, TOKENS, cols, group, qa, qstride, sp, sstride, y, ldy, valid); break; \
    }

TGT __attribute__((noinline)) static void run_kernel(int type, int T, int cols, const char *group, const char *qa, size_t qstride,
                                                     const char *sp, size_t sstride, float *y, size_t ldy, int valid) {
    if (type == VS_Q4_1) { KERNEL_T(VS_Q4_1) }
    else if (type == VS_Q4_0) { KERNEL_T(VS_Q4_0) }
    else if (type == VS_Q5_0) { KERNEL_T(VS_Q5_0) }
    else { KERNEL_T(VS_Q8_0) }
}

/// Rows [r0, r1) (r0 a multiple of 16) × n tokens of quantized activations `qa` with their sums `qp`
/// (vs_pack_activations), from weights packed by vs_pack_weights.
TGT void vs_matmul_q_avx512(int type, const void *wp, int cols, int r0, int r1, const void *qa, const void *qp, int n,
                            float *y, size_t ldy) {
    const int nb = cols / 32;
    const size_t qstride = vs_qact_bytes(cols), sstride = act_bytes(cols), gstride = (size_t)nb * group_block_bytes(type);
    // Token blocks whose activations stay in L2 while the weight groups pass over them.
    int block = (int)((256 * 1024) / (qstride + sstride));
    block = block < TOKENS ? TOKENS : block > 255 ? 255 : block - block % TOKENS;
    for (int b0 = 0; b0 < n; b0 += block) {
        int bn = n - b0 < block ? n - b0 : block;
        for (int g = r0; g < r1; g += GROUP_ROWS) {
            int valid = r1 - g < GROUP_ROWS ? r1 - g : GROUP_ROWS;
            const char *group = (const char *)wp + (size_t)(g / GROUP_ROWS) * gstride;
            for (int t0 = b0; t0 < b0 + bn; t0 += TOKENS) {
                int T = b0 + bn - t0 < TOKENS ? b0 + bn - t0 : TOKENS;
                run_kernel(type, T, cols, group, (const char *)qa + (size_t)t0 * qstride, qstride,
                           (const char *)qp + (size_t)t0 * sstride, sstride, y + (size_t)t0 * ldy + g, ldy, valid);
            }
        }
    }
}
#endif

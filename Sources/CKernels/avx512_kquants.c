// K-quant weights × Q8_K activations with AVX-512 VNNI: the integer sums of kquants.h (kq_ints) by
// vpdpbusd, 64 products per instruction, and the float steps shared with the other paths
// (kq_accumulate), so the results are the same bits.
#if defined(__x86_64__)
#include <immintrin.h>
#include "CKernels.h"
#include "internal.h"
#include "kquants.h"
#include "kquants_avx2.h"

#define TGT __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c")))

/// kq_block_ints with vpdpbusd: the unsigned codes times x, Σ q·x per 4 elements, minus Σ lb·x for a
/// bias, exact; times the lanes' scales. Only what `mode` reads (see kq_block_ints): one horizontal sum
/// for TILED and GEMV, four for GEMM, none for VEC.
static inline __attribute__((always_inline)) TGT void
kq_block_ints_vnni(const kq_block *k, int lb, const int8_t *x, const int16_t *bs, int mode, kq_ints *out) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i total = zero;
    for (int c = 0; c < 4; c++) {
        const __m512i xv = _mm512_loadu_si512(x + 64 * c);
        __m512i p = _mm512_dpbusd_epi32(zero, _mm512_load_si512(k->q + 64 * c), xv);
        if (lb) p = _mm512_sub_epi32(p, _mm512_dpbusd_epi32(zero, _mm512_set1_epi8((char)lb), xv));
        p = _mm512_mullo_epi32(p, _mm512_load_si512(k->lane_sc + 16 * c));
        if (mode == KQ_MODE_GEMM) out->part[c] = _mm512_reduce_add_epi32(p);
        total = _mm512_add_epi32(total, p);
    }
    if (mode == KQ_MODE_TILED || mode == KQ_MODE_GEMV) {
        out->part[0] = _mm512_reduce_add_epi32(total);
        out->part[1] = out->part[2] = out->part[3] = 0;
    }
    // 32-bit lane j covers elements 4j…4j+3 of its 64: ggml's lane (j mod 8).
    if (mode == KQ_MODE_VEC)
        _mm256_storeu_si256((__m256i *)out->lane,
                            _mm256_add_epi32(_mm512_castsi512_si256(total), _mm512_extracti64x4_epi64(total, 1)));
    // 16-sums times their minimums and scales, added in pairs: Σ m·bsum and Σ sc·bsum per 32 elements.
    const __m256i bsums = _mm256_loadu_si256((const __m256i *)bs);
    _mm256_storeu_si256((__m256i *)out->mins, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)k->m16), bsums));
    _mm256_storeu_si256((__m256i *)out->scs, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)k->sc16), bsums));
}

/// kq_decode_avx2, with the codes and lane scales stored in whole 512-bit registers (as
/// kq_block_ints_vnni loads them: a load of one store is forwarded, a load of two stores waits).
static inline __attribute__((always_inline)) TGT void kq_decode_avx512(int type, const void *wr, int b, kq_block *k) {
    __m128i sc, m;
    kq_decode_scale_bytes(type, wr, b, k, &sc, &m);
    kq_store_scales16(k, sc, m);
    for (int c = 0; c < 4; c++)   // lanes 16c…16c+15: the 16s 4c…4c+3
        _mm512_store_si512(k->lane_sc + 16 * c, _mm512_cvtepi8_epi32(kq_repeat4(sc, 4 * c)));
    __m256i q[8];
    kq_decode_codes_avx2(type, wr, b, q);
    for (int i = 0; i < 4; i++)
        _mm512_store_si512(k->q + 64 * i, _mm512_inserti64x4(_mm512_castsi256_si512(q[2 * i]), q[2 * i + 1], 1));
}

TGT void vs_matmul_k_avx512(int type, int repacked, const void *w, size_t row_bytes, int cols, int r0, int r1,
                            const void *qk, int n, float *y, size_t ldy) {
    kq_matmul_typed(kq_decode_avx512, kq_block_ints_vnni, type, repacked, w, row_bytes, cols, r0, r1, qk, n, y, ldy);
}
#endif

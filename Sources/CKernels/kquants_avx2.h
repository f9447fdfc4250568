// K-quant block decoding with AVX2, for the AVX2 and AVX-512 paths: the same kq_block as kquants.h's
// kq_decode (the scales by the shared kq_decode_scales, the 256 codes 32 at a time), so every sum
// after it is unchanged.
#ifndef VSYNTH_KQUANTS_AVX2_H
#define VSYNTH_KQUANTS_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "kquants.h"

#define KQ_AVX2 __attribute__((target("avx2")))

/// Bits s…s+width−1 of every byte of `v` (a 16-bit shift cannot carry another byte's bits into them).
KQ_INLINE KQ_AVX2 __m256i kq_bits(__m256i v, int s, int mask) {
    return _mm256_and_si256(_mm256_srli_epi16(v, s), _mm256_set1_epi8((char)mask));
}

/// kq_decode_codes, 32 elements per step, into q[0…7] (registers once inlined).
KQ_INLINE KQ_AVX2 void kq_decode_codes_avx2(int type, const void *wr, int b, __m256i q[8]) {
    switch (type) {
    case VS_Q2_K: case VS_Q3_K: {   // element 128h + 32g + l: bits 2g of qs[32h + l]; Q3_K: bit 4h + g of hmask[l] as 4
        const int q3 = type == VS_Q3_K;
        const uint8_t *qs = q3 ? ((const block_q3_K *)wr + b)->qs : ((const block_q2_K *)wr + b)->qs;
        const __m256i hm = q3 ? _mm256_loadu_si256((const __m256i *)((const block_q3_K *)wr + b)->hmask) : _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const __m256i v = _mm256_loadu_si256((const __m256i *)(qs + 32 * h));
            for (int g = 0; g < 4; g++) {
                __m256i c = kq_bits(v, 2 * g, 3);
                if (q3) c = _mm256_or_si256(c, _mm256_slli_epi16(kq_bits(hm, 4 * h + g, 1), 2));
                q[4 * h + g] = c;
            }
        }
        return;
    }
    case VS_Q4_K: case VS_Q5_K: {   // sub-block s: nibble s&1 of qs[32·(s/2) + l], Q5_K's bit s of qh[l] as 16
        const int q5 = type == VS_Q5_K;
        const uint8_t *qs = q5 ? ((const block_q5_K *)wr + b)->qs : ((const block_q4_K *)wr + b)->qs;
        const __m256i hb = q5 ? _mm256_loadu_si256((const __m256i *)((const block_q5_K *)wr + b)->qh) : _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            const __m256i v = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
            __m256i lo = kq_bits(v, 0, 0xF), hi = kq_bits(v, 4, 0xF);
            if (q5) {
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(kq_bits(hb, 2 * c, 1), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(kq_bits(hb, 2 * c + 1, 1), 4));
            }
            q[2 * c] = lo;
            q[2 * c + 1] = hi;
        }
        return;
    }
    default: {   // VS_Q6_K: element 128h + 32kk + l: nibble kk/2 of ql[64h + 32(kk&1) + l], bits 2kk of qh[32h + l] as 16·
        const block_q6_K *x = (const block_q6_K *)wr + b;
        for (int h = 0; h < 2; h++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * h));
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * h + 32));
            const __m256i hb = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * h));
            for (int kk = 0; kk < 4; kk++) {
                const __m256i low = kq_bits(kk & 1 ? l1 : l0, 4 * (kk >> 1), 0xF);
                q[4 * h + kk] = _mm256_or_si256(low, _mm256_slli_epi16(kq_bits(hb, 2 * kk, 3), 4));
            }
        }
        return;
    }
    }
}

/// kq_decode with the codes by AVX2.
KQ_INLINE KQ_AVX2 void kq_decode_avx2(int type, const void *wr, int b, kq_block *k) {
    kq_decode_scales(type, wr, b, k);
    __m256i q[8];
    kq_decode_codes_avx2(type, wr, b, q);
    for (int i = 0; i < 8; i++) _mm256_store_si256((__m256i *)k->q + i, q[i]);
    kq_lane_scales(k);
}
#endif
#endif

// K-quant block decoding with AVX2, for the AVX2 and AVX-512 paths: the same kq_block as kquants.h's
// kq_decode (the scales as bytes in registers, as ggml's AVX2 kernels unpack them, the 256 codes 32 at a
// time), so every sum after it is unchanged.
#ifndef VSYNTH_KQUANTS_AVX2_H
#define VSYNTH_KQUANTS_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "kquants.h"

#define KQ_AVX2 __attribute__((target("avx2,f16c")))

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
        const kq_q45_block x = kq_q45(type, wr, b);
        const int q5 = type == VS_Q5_K;
        const __m256i hb = q5 ? _mm256_loadu_si256((const __m256i *)x.qh) : _mm256_setzero_si256();
        for (int c = 0; c < 4; c++) {
            const __m256i v = _mm256_loadu_si256((const __m256i *)(x.qs + 32 * c));
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

/// kq_decode_scales's d, dmin, sub, bias and has_min in `k`, and the scale and minimum of elements
/// 16g…16g+15 in byte g of `sc` (signed) and `m` (sc16 and m16 as bytes).
KQ_INLINE KQ_AVX2 void kq_decode_scale_bytes(int type, const void *wr, int b, kq_block *k, __m128i *sc, __m128i *m) {
    k->bias = 0; k->has_min = 0; k->dmin = 0;
    *m = _mm_setzero_si128();
    switch (type) {
    case VS_Q2_K: {   // scale | minimum << 4 per 16
        const block_q2_K *x = (const block_q2_K *)wr + b;
        k->sub = 16; k->has_min = 1;
        k->d = _cvtsh_ss(x->d); k->dmin = _cvtsh_ss(x->dmin);
        const __m128i v = _mm_loadu_si128((const __m128i *)x->scales), low = _mm_set1_epi8(0xF);
        *sc = _mm_and_si128(v, low);
        *m = _mm_and_si128(_mm_srli_epi16(v, 4), low);
        return;
    }
    case VS_Q3_K: {   // 4 low bits and 2 high bits per 16, minus 32 (ggml_vec_dot_q3_K_q8_K's unpacking)
        const block_q3_K *x = (const block_q3_K *)wr + b;
        k->sub = 16; k->bias = 4;
        k->d = _cvtsh_ss(x->d);
        uint32_t a[3];
        memcpy(a, x->scales, 12);
        const uint32_t m4 = 0x0f0f0f0f, m2 = 0x03030303;
        *sc = _mm_sub_epi8(_mm_setr_epi32((int)((a[0] & m4) | ((a[2] & m2) << 4)),
                                          (int)((a[1] & m4) | (((a[2] >> 2) & m2) << 4)),
                                          (int)(((a[0] >> 4) & m4) | (((a[2] >> 4) & m2) << 4)),
                                          (int)(((a[1] >> 4) & m4) | (((a[2] >> 6) & m2) << 4))),
                           _mm_set1_epi8(32));
        return;
    }
    case VS_Q4_K: case VS_Q5_K: {   // 6-bit scales and minimums per 32 (get_scale_min_k4, 4 at a time)
        const kq_q45_block x = kq_q45(type, wr, b);
        k->sub = 32; k->has_min = 1;
        k->d = _cvtsh_ss(x.d); k->dmin = _cvtsh_ss(x.dmin);
        uint32_t u[3];
        memcpy(u, x.scales, 12);
        const uint32_t m6 = 0x3f3f3f3f, m4 = 0x0f0f0f0f, m2 = 0x03030303;
        const __m128i v = _mm_setr_epi32((int)(u[0] & m6), (int)((u[2] & m4) | (((u[0] >> 6) & m2) << 4)),
                                         (int)(u[1] & m6), (int)(((u[2] >> 4) & m4) | (((u[1] >> 6) & m2) << 4)));
        *sc = _mm_unpacklo_epi8(v, v);   // bytes 0-7 scales, 8-15 minimums; each sub-block is two 16s
        *m = _mm_unpackhi_epi8(v, v);
        return;
    }
    default: {   // VS_Q6_K: signed 8-bit scales per 16
        const block_q6_K *x = (const block_q6_K *)wr + b;
        k->sub = 16; k->bias = 32;
        k->d = _cvtsh_ss(x->d);
        *sc = _mm_loadu_si128((const __m128i *)x->scales);
        return;
    }
    }
}

/// Bytes first + ⌊i / 4⌋ of `v`, for i = 0…15.
KQ_INLINE KQ_AVX2 __m128i kq_repeat4(__m128i v, int first) {
    return _mm_shuffle_epi8(v, _mm_add_epi8(_mm_set1_epi8((char)first), _mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3)));
}

/// k->sc16 and k->m16 from the scale bytes.
KQ_INLINE KQ_AVX2 void kq_store_scales16(kq_block *k, __m128i sc, __m128i m) {
    _mm256_store_si256((__m256i *)k->sc16, _mm256_cvtepi8_epi16(sc));
    _mm256_store_si256((__m256i *)k->m16, _mm256_cvtepu8_epi16(m));
}

/// kq_decode by AVX2 (k->sc and k->m are left unset: nothing after decoding reads them).
KQ_INLINE KQ_AVX2 void kq_decode_avx2(int type, const void *wr, int b, kq_block *k) {
    __m128i sc, m;
    kq_decode_scale_bytes(type, wr, b, k, &sc, &m);
    kq_store_scales16(k, sc, m);
    for (int i = 0; i < 8; i++)   // lanes 8i…8i+7: the 16s 2i and 2i + 1
        _mm256_store_si256((__m256i *)k->lane_sc + i, _mm256_cvtepi8_epi32(kq_repeat4(sc, 2 * i)));
    __m256i q[8];
    kq_decode_codes_avx2(type, wr, b, q);
    for (int i = 0; i < 8; i++) _mm256_store_si256((__m256i *)k->q + i, q[i]);
}

/// kq_block_ints by AVX2: per 32 elements, maddubs of the codes (0…63) with x then pairs added gives
/// Σ q·x per 4 (ggml_vec_dot's lanes, no int16 overflow: 2·63·128 < 2^15), minus lb·Σ x per 4, times
/// the lanes' scales; exact, as every integer step.
KQ_INLINE KQ_AVX2 void kq_block_ints_avx2(const kq_block *k, int lb, const int8_t *x, const int16_t *bs, int mode,
                                           kq_ints *out) {
    (void)mode;
    const __m256i ones16 = _mm256_set1_epi16(1), ones8 = _mm256_set1_epi8(1), bias = _mm256_set1_epi32(lb);
    __m256i lanes = _mm256_setzero_si256();
    for (int c = 0; c < 4; c++) {
        __m256i part = _mm256_setzero_si256();
        for (int h = 0; h < 2; h++) {
            const int i = 2 * c + h;
            const __m256i xv = _mm256_loadu_si256((const __m256i *)(x + 32 * i));
            const __m256i qx = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_load_si256((const __m256i *)k->q + i), xv), ones16);
            const __m256i sx = _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, xv), ones16);
            const __m256i v = _mm256_mullo_epi32(_mm256_sub_epi32(qx, _mm256_mullo_epi32(bias, sx)),
                                                 _mm256_load_si256((const __m256i *)k->lane_sc + i));
            lanes = _mm256_add_epi32(lanes, v);
            part = _mm256_add_epi32(part, v);
        }
        __m128i p = _mm_add_epi32(_mm256_castsi256_si128(part), _mm256_extracti128_si256(part, 1));
        p = _mm_add_epi32(p, _mm_shuffle_epi32(p, 0x4E));
        p = _mm_add_epi32(p, _mm_shuffle_epi32(p, 0xB1));
        out->part[c] = _mm_cvtsi128_si32(p);
    }
    _mm256_storeu_si256((__m256i *)out->lane, lanes);
    const __m256i bsums = _mm256_loadu_si256((const __m256i *)bs);
    _mm256_storeu_si256((__m256i *)out->mins, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)k->m16), bsums));
    _mm256_storeu_si256((__m256i *)out->scs, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)k->sc16), bsums));
}
#endif
#endif

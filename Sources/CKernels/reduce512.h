// The one horizontal reduction of the AVX-512 VNNI kernels' f32 accumulators. Every kernel (GEMV and
// GEMM, any tile shape) sums an output element's 16 lanes with it, so a result does not depend on the
// batch size or on how rows and tokens were tiled (batch invariance). Include after defining TGT/INLINE.
#ifndef VSYNTH_CKERNELS_REDUCE512_H
#define VSYNTH_CKERNELS_REDUCE512_H
#include <immintrin.h>

/// Lane j of the result = Σ of the 16 lanes of v_j, always as: per 128-bit chunk c,
/// s_c = (v[4c] + v[4c+2]) + (v[4c+1] + v[4c+3]); then (s_0 + s_2) + (s_1 + s_3). The sum of a vector
/// depends only on that vector, not on the other three (a 4×4 transpose-add).
INLINE TGT __m128 vs_hsum4_512(__m512 v0, __m512 v1, __m512 v2, __m512 v3) {
    __m512 s01 = _mm512_add_ps(_mm512_unpacklo_ps(v0, v1), _mm512_unpackhi_ps(v0, v1));
    __m512 s23 = _mm512_add_ps(_mm512_unpacklo_ps(v2, v3), _mm512_unpackhi_ps(v2, v3));
    __m512 v = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(s01), _mm512_castps_pd(s23))),
                             _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(s01), _mm512_castps_pd(s23))));
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}
#endif

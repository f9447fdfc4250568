// GeGLU as llama.cpp's CPU backend computes it (ggml-cpu/vec.h, ggml_vec_geglu_f32 under
// GGML_GELU_FP16, the default): for each element,
//   x <= -10: 0;   x >= 10: x · g;   else: table[fp16(x)] · g,
// where table[h] = fp16(gelu(float(h))) for each of the 65536 halves and
//   gelu(x) = 0.5·x·(1 + tanhf(√(2/π)·x·(1 + 0.044715·x·x)))   (ggml_gelu_f32)
// with the inner 1 + a·x·x contracted to fmaf(a·x, x, 1) as GCC builds it (checked against the table
// in llama-cpp-python 0.3.36's libggml-cpu.so: all finite entries equal; Tests/InferenceTests/GeGLUTests).
#include <math.h>
#include <pthread.h>
#include "CKernels.h"
#include "internal.h"

static float gelu_table[1 << 16];
static pthread_once_t gelu_table_once = PTHREAD_ONCE_INIT;

static float gelu_f32(float x) {
    const float a = 0.044715f, sqrt_2_over_pi = 0.79788456080286535587989211986876f;
    return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x * fmaf(a * x, x, 1.0f)));
}

static void build_gelu_table(void) {
    for (int h = 0; h < (1 << 16); h++) {
        const float x = vs_half_to_float((uint16_t)h);
        const float g = gelu_f32(x);
        // copysignf: vs_half_round1 gives +0 for -0 and for tiny negatives, F16C gives -0.
        gelu_table[h] = isfinite(x) ? copysignf(vs_half_round1(g), g) : x;
    }
}

/// The IEEE half bits nearest to x (ties to even), for finite |x| < 65504.
static inline uint16_t half_bits(float x) {
    const float r = vs_half_round1(x);
    uint32_t bits; memcpy(&bits, &r, 4);
    const uint16_t sign = signbit(x) ? 0x8000u : 0;   // x's sign: -0 and tiny negatives are -0
    const uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude < 0x38800000u) {                       // half subnormal or zero: r = m · 2^-24
        float m; memcpy(&m, &magnitude, 4);
        return sign | (uint16_t)(m * 16777216.0f);
    }
    return sign | (uint16_t)(((magnitude >> 23) - 112) << 10) | (uint16_t)((magnitude >> 13) & 0x3FF);
}

void vs_geglu(float *gate, const float *up, size_t count, int path) {
    (void)path;   // one version: a table lookup per element
    pthread_once(&gelu_table_once, build_gelu_table);
    for (size_t i = 0; i < count; i++) {
        const float x = gate[i];
        gate[i] = x <= -10.0f ? 0.0f : x >= 10.0f ? x * up[i] : gelu_table[half_bits(x)] * up[i];
    }
}

#ifndef VSYNTH_CKERNELS_H
#define VSYNTH_CKERNELS_H
/// SIMD kernels for the embedded engine. Every kernel has a scalar Swift reference beside it
/// (Sources/Inference/Kernels) and a test comparing the two.
///
/// Weight types are ggml type numbers (0 = F32, 1 = F16, 2 = Q4_0, 3 = Q4_1, 8 = Q8_0, 14 = Q6_K,
/// 30 = BF16); block layouts are exactly ggml's. Threading is the caller's: every function here works on
/// a range of rows or tokens and is safe to call concurrently on disjoint outputs.
#include <stddef.h>
#include <stdint.h>

int vsynth_ckernels_version(void);

/// Instruction-set paths. `VS_PATH_BEST` picks the best the CPU supports at run time.
enum {
    VS_PATH_SCALAR = 0,   ///< portable C
    VS_PATH_AVX2 = 1,     ///< AVX2 + FMA + F16C
    VS_PATH_AVX512 = 2,   ///< AVX-512 F/BW/VL + VNNI
    VS_PATH_BEST = -1
};

/// The best path this CPU supports (detected once).
int vs_best_path(void);
/// `path`, or the best path when `path` is VS_PATH_BEST or not supported by this CPU.
int vs_resolve_path(int path);

/// Bytes per row of `cols` elements of ggml type `type`; 0 when the type is unsupported or `cols`
/// is not a multiple of the block size.
size_t vs_row_bytes(int type, int cols);

/// One row of `cols` elements as f32.
void vs_dequantize_row(int type, const void *row, float *out, int cols);

// MARK: Quantized activations

/// Activations quantized per block of 32 exactly as llama.cpp's CPU backend quantizes them for its
/// Q8_0/Q8_1 dot products (d = max|x| / 127, q = round-to-nearest-even(x · 127 / max|x|), d kept as
/// the nearest F16), stored per token as: int8 qs[cols] | float d[cols/32] | float s[cols/32] (Q8_1's
/// F16(d · Σq), with d before its rounding), padded to 64 bytes. `vs_qact_token_bytes` gives one token's size.
size_t vs_qact_token_bytes(int cols);
/// Quantizes tokens [t0, t1) of x (n × cols, row stride `ldx` floats) into `qa` (token stride
/// vs_qact_token_bytes). `cols` must be a multiple of 32.
void vs_quantize_activations(const float *x, size_t ldx, int cols, int t0, int t1, void *qa, int path);

/// Bytes per token of the packed activation layout of the AVX-512 VNNI kernel.
size_t vs_packed_act_token_bytes(int cols);
/// Repacks tokens [t0, t1) of quantized activations `qa` (a batch of `n` tokens) into the layout the
/// VNNI kernel reads (token stride vs_packed_act_token_bytes).
void vs_pack_activations(const void *qa, int cols, int t0, int t1, int n, void *packed);

/// Bytes of a Q4_0, Q4_1 or Q8_0 matrix repacked for the AVX-512 VNNI kernel (as many as its GGUF
/// blocks, rows padded to a multiple of 8); 0 for other types.
size_t vs_packed_weight_bytes(int type, int rows, int cols);
/// Repacks row groups [g0, g1) (8 rows each) of a matrix into `out` (vs_packed_weight_bytes).
void vs_pack_weights(int type, const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out);

/// y[t*ldy + r] = Σ_c W[r, c] · x̂[t, c] for rows [r0, r1) and tokens [0, n), where x̂ are the quantized
/// activations `qa` (for Q4_0, Q4_1, Q8_0 weights; integer dot products) or the f32 activations `x`
/// (row stride `ldx`; for F32, F16, BF16 and Q6_K weights). `w` points at row 0. `qp` is `qa` packed
/// by vs_pack_activations and `wp` the weights packed by vs_pack_weights, both read by the AVX-512
/// path only (without `wp` it runs the AVX2 kernel, which computes the same bits). For the quantized
/// types every path gives llama.cpp's results bit for bit; `r0` is a multiple of 8.
void vs_matmul_rows(int type, const void *w, size_t row_bytes, int cols, int r0, int r1,
                    const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                    float *y, size_t ldy, int path);

/// True when `type` is multiplied with quantized activations (so callers quantize x first).
int vs_type_uses_qact(int type);

// MARK: Thread-pool support

/// Atomic load/store/add with acquire/release order, for ThreadPool.
static inline long vs_atomic_load(const long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void vs_atomic_store(long *p, long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline long vs_atomic_add(long *p, long v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }
static inline int vs_atomic_cas(long *p, long expected, long desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
/// A CPU hint inside spin loops.
static inline void vs_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
/// A per-thread tag: ThreadPool stores (pool id, thread index) here to detect nested calls.
long vs_thread_tag_get(void);
void vs_thread_tag_set(long tag);

// Forward-pass kernels besides matmul: attention, SwiGLU, F16 rounding (Inference side).
#include "vs_forward.h"

#endif

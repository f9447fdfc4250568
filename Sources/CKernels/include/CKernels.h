#ifndef VSYNTH_CKERNELS_H
#define VSYNTH_CKERNELS_H
/// SIMD kernels for the embedded engine. Every kernel has a scalar Swift reference beside it
/// (Sources/Inference/Kernels) and a test comparing the two.
///
/// Weight types are ggml type numbers, listed once in VS_WEIGHT_TYPES below; block layouts are exactly
/// ggml's. Threading is the caller's: every function here works on
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

// MARK: The weight-type table

/// The form a weight type multiplies its activations in: f32 as they are, ggml's Q8_0/Q8_1 blocks of 32
/// (one layout for both: qs, d and Q8_1's s; see vs_qact_token_bytes), or ggml's Q8_K blocks of 256.
enum { VS_ACT_F32 = 0, VS_ACT_Q8_0 = 1, VS_ACT_Q8_1 = 2, VS_ACT_Q8_K = 3 };

/// The one table of the weight types the kernels run, read by the C dispatch and by Swift
/// (`WeightMatrix`, through vs_weight_type): X(name, ggml number, elements per block, bytes per block,
/// activation format, AVX-512 VNNI kernel on repacked weights). Any other type is rejected by name.
#define VS_WEIGHT_TYPES(X) \
    X(F32,  0,   1,   4, VS_ACT_F32,  0) \
    X(F16,  1,   1,   2, VS_ACT_F32,  0) \
    X(Q4_0, 2,  32,  18, VS_ACT_Q8_0, 1) \
    X(Q4_1, 3,  32,  20, VS_ACT_Q8_1, 1) \
    X(Q5_0, 6,  32,  22, VS_ACT_Q8_0, 1) \
    X(Q5_1, 7,  32,  24, VS_ACT_Q8_1, 0) \
    X(Q8_0, 8,  32,  34, VS_ACT_Q8_0, 1) \
    X(Q2_K, 10, 256,  84, VS_ACT_Q8_K, 0) \
    X(Q3_K, 11, 256, 110, VS_ACT_Q8_K, 0) \
    X(Q4_K, 12, 256, 144, VS_ACT_Q8_K, 1) \
    X(Q5_K, 13, 256, 176, VS_ACT_Q8_K, 0) \
    X(Q6_K, 14, 256, 210, VS_ACT_Q8_K, 1) \
    X(BF16, 30,  1,   2, VS_ACT_F32,  0)

#define VS_TYPE_ENUM(name, number, block, bytes, act, packs) VS_##name = number,
enum { VS_WEIGHT_TYPES(VS_TYPE_ENUM) };
#undef VS_TYPE_ENUM

/// One row of VS_WEIGHT_TYPES.
typedef struct {
    const char *name;
    int type, block, bytes, activation, packs;
} vs_weight_type_info;

/// The table's row for ggml type `type`, or NULL when the kernels do not run it.
const vs_weight_type_info *vs_weight_type(int type);

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

/// Bytes per token of what the AVX-512 VNNI kernel reads beside the quantized activations.
size_t vs_packed_act_token_bytes(int cols);
/// For tokens [t0, t1) of quantized activations `qa` (a batch of `n` tokens), the sums of each 4
/// consecutive activations (int32, cols / 4 per token, token stride vs_packed_act_token_bytes): the
/// VNNI kernel's correction for weights fed as unsigned bytes.
void vs_pack_activations(const void *qa, int cols, int t0, int t1, int n, void *packed);

/// Bytes of a matrix of a type with `packs` in VS_WEIGHT_TYPES repacked for the AVX-512 VNNI kernels:
/// Q4_0, Q4_1, Q5_0, Q8_0 (as many as its GGUF blocks, Q5_0's 34 per 32 weights; rows padded to a
/// multiple of 16), Q4_K where llama.cpp repacks it (q4k_packed.c) and Q6_K (q6k_packed.c, codes one per
/// byte; rows padded to a multiple of 16); 0 for other types and shapes.
size_t vs_packed_weight_bytes(int type, int rows, int cols);
/// The rows of one group of the packed layout of `type` (16).
int vs_pack_group_rows(int type);
/// Repacks row groups [g0, g1) (vs_pack_group_rows rows each) of a matrix into `out` (vs_packed_weight_bytes).
void vs_pack_weights(int type, const void *w, size_t row_bytes, int rows, int cols, int g0, int g1, void *out);

/// y[t*ldy + r] = Σ_c W[r, c] · x̂[t, c] for rows [r0, r1) and tokens [0, n), where x̂ are the quantized
/// activations `qa` (the table's Q8_0/Q8_1 types and, in the Q8_K layout, the K-quants; integer dot
/// products) or the f32 activations `x` (row stride `ldx`; F32, F16, BF16). `w` points at row 0 of a
/// matrix of `rows` rows (llama.cpp's Q4_K order depends on it). `qp` holds `qa`'s sums made
/// by vs_pack_activations and `wp` the weights packed by vs_pack_weights, both read by the AVX-512
/// path only (without `wp` it runs the AVX2 kernel, which computes the same bits). For the quantized
/// types every path gives llama.cpp's results bit for bit; `r0` is a multiple of 16. Returns 0, or -1 for a
/// type outside VS_WEIGHT_TYPES (outputs set to NaN).
int vs_matmul_rows(int type, const void *w, size_t row_bytes, int rows, int cols, int r0, int r1,
                   const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                   float *y, size_t ldy, int path);

/// vs_matmul_rows with every token row computed exactly as a one-token call (n = 1) computes it, whatever
/// `n`: the rows of independent sequences in one decode step (batched.c). For K-quant weights, `qa` must
/// be quantized as for one token (vs_quantize_q8k with grouped_end 0).
int vs_matmul_rows_per_token(int type, const void *w, size_t row_bytes, int rows, int cols, int r0, int r1,
                             const float *x, size_t ldx, const void *qa, const void *qp, const void *wp, int n,
                             float *y, size_t ldy, int path);
/// The most tokens one vs_matmul_rows call of `type` (`rows` rows) takes while giving each token the
/// one-token arithmetic: 3 for the K-quants llama.cpp repacks, 7 for the other K-quants, INT_MAX otherwise.
int vs_per_token_group(int type, int rows);

/// True when `type` is multiplied with Q8_0/Q8_1 activations (so callers quantize x first).
int vs_type_uses_qact(int type);

// MARK: Q8_K activations (K-quant weights)

/// Bytes per token of x quantized to ggml's Q8_K: int8 qs[cols] | f32 d[cols/256] | int16 bsums[cols/16]
/// (sums of 16 consecutive qs), padded to 64 bytes. `cols` a multiple of 256.
size_t vs_q8k_token_bytes(int cols);
/// Quantizes tokens [t0, t1) of x into `qk` as ggml does (per 256: d = 1/iscale, iscale = ∓127/max|x|,
/// q = round-half-even(x · iscale)). The sign of iscale follows the element of largest magnitude:
/// the first such element (quantize_row_q8_K_ref), or, for tokens below `grouped_end`, a positive one
/// when there is one (x86 ggml_quantize_mat_q8_K_4x8, which quantizes whole groups of 4 tokens).
void vs_quantize_q8k(const float *x, size_t ldx, int cols, int t0, int t1, int grouped_end, void *qk);
/// True when llama.cpp on this x86 CPU repacks a matrix of `type` with `rows` rows at load (Q4_0, Q4_K
/// and Q2_K, rows a multiple of 8) and so multiplies it in its gemv/gemm order (scalar.c, kquants.h).
int vs_llamacpp_repacks(int type, int rows);
/// The token count below which llama.cpp quantizes a batch of `n` tokens in groups of 4 for weights of
/// `type` with `rows` rows (its repacked K-quant path), 0 when it never does.
int vs_q8k_grouped_end(int type, int rows, int n);

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

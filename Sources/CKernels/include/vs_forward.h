#ifndef VSYNTH_VS_FORWARD_H
#define VSYNTH_VS_FORWARD_H
/// Kernels of the embedded engine's forward pass besides matmul (owned by the Inference side). Each has
/// a plain Swift reference (`AttentionKernel.rowReference`, `HalfRounding`, `VectorMath.swiglu`) and a
/// test comparing the two.
#include <stddef.h>

/// One query row of causal attention for `heads` heads that share one key/value head (grouped-query
/// attention), each:
///   scores[j] = (q · k_j) · scale,  p = softmax(scores[0..<length]),  out = Σ_j p_j · v_j
/// `q` and `out` hold the heads' `head_dim` floats one after another. `keys` / `values` point at
/// position 0 of the shared key / value head; consecutive positions are `kv_stride` floats apart and
/// each holds `head_dim` contiguous floats. Keys before `first` are masked (a sliding window): p = 0
/// for them, summed in the same order as llama.cpp's -INF mask. `scores` is scratch for `heads` rows of
/// `scores_stride` floats (≥ `length` rounded up to 16). With `round_half`, the probabilities are
/// rounded to F16 before the product with V, as llama.cpp's F16 KV cache path does. The arithmetic is
/// llama.cpp's, operation for operation and the same for each head as if it were alone (see forward.c);
/// `single` picks its order for a batch of one token (a decode step). The heads go together so that
/// each key and value is read from memory once for all of them. `path` as in CKernels.h (VS_PATH_BEST = -1).
void vs_attention_rows(const float *q, int heads, const float *keys, const float *values, size_t kv_stride,
                       int first, int length, int head_dim, float scale, int round_half, int single,
                       float *scores, size_t scores_stride, float *out, int path);

/// x[i] = the nearest F16 value of x[i] (round to nearest even), kept as float, for `count` values.
void vs_round_half(float *x, size_t count, int path);

/// gate[i] = silu(gate[i]) · up[i] = gate[i] / (1 + e^-gate[i]) · up[i], for `count` values, with
/// ggml's e^x (ggml_v_expf) so the results are llama.cpp's.
void vs_swiglu(float *gate, const float *up, size_t count, int path);

/// gate[i] = gelu(gate[i]) · up[i] for `count` values, GELU with the tanh approximation looked up
/// in an F16 table exactly as llama.cpp's CPU backend does (activations.c).
void vs_geglu(float *gate, const float *up, size_t count, int path);

/// ln Σ_i e^x[i] over `count` values (the log-softmax normalizer; sums in double), and in `argmax`
/// the index of the largest value (the first on ties).
double vs_log_sum_exp(const float *x, int count, int *argmax, int path);

#endif

// The packed ("transposed") layouts of the AVX-512 VNNI int8 kernels, shared by the packing code
// (any path) and the kernels.
//
// A row of nb blocks of 32 is cut into units: nb/16 groups of 16 blocks, then pairs of the remaining
// blocks (the last pair padded with an empty block). In a group, 32-bit lane i of vector k (k = 0..7)
// holds elements 4k..4k+3 of block i, so one VNNI dot per vector accumulates each block's dot product
// in its own lane and the per-block scales apply once per 16 blocks, as one vector multiply. In a pair,
// lanes 0-7 hold block a's 32 elements in order and lanes 8-15 block b's.
//
// Activations, per token and unit: V × 64 bytes of int8 values (V = 8 for a group, 1 for a pair),
// then f32 d[16] (per lane: the lane's block scale), i32 negsum[16] (minus the block's sum of values;
// in a pair only in lanes 0 and 8), f32 dsum[16] (d·sum, same lanes as negsum).
// Weights, per row and unit: V × 64 bytes of uint8 values (Q4: the nibbles 0..15; Q8_0: value + 128),
// then f32 d[16] and f32 m[16] (Q4_1's minimum; zero otherwise), lanes as for the activations.
// So Σ w·x per block = d_w·d_x·(Σ u·q − off·sum_q) + m·d_x·sum_q with off = 8 (Q4_0), 128 (Q8_0), 0 (Q4_1).
#ifndef VSYNTH_CKERNELS_PACKED_H
#define VSYNTH_CKERNELS_PACKED_H
#include <stddef.h>

static inline int vs_groups(int cols) { return cols / 32 / 16; }
static inline int vs_pairs(int cols) { return (cols / 32 % 16 + 1) / 2; }
static inline size_t vs_packed_act_bytes(int cols) {
    return (size_t)vs_groups(cols) * (512 + 192) + (size_t)vs_pairs(cols) * (64 + 192);
}
static inline size_t vs_packed_weight_bytes(int cols) {
    return (size_t)vs_groups(cols) * (512 + 128) + (size_t)vs_pairs(cols) * (64 + 128);
}
#endif

#ifndef VSYNTH_CKERNELS_H
#define VSYNTH_CKERNELS_H
/// SIMD kernels for the embedded engine. Every kernel has a scalar Swift reference beside it
/// (Sources/Inference) and a test comparing the two.
int vsynth_ckernels_version(void);
#endif

#include "CKernels.h"
int vsynth_ckernels_version(void) { return 1; }

// Small atomics and thread-local helpers for ThreadPool (Swift has no portable atomics before
// the Synchronization module, which needs macOS 15).
#include "CKernels.h"

static _Thread_local long vs_pool_thread_tag = 0;
long vs_thread_tag_get(void) { return vs_pool_thread_tag; }
void vs_thread_tag_set(long tag) { vs_pool_thread_tag = tag; }

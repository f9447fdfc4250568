#!/usr/bin/env python3
"""Batched decode anchor: llama.cpp (llama-cpp-python's low-level batch API) decoding B sequences at once.
  llamacpp_batched_anchor.py MODEL.gguf THREADS DECODE_STEPS B1,B2,...
For each B: B sequences (seq ids 0..B-1) each start from the first 16 tokens of the bench text (one
llama_decode of 16·B tokens), then DECODE_STEPS steps of one llama_decode with one token per sequence
(sequence s gets toks[16 + (i + s) % 64] at step i, logits for every row). Prints one line per B:
  llama.cpp batch B decode D tok/s
where D is the aggregate (B × DECODE_STEPS / seconds), the best of 3. The same work as
`vsynth bench engine --batch`, which runs this script in the same invocation (--batch-anchor)."""
import sys, time
import llama_cpp as L

path = sys.argv[1]
threads = int(sys.argv[2])
steps = int(sys.argv[3])
batches = [int(b) for b in sys.argv[4].split(",")]
top = max(batches)

@L.llama_log_callback
def quiet(level, text, data):
    pass


L.llama_log_set(quiet, None)
L.llama_backend_init()
model = L.llama_model_load_from_file(path.encode(), L.llama_model_default_params())
if not model:
    sys.exit(f"cannot load {path}")
params = L.llama_context_default_params()
params.n_seq_max = top
params.n_ctx = (16 + steps + 255) // 256 * 256 * top   # each sequence holds 16 + DECODE_STEPS positions
params.n_batch = max(512, 16 * top)
params.n_ubatch = params.n_batch
params.n_threads = threads
params.n_threads_batch = threads
params.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED   # as llamacpp_anchor.py's Llama(flash_attn=False)
ctx = L.llama_init_from_model(model, params)
if not ctx:
    sys.exit("cannot create a context")
vocab = L.llama_model_get_vocab(model)
text = ("The quick brown fox jumps over the lazy dog. " * 200).encode()
buffer = (L.llama_token * 4096)()
count = L.llama_tokenize(vocab, text, len(text), buffer, 4096, False, False)
toks = list(buffer[:count])
batch = L.llama_batch_init(params.n_batch, 0, top)


def fill(rows):
    """rows: (token, position, sequence, wants logits)."""
    batch.n_tokens = len(rows)
    for i, (token, pos, seq, logits) in enumerate(rows):
        batch.token[i] = token
        batch.pos[i] = pos
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = seq
        batch.logits[i] = logits


def decode():
    if L.llama_decode(ctx, batch) != 0:
        sys.exit("llama_decode failed")


for b in batches:
    best = 0.0
    for _ in range(3):
        L.llama_memory_clear(L.llama_get_memory(ctx), True)
        fill([(toks[p], p, s, p == 15) for s in range(b) for p in range(16)])
        decode()
        start = time.perf_counter()
        for i in range(steps):
            fill([(toks[16 + (i + s) % 64], 16 + i, s, True) for s in range(b)])
            decode()
        best = max(best, b * steps / (time.perf_counter() - start))
    print(f"llama.cpp batch {b} decode {best:.0f} tok/s threads={threads} decode_steps={steps}", flush=True)

L.llama_batch_free(batch)
L.llama_free(ctx)
L.llama_model_free(model)

#!/usr/bin/env python3
"""Compares the embedded engine with llama.cpp layer by layer, on one (context, continuation) pair.

The engine repeats llama.cpp's CPU arithmetic (README, "The embedded engine"), so every intermediate
tensor should match bit for bit. After a kernel change, this shows the first tensor that does not:

    python3 scripts/compare-with-llamacpp.py [--model GGUF] [--vsynth BIN] [--context C] [--continuation X]

llama.cpp side: llama-cpp-python (installed by scripts/test.sh) with the same settings as the
reference tools (n_ctx 2048, n_batch 512, 2 threads, no flash attention), its tensors taken with the
`cb_eval` callback. Engine side: `vsynth logprobs` with VSYNTH_DUMP_TENSORS (Sources/Inference/TensorDump.swift),
given llama.cpp's token ids (`--context-ids`), so any architecture compares whatever its tokenizer.
Prints, per layer and tensor, the largest difference relative to the tensor's largest value, and the
fraction of elements that are bit-identical (Q, K, V as F32 before the F16 cache). Every tensor both
sides name is compared (the columns differ per architecture: Gemma 3's post norms, Qwen 3's
Qcur_normed, …). Exit 1 if any compared tensor differs, or if fewer than `--min-tensors` were compared.
"""
import argparse, ctypes, os, subprocess, sys, tempfile
import numpy as np

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--model", default=None, help="GGUF file (default: `vsynth model path`)")
parser.add_argument("--vsynth", default=".build/release/vsynth", help="the vsynth binary (default: the release build)")
parser.add_argument("--context", default="<|im_start|>system\nName the sound that the animal makes.<|im_end|>\n")
parser.add_argument("--continuation", default="<|im_start|>user\nAnimal: dog<|im_end|>\n<|im_start|>assistant\nSound: bark<|im_end|>\n")
parser.add_argument("--min-tensors", type=int, default=1, help="fail unless at least this many tensors were compared")
args = parser.parse_args()
model = args.model or subprocess.run([args.vsynth, "model", "path"], capture_output=True, text=True, check=True).stdout.strip()

import llama_cpp
from llama_cpp import Llama

work = tempfile.mkdtemp(prefix="vsynth-compare-")
ours_dir, theirs = os.path.join(work, "engine"), {}
# A sequence longer than n_batch runs as several graphs (ubatches); per graph the last tensor of a name
# counts (e.g. Qcur after RoPE), and the graphs' rows are joined, as the engine's dump appends its batches.
ubatches, ubatch, ended = [], {}, False

# ggml_tensor field offsets (ggml.h): type 0, ne 16, nb 48, data 248, name 256.
def on_tensor(pointer, ask, _user):
    if ask:
        return True
    if ctypes.c_int.from_address(pointer).value != 0:   # F32 tensors only
        return True
    ne = (ctypes.c_int64 * 4).from_address(pointer + 16)
    nb = (ctypes.c_size_t * 4).from_address(pointer + 48)
    data = ctypes.c_void_p.from_address(pointer + 248).value
    name = ctypes.string_at(pointer + 256).decode()
    if not data or nb[0] != 4 or "(" in name:
        return True
    rows = np.empty((ne[3], ne[2], ne[1], ne[0]), dtype=np.float32)
    for i3 in range(ne[3]):
        for i2 in range(ne[2]):
            for i1 in range(ne[1]):
                address = data + i3 * nb[3] + i2 * nb[2] + i1 * nb[1]
                rows[i3, i2, i1] = np.ctypeslib.as_array((ctypes.c_float * ne[0]).from_address(address))
    global ubatch, ended
    if ended:   # result_norm closes a graph (only result_output, not compared, follows it)
        ubatches.append(ubatch)
        ubatch, ended = {}, False
    ubatch[name] = rows.reshape(-1).copy()
    ended = name == "result_norm"
    return True

callback = llama_cpp.llama_cpp.ggml_backend_sched_eval_callback(on_tensor)
llm = Llama(model_path=model, n_ctx=2048, n_batch=512, n_threads=2, logits_all=True, verbose=False)
params = llm.context_params
params.cb_eval = callback
llm._ctx = llama_cpp._internals.LlamaContext(model=llm._model, params=params, verbose=False)
llm._batch = llama_cpp._internals.LlamaBatch(n_tokens=512, embd=0, n_seq_max=params.n_ctx, verbose=False)
context = llm.tokenize(args.context.encode(), add_bos=False, special=True)
continuation = llm.tokenize(args.continuation.encode(), add_bos=False, special=True)
llm.reset()
llm.eval(context + continuation)
tokens = len(context) + len(continuation)
ubatches.append(ubatch)
for graph in ubatches:
    for name, values in graph.items():
        theirs[name] = np.concatenate([theirs[name], values]) if name in theirs else values

environment = dict(os.environ, VSYNTH_DUMP_TENSORS=ours_dir, VSYNTH_MODEL=model)
ids = lambda tokens: ",".join(map(str, tokens))
run = subprocess.run([args.vsynth, "logprobs", "--threads", "2", "--context-ids", ids(context),
                      "--continuation-ids", ids(continuation)], env=environment, capture_output=True, text=True)
if run.returncode != 0:
    sys.exit(f"compare-with-llamacpp.py: vsynth logprobs failed ({run.returncode}): {run.stderr.strip()}")

order = ["inp_scaled", "attn_norm", "Qcur_normed", "Kcur_normed", "Qcur", "Kcur", "Vcur", "kqv_out", "attn_post_norm",
         "ffn_inp", "sa_out", "ffn_norm", "ffn_swiglu", "ffn_geglu", "ffn_out", "ffn_post_norm", "l_out"]
dumped = {name[:-4] for name in os.listdir(ours_dir)}
names = [name for name in order if any(key == name or key.startswith(name + "-") for key in dumped & set(theirs))]
layers = sum(1 for name in theirs if name.startswith("l_out-"))
print(f"{tokens} tokens, {layers} layers; engine tensors in {ours_dir}")
print("layer  " + "  ".join(f"{name:>16}" for name in names))
differing, compared = [], 0
for layer in range(-1, layers):
    cells = []
    for name in names:
        key = name if layer < 0 else f"{name}-{layer}"
        path = os.path.join(ours_dir, key + ".bin")
        if key not in theirs or not os.path.exists(path):
            cells.append(f"{'-':>16}")
            continue
        compared += 1
        ours = np.fromfile(path, dtype=np.float32)
        reference = theirs[key]
        if ours.size != reference.size:
            cells.append(f"{'size ' + str(ours.size) + '≠' + str(reference.size):>16}")
            differing.append(key)
            continue
        scale = float(np.abs(reference).max()) or 1.0
        relative = float(np.abs(ours - reference).max()) / scale
        same = float((ours.view(np.uint32) == reference.view(np.uint32)).mean())
        if same < 1.0:
            differing.append(key)
        cells.append(f"{relative:9.1e} {same:6.1%}")
    if layer >= 0 or any(cell.strip() != "-" for cell in cells):
        print(f"{layer:5d}  " + "  ".join(cells))
if compared < args.min_tensors:
    print(f"only {compared} tensors compared (expected at least {args.min_tensors})")
    sys.exit(1)
if differing:
    print(f"differs first at {differing[0]} ({len(differing)} tensors differ)")
    sys.exit(1)
print(f"every compared tensor ({compared}) is bit-identical to llama.cpp's")

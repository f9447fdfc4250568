#!/usr/bin/env python3
"""Writes a random-weight GGUF of Qwen2.5-1.5B's shape, quantized by llama.cpp's own quantizer to Q4_K_M,
for measuring the engine's speed and memory at the size users run on a laptop (issue 13, "Speed and
memory"). The numbers it gives are not a model's: only shapes, types and file layout matter here.

    make-qwen-shaped-model.py OUT.gguf [--layers 28] [--seed 0]

Shape (Qwen2.5-1.5B): architecture qwen2, 28 layers, width 1536, 12 query heads and 2 KV heads of 128,
FFN 8960, vocabulary 151,936, Q/K/V biases, tied output, RoPE base 1e6, RMSNorm eps 1e-6, chatml
template. The tokenizer is the default model's BPE (scripts/lib.sh fetches it; `vsynth model path`)
padded with unused tokens to the vocabulary size, with the `qwen2` pre-tokenizer.

Writes OUT.gguf.f16 first (about 3.1 GB, F16 weights, deleted afterwards), then OUT.gguf (about 1 GB).
Needs the PyPI `gguf` package, numpy and llama-cpp-python (scripts/test.sh installs them). Not run by
the test suite: it takes minutes and gigabytes. --layers makes a smaller file of the same widths.
"""
import argparse, ctypes, os, subprocess, sys

import numpy as np

SHAPE = dict(width=1536, heads=12, kv_heads=2, head_dim=128, ffn=8960, vocab=151936)


def default_model():
    return subprocess.run(["swift", "run", "-c", "release", "vsynth", "model", "path"], capture_output=True,
                          text=True, check=True).stdout.strip()


def tokenizer_fields(source, vocab):
    """The default model's BPE vocabulary, merges and chat template, padded to `vocab` tokens."""
    import gguf
    reader = gguf.GGUFReader(source)

    def strings(name):
        f = reader.fields[name]
        return [bytes(f.parts[i]).decode("utf-8") for i in f.data]

    tokens = strings("tokenizer.ggml.tokens")
    field = reader.fields["tokenizer.ggml.token_type"]
    types = [int(field.parts[i][0]) for i in field.data]
    merges = strings("tokenizer.ggml.merges")
    template = strings("tokenizer.chat_template")[0]
    if len(tokens) > vocab:
        sys.exit(f"make-qwen-shaped-model.py: {source} has {len(tokens)} tokens, more than {vocab}")
    padding = vocab - len(tokens)
    tokens += [f"<|unused_{i}|>" for i in range(padding)]
    types += [5] * padding   # LLAMA_TOKEN_TYPE_UNUSED
    return tokens, types, merges, template


def write_f16(path, layers, seed, source):
    import gguf
    s = SHAPE
    rng = np.random.default_rng(seed)
    writer = gguf.GGUFWriter(path, "qwen2")
    writer.add_name("qwen2.5-1.5b-shaped-random")
    writer.add_block_count(layers)
    writer.add_context_length(32768)
    writer.add_embedding_length(s["width"])
    writer.add_feed_forward_length(s["ffn"])
    writer.add_head_count(s["heads"])
    writer.add_head_count_kv(s["kv_heads"])
    writer.add_rope_freq_base(1e6)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    tokens, types, merges, template = tokenizer_fields(source, s["vocab"])
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_add_bos_token(False)
    writer.add_chat_template(template)

    kv = s["kv_heads"] * s["head_dim"]
    shapes = {"token_embd.weight": (s["vocab"], s["width"]), "output_norm.weight": (s["width"],)}
    for i in range(layers):
        b = f"blk.{i}."
        shapes.update({
            b + "attn_norm.weight": (s["width"],), b + "ffn_norm.weight": (s["width"],),
            b + "attn_q.weight": (s["width"], s["width"]), b + "attn_q.bias": (s["width"],),
            b + "attn_k.weight": (kv, s["width"]), b + "attn_k.bias": (kv,),
            b + "attn_v.weight": (kv, s["width"]), b + "attn_v.bias": (kv,),
            b + "attn_output.weight": (s["width"], s["width"]),
            b + "ffn_gate.weight": (s["ffn"], s["width"]), b + "ffn_up.weight": (s["ffn"], s["width"]),
            b + "ffn_down.weight": (s["width"], s["ffn"]),
        })
    # Matrices in F16, vectors (norms, biases) in F32, as convert_hf_to_gguf.py writes them.
    def dtype(shape):
        return np.float16 if len(shape) == 2 else np.float32
    for name, shape in shapes.items():
        nbytes = int(np.prod(shape)) * np.dtype(dtype(shape)).itemsize
        writer.add_tensor_info(name, shape, np.dtype(dtype(shape)), nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for name, shape in shapes.items():
        if name.endswith("norm.weight"):
            data = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:
            data = (0.02 * rng.standard_normal(shape, dtype=np.float32)).astype(dtype(shape))
        writer.write_tensor_data(data)
    writer.close()


def quantize(source, target):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M
    params.nthread = os.cpu_count() or 2
    if llama_cpp.llama_model_quantize(source.encode(), target.encode(), ctypes.byref(params)) != 0:
        sys.exit("make-qwen-shaped-model.py: llama_model_quantize failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--layers", type=int, default=28)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tokenizer-from", default=None, help="GGUF whose BPE tokenizer to take (default: the default model)")
    args = parser.parse_args()
    f16 = args.out + ".f16"
    write_f16(f16, args.layers, args.seed, args.tokenizer_from or default_model())
    partial = args.out + ".partial"
    quantize(f16, partial)
    os.replace(partial, args.out)
    os.remove(f16)
    print(f"{args.out}: {os.path.getsize(args.out) / 1e9:.2f} GB, qwen2, {args.layers} layers, Q4_K_M")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes tiny random GGUF models of the architectures no small downloadable file covers, for the
tests that compare the engine with llama.cpp tensor by tensor (scripts/engine-vs-llamacpp.sh):

    make-synthetic-models.py SOURCE.gguf OUT_DIR

OUT_DIR/synthetic-<family>.gguf for
  llama3  Llama-3 style: untied output.weight, rope_freqs.weight factors, GQA (2 query heads per KV head)
  qwen2   Q/K/V biases, NEOX RoPE, GQA
  qwen3   per-head Q/K RMSNorm, NEOX RoPE, head size 64 with 4 heads on a width of 128 (q width ≠ width)
Weights are seeded random numbers (the same file every run; a file already there is kept), matrices
in Q8_0, vectors in F32. The tokenizer is the default model's (SOURCE, byte-level BPE) with
`tokenizer.ggml.pre` set as the family's real files have it (llama-bpe, qwen2). Needs the PyPI `gguf`
package (scripts/test.sh installs it with llama-cpp-python). About 8 MB per file.
"""
import os, sys
import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q

FAMILIES = {
    # name: (architecture, pre-tokenizer, head count, kv heads, head size, extra)
    "llama3": ("llama", "llama-bpe", 2, 1, 64, {"untied", "rope_freqs"}),
    "qwen2": ("qwen2", "qwen2", 2, 1, 64, {"qkv_bias"}),
    "qwen3": ("qwen3", "qwen2", 4, 2, 64, {"qk_norm"}),
}
DIM, FFN, LAYERS, SEED = 128, 256, 2, 1234


def tokenizer_fields(source):
    """The tokenizer.* key/values of SOURCE as (key, value, type) for GGUFWriter.add_key_value."""
    reader = gguf.GGUFReader(source)
    fields = []
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        kind = field.types[0]
        if kind == gguf.GGUFValueType.ARRAY:
            fields.append((key, field.contents(), kind, field.types[-1]))
        else:
            fields.append((key, field.contents(), kind, None))
    vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
    return fields, vocab


def write(family, source_fields, vocab, path):
    arch, pre, heads, kv_heads, head_dim, extra = FAMILIES[family]
    rng = np.random.default_rng(SEED + sum(map(ord, family)))
    writer = gguf.GGUFWriter(path + ".partial", arch)
    writer.add_name(f"synthetic {family}")
    writer.add_context_length(2048)
    writer.add_embedding_length(DIM)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_freq_base(500000.0 if family == "llama3" else 1000000.0)
    writer.add_rope_dimension_count(head_dim)
    writer.add_vocab_size(vocab)
    writer.add_file_type(7)   # mostly Q8_0
    for key, value, kind, inner in source_fields:
        if key == "tokenizer.ggml.pre":
            value = pre
        if kind == gguf.GGUFValueType.ARRAY:
            writer.add_key_value(key, value, kind, sub_type=inner)
        else:
            writer.add_key_value(key, value, kind)

    def matrix(name, rows, cols, scale):
        values = (rng.standard_normal((rows, cols)) * scale).astype(np.float32)
        writer.add_tensor(name, gguf.quants.quantize(values, Q.Q8_0), raw_dtype=Q.Q8_0)

    def vector(name, count, mean, spread):
        writer.add_tensor(name, (mean + rng.standard_normal(count) * spread).astype(np.float32))

    q_dim, kv_dim = heads * head_dim, kv_heads * head_dim
    matrix("token_embd.weight", vocab, DIM, 1.0)
    vector("output_norm.weight", DIM, 1.0, 0.1)
    if "untied" in extra:
        matrix("output.weight", vocab, DIM, 0.1)
    if "rope_freqs" in extra:
        # Llama 3.1's scaling shape: factor 1 for the fast angles, rising to 8 for the slow ones.
        writer.add_tensor("rope_freqs.weight", np.geomspace(1.0, 8.0, head_dim // 2).astype(np.float32))
    for layer in range(LAYERS):
        p = f"blk.{layer}."
        vector(p + "attn_norm.weight", DIM, 1.0, 0.1)
        matrix(p + "attn_q.weight", q_dim, DIM, 0.2)
        matrix(p + "attn_k.weight", kv_dim, DIM, 0.2)
        matrix(p + "attn_v.weight", kv_dim, DIM, 0.2)
        if "qkv_bias" in extra:
            vector(p + "attn_q.bias", q_dim, 0.0, 0.5)
            vector(p + "attn_k.bias", kv_dim, 0.0, 0.5)
            vector(p + "attn_v.bias", kv_dim, 0.0, 0.5)
        if "qk_norm" in extra:
            vector(p + "attn_q_norm.weight", head_dim, 1.0, 0.2)
            vector(p + "attn_k_norm.weight", head_dim, 1.0, 0.2)
        matrix(p + "attn_output.weight", DIM, q_dim, 0.1)
        vector(p + "ffn_norm.weight", DIM, 1.0, 0.1)
        matrix(p + "ffn_gate.weight", FFN, DIM, 0.1)
        matrix(p + "ffn_up.weight", FFN, DIM, 0.1)
        matrix(p + "ffn_down.weight", DIM, FFN, 0.1)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(path + ".partial", path)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = sys.argv[1:3]
    os.makedirs(out, exist_ok=True)
    fields, vocab = None, None
    for family in FAMILIES:
        path = os.path.join(out, f"synthetic-{family}.gguf")
        if os.path.exists(path):
            print(f"{path}: cached")
            continue
        if fields is None:
            fields, vocab = tokenizer_fields(source)
        write(family, fields, vocab, path)
        print(f"{path}: {os.path.getsize(path) >> 10} KiB")


if __name__ == "__main__":
    main()

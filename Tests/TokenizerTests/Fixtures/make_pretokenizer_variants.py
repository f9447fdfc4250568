#!/usr/bin/env python3
"""Checks the other pre-tokenizers against llama.cpp without another model: rewrites the default
model's header with `tokenizer.ggml.pre` set to another name and no tensors (TokenizerTests does the
same rewrite in Swift), loads it in llama.cpp with vocab_only, and tokenizes the corpus and fuzz
strings. Writes tokenizer_pre_variants_llamacpp.json: {pre: [[text, ids], ...]}.
  make_pretokenizer_variants.py MODEL.gguf"""
import json, struct, sys, tempfile, os
from llama_cpp import Llama

def variant(model, pre):
    data = open(model, "rb").read()
    key = b"tokenizer.ggml.pre"
    k = data.index(struct.pack("<Q", len(key)) + key)
    value_at = k + 8 + len(key) + 4                       # after key and type (string = 8)
    old_len = struct.unpack_from("<Q", data, value_at)[0]
    name = b"token_embd.weight"
    infos = data.index(struct.pack("<Q", len(name)) + name)
    body = data[16:value_at] + struct.pack("<Q", len(pre)) + pre.encode() + data[value_at + 8 + old_len:infos]
    return data[:8] + struct.pack("<Q", 0) + body

model = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
texts = [c["text"] for c in json.load(open(os.path.join(here, "tokenizer_llamacpp.json")))["tokenize"]]
texts += [c["text"] for c in json.load(open(os.path.join(here, "tokenizer_fuzz_llamacpp.json")))["tokenize"]][:1000]
out = {}
for pre in ["gpt-2", "llama-bpe"]:
    with tempfile.NamedTemporaryFile(suffix=".gguf", delete=False) as f:
        f.write(variant(model, pre))
    llm = Llama(model_path=f.name, vocab_only=True, verbose=False)
    out[pre] = [[t, llm.tokenize(t.encode(), add_bos=False, special=True)] for t in texts]
    del llm
    os.unlink(f.name)
json.dump(out, open(os.path.join(here, "tokenizer_pre_variants_llamacpp.json"), "w"), ensure_ascii=False, separators=(",", ":"))
print({k: len(v) for k, v in out.items()})

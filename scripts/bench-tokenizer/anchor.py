#!/usr/bin/env python3
"""llama.cpp's side of scripts/bench-tokenizer.sh: vocab-only load time and tokenize throughput
(llama-cpp-python, special tokens parsed, no BOS) on the same text, best of 5, thread CPU time.
  anchor.py TEXT_FILE MODEL.gguf...   ->  `model load_ms MB/s tokens` per model"""
import os, sys, time
from llama_cpp import Llama

text = open(sys.argv[1], "rb").read()  # bytes as written: no newline translation
for path in sys.argv[2:]:
    best_load, llm = float("inf"), None
    for _ in range(5):
        start = time.thread_time()
        llm = Llama(model_path=path, vocab_only=True, verbose=False)
        best_load = min(best_load, time.thread_time() - start)
    best, count = float("inf"), 0
    for _ in range(5):
        start = time.thread_time()
        count = len(llm.tokenize(text, add_bos=False, special=True))
        best = min(best, time.thread_time() - start)
    print(os.path.basename(path), f"{best_load * 1000:.1f}", f"{len(text) / best / 1e6:.2f}", count)

#!/usr/bin/env python3
"""llama.cpp's batch scores against its own greedy decode tokens, the noise floor of the teacher-forced check
in EngineGoldenTests.greedyGenerationMatchesLlamaCpp:
  python3 llamacpp_teacher_forced.py MODEL.gguf engine-golden[-TYPE].json
llama.cpp runs a batch of 8 or more tokens through other matmul routines than a decode step (its tiled
K-quant matmul; the repacked gemm), so near ties can go the other way. Q6_K file: 303/307 steps agree."""
import json, sys
import numpy as np
from llama_cpp import Llama
model, golden = sys.argv[1:3]
llm = Llama(model_path=model, n_ctx=2048, logits_all=True, verbose=False, n_threads=2, n_batch=512)
g = json.load(open(golden))
steps = exact = near = 0
for item in g["generate"]:
    p = llm.tokenize(item["prompt"].encode(), add_bos=False, special=True)
    e = item["ids"][:16]
    llm.reset(); llm.eval(p + e)
    rows = np.array(llm.scores[len(p) - 1:len(p) + len(e) - 1], dtype=np.float64)
    for i, t in enumerate(e):
        steps += 1
        r = rows[i]; top = int(np.argmax(r))
        if top == t: exact += 1
        elif r[top] - r[t] < 0.25: near += 1
        else: print("far:", item["prompt"][-40:].replace("\n"," "), i, top, t, r[top] - r[t])
print(f"llama.cpp batch vs its own decode: exact {exact}/{steps}, near ties {near}, agreeing {exact+near}")

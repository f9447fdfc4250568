#!/usr/bin/env python3
"""Golden V-Scores for the language-server tests, computed with llama.cpp (llama-cpp-python) in the
V-Score frame of docs/method.md (the frame of ../shared/reference/vscore_reference.py), for TASK and
the eight DEMOS below (prompt-file turns: X and Y are the bare texts, no labels). The output is also
where the tests' Fixture.prompt (Tests/LanguageServerTests/TestSession.swift) reads its task and
demonstrations from, so this list is the only one.

Usage: scripts/lsp-golden.py MODEL.gguf Tests/LanguageServerTests/Fixtures/fixture-vscores.json
"""
import json, sys
import numpy as np
from llama_cpp import Llama

TASK = "Classify the sentiment of the product review as positive, negative or neutral."
DEMOS = [("The kettle boils in a minute, love it.", "positive"),
         ("Broke after two days.", "negative"),
         ("The review of the product is neutral.", "neutral"),
         ("Quantum chromodynamics of gluons.", "banana"),
         ("The lamp works, the product review is positive.", "positive"),
         ("Sentiment of the review: negative product.", "negative"),
         ("Meh, the chair is fine.", "neutral"),
         ("Love the blender, the product is great.", "positive")]

def main():
    model_path, out = sys.argv[1:3]
    llm = Llama(model_path=model_path, n_ctx=2048, logits_all=True, verbose=False, n_threads=2, n_batch=512)
    tok = lambda s: llm.tokenize(s.encode(), add_bos=False, special=True)

    def logp(context, text):
        c, d = tok(context), tok(text)
        llm.reset(); llm.eval(c + d)
        rows = np.array(llm.scores[len(c) - 1:len(c) + len(d) - 1], dtype=np.float64)
        m = rows.max(axis=1, keepdims=True)
        lse = (np.log(np.exp(rows - m).sum(axis=1, keepdims=True)) + m)[:, 0]
        return float(sum(rows[i, t] - lse[i] for i, t in enumerate(d))), len(d)

    task_ctx = f"<|im_start|>system\n{TASK}<|im_end|>\n"
    null_ctx = "<|im_start|>system\n<|im_end|>\n"
    rows = []
    for x, y in DEMOS:
        text = f"<|im_start|>user\n{x}<|im_end|>\n<|im_start|>assistant\n{y}<|im_end|>\n"
        lt, n = logp(task_ctx, text)
        l0, _ = logp(null_ctx, text)
        rows.append({"input": x, "output": y, "logp_task": lt, "logp_null": l0, "tokens": n, "vscore": lt - l0})
    json.dump({"model": model_path.split("/")[-1], "task": TASK, "demonstrations": rows}, open(out, "w"), indent=1)

main()

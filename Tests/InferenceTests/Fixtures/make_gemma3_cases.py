#!/usr/bin/env python3
"""Writes gemma3-cases.json, the inputs of Gemma 3 270M's llama.cpp golden fixture: engine-cases.json's
first 20 score pairs and its 20 generation prompts in Gemma's turn format, BOS first, generations cut
to 16 tokens; the prompts are also tokenized so that the test can run them by token ids.
  python3 make_gemma3_cases.py > gemma3-cases.json
  python3 /work/shared/reference/llamacpp_logprobs.py ~/.cache/vsynth/models/gemma-3-270m-q4_k_m.gguf \
    gemma3-cases.json engine-golden-gemma3.json
(vsynth model fetch gemma3-270m fetches the model.)"""
import json

def gemma(text):
    return (text.replace("<|im_start|>system\n", "").replace("<|im_start|>user\n", "<start_of_turn>user\n")
            .replace("<|im_start|>assistant\n", "<start_of_turn>model\n").replace("<|im_end|>", "<end_of_turn>"))

cases = json.load(open("engine-cases.json"))
score = [{"context": "<bos>" + gemma(c["context"]), "continuation": gemma(c["continuation"])} for c in cases["score"][:20]]
generate = [{"prompt": "<bos>" + gemma(g["prompt"]), "max_tokens": 16} for g in cases["generate"]]
print(json.dumps({"tokenize": [g["prompt"] for g in generate], "score": score, "generate": generate}, indent=1, ensure_ascii=False))

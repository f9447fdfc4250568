#!/usr/bin/env python3
"""Writes engine-cases.json, the inputs of the engine's llama.cpp golden fixture:
  python3 make_cases.py > engine-cases.json
  python3 /work/shared/reference/llamacpp_logprobs.py MODEL engine-cases.json engine-golden.json
and for the default model requantized by scripts/make-test-models.py (TYPE = Q4_K_M, Q6_K, Q3_K_M, Q5_K_M, Q2_K, Q2_K-pure):
  python3 /work/shared/reference/llamacpp_logprobs.py ~/.cache/vsynth/test-models/SmolLM2-135M-Instruct.TYPE.gguf \
    engine-cases.json engine-golden-TYPE.json
Score pairs follow the V-Score frame of docs/method.md (ChatML system context with a task definition, the
empty system context, demonstrations on and off task, contexts holding earlier demonstrations) plus a
few plain-text and long cases; generation prompts are chat prompts of the kinds VSynth sends."""
import json

data = json.load(open("/work/shared/data/dev-consistency.json"))
tasks = data["tasks"]
system = lambda t: f"<|im_start|>system\n{t}<|im_end|>\n"
demo = lambda x, y: f"<|im_start|>user\n{x}<|im_end|>\n<|im_start|>assistant\n{y}<|im_end|>\n"
null_ctx = system("")

score = []
for i, task in enumerate(tasks):
    il, ol = task["input_label"], task["output_label"]
    d0, d1 = task["demos"][0], task["demos"][1]
    on = demo(f"{il}: {d0['input']}", f"{ol}: {d0['output']}")
    other = tasks[(i + 3) % len(tasks)]["demos"][2]
    off = demo(f"{il}: {other['input']}", f"{ol}: {other['output']}")
    score.append({"context": system(task["definition"]), "continuation": on})
    score.append({"context": null_ctx, "continuation": on})
    score.append({"context": system(task["definition"]), "continuation": off})
    # A context that already holds a demonstration, scoring the next one.
    score.append({"context": system(task["definition"]) + on,
                  "continuation": demo(f"{il}: {d1['input']}", f"{ol}: {d1['output']}")})
# Plain text, a long context, unicode and code.
score += [
    {"context": "The capital of France is", "continuation": " Paris. It is known for the Eiffel Tower."},
    {"context": "def fibonacci(n):\n    ", "continuation": "if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n"},
    {"context": system("Translate into French.") + "<|im_start|>user\nGood morning, how are you?<|im_end|>\n<|im_start|>assistant\n",
     "continuation": "Bonjour, comment ça va ? 😊<|im_end|>\n"},
    {"context": system(" ".join(t["definition"] for t in tasks) * 3),
     "continuation": demo("Question: What is 12 + 30?", "Answer: 42")},
]

prompts = [
    "What is the capital of France?", "Write a haiku about the sea.", "List three primary colors.",
    "Explain photosynthesis in one sentence.", "Translate 'good night' into German.",
    "What is 7 times 8?", "Give me a synonym for happy.", "Name a famous physicist.",
    "Write a Python function that adds two numbers.", "What day comes after Monday?",
    "Describe a cat in five words.", "Is the tweet 'Great, more rain' sarcastic?",
    "Convert 10 to Roman numerals.", "What is the chemical symbol for gold?",
    "Summarize: The meeting was moved from Tuesday to Thursday because the manager was ill.",
    "Suggest a name for a bakery.", "How many legs does a spider have?",
]
generate = [{"prompt": f"<|im_start|>user\n{p}<|im_end|>\n<|im_start|>assistant\n", "max_tokens": 24} for p in prompts]
for task in tasks[:3]:
    generate.append({"prompt": system(task["definition"]) +
                     f"<|im_start|>user\nWrite one new example for this task as '{task['input_label']}: ...' "
                     f"then '{task['output_label']}: ...'.<|im_end|>\n<|im_start|>assistant\n", "max_tokens": 24})
print(json.dumps({"score": score, "generate": generate}, indent=1, ensure_ascii=False))

#!/usr/bin/env python3
"""Writes tokenizer_fuzz_cases.json: 2000 seeded random strings built from tricky pieces (scripts,
marks, digits, contractions, whitespace of every kind, emoji parts, special tokens) plus random
code points of every plane. Then:
  /work/shared/reference/llamacpp_logprobs.py MODEL tokenizer_fuzz_cases.json tokenizer_fuzz_llamacpp.json
U+FEFF is left out: Foundation's JSONSerialization drops it from strings (the tokenizer itself
handles it; TokenizerTests checks it with ids taken from llama.cpp directly)."""
import json, random
rng = random.Random(99)
pools = [" ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u3000", "\u2009", "\u0085", "\u2028", "\v", "\f", "a", "Z", "q",
         "é", "ß", "İ", "ǅ", "日本語", "한국", "ع", "ह", "ि", "\u0301", "\u0308", "0", "7", "42", "٣", "१", "Ⅻ", "½", "²",
         "'", "'s", "'S", "'re", "'LL", "'ve", "'d", "'m", "'t", "!", "?", ".", ",", "-", "_", "(", ")", "{", "}", "<", ">",
         "|", "/", "\\", "\"", "#", "$", "%", "^", "&", "*", "+", "=", "~", "`", "😀", "👍🏽", "👩‍💻", "🇫🇷", "🫠", "\u200d",
         "\ufe0f", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<file_sep>", "the", " the", "The", "ing", "tion", " and",
         "http://", "www.", ".com", "@", "ﬁ", "𝔘", "\U0001F3FB", "\u0600", "\u200b", "\x00", "\x1f", "\x7f"]
cases = []
for _ in range(1500):
    cases.append("".join(rng.choice(pools) for _ in range(rng.randrange(1, 25))))
for _ in range(250):
    cases.append("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 12))))
for _ in range(250):
    cps = [rng.randrange(0x20, 0x110000) for _ in range(rng.randrange(1, 8))]
    cases.append("".join(chr(c) for c in cps if not (0xD800 <= c < 0xE000) and c != 0xFEFF))
json.dump({"tokenize": cases}, open("tokenizer_fuzz_cases.json", "w"), ensure_ascii=False, indent=0)
print(len(cases), "cases")

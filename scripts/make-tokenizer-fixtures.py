#!/usr/bin/env python3
"""Golden token ids from llama.cpp (llama-cpp-python, `Llama(path, vocab_only=True)`) for the
tokenizer tests, written to Tests/TokenizerTests/Fixtures:

  tokenizer_gemma3_llamacpp.json       SentencePiece, Gemma 3 270M's vocabulary (262,144 tokens):
                                       {"model", "tokenize": [{"text", "ids", "plain"}]}, ids with
                                       special tokens parsed, plain without, no BOS; and
                                       "space_prefix": [{"text", "ids"}] with the header's
                                       add_space_prefix set to true (Llama 2 / Mistral behaviour).
  tokenizer_pre_variants_llamacpp.json BPE pre-tokenizers on the default model's vocabulary with
                                       `tokenizer.ggml.pre` rewritten (header only, no tensors;
                                       PreTokenizerVariantTests does the same rewrite in Swift):
                                       {pre: [[text, ids]]}.

The strings: the hand-written corpus (Fixtures/make_corpus.py, 500 strings), strings for Gemma's
special and user-defined tokens, and the first 1000 seeded fuzz strings (Fixtures/make_fuzz_corpus.py).

  scripts/make-tokenizer-fixtures.py [DEFAULT_MODEL.gguf [GEMMA_MODEL.gguf]]
"""
import json, os, struct, sys, tempfile
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "TokenizerTests", "Fixtures")
MODELS = os.environ.get("VSYNTH_MODELS", os.path.expanduser("~/.cache/vsynth/models"))
PRE_TOKENIZERS = ["gpt-2", "llama-bpe", "qwen2", "default"]

# Gemma's control tokens (<start_of_turn>, <bos>, <unusedN>), user-defined ones (runs of spaces and
# newlines, HTML tags, [multimodal]), byte-token lookalikes, escaped spaces and near misses.
GEMMA_STRINGS = [
    "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n4<end_of_turn>\n",
    "<bos>text after bos", "<eos>", "<pad><unk><mask>", "<unused0><unused99>", "[multimodal]",
    "<start_of_image>", "<end_of_image>", "<start_of_turn", "<end_of_turn >", "<<start_of_turn>>",
    "<table><tr><td>1</td></tr></table>", "<h1>Title</h1>\n<h2>Sub</h2>", "<0x41><0x0A>", "<0xZZ>",
    "\u2581", "\u2581\u2581already\u2581escaped", " \u2581 ", "▁▁▁ ▁", "a\n\n\n\nb", "\n" * 40, " " * 40,
    "x" + " " * 31 + "y", "x" + " " * 32 + "y", "\t\tindented\n\t\t\tmore", "trailing   ", "   leading",
    "Ελληνικά και русский и 中文 和 日本語 と 한국어", "مرحبا بالعالم", "नमस्ते दुनिया", "🤖🦾 👩🏽‍💻 🇯🇵",
    "\x00\x01\x02\x7f", "\ufffd", "ｆｕｌｌｗｉｄｔｈ", "ﬁ ﬂ ß ẞ", "zalgo z̷̢a̵l̶g̴o̸",
    "def tokenize(text: str) -> list[int]:\n    return [ord(c) for c in text]\n",
    "SELECT * FROM users WHERE id = 42;", "It's 3:45pm — don't forget the café's crème brûlée!",
]


def strings():
    corpus = [c["text"] for c in json.load(open(os.path.join(FIXTURES, "tokenizer_llamacpp.json")))["tokenize"]]
    fuzz = [c["text"] for c in json.load(open(os.path.join(FIXTURES, "tokenizer_fuzz_llamacpp.json")))["tokenize"]]
    return corpus, fuzz[:1000]


def variant(model, pre=None, set_true=()):
    """The model's header with tokenizer.ggml.pre = pre, the bool keys set_true set to true, and no
    tensors (a vocab-only GGUF)."""
    data = open(model, "rb").read(64 << 20)

    def key_at(key):
        key = key.encode()
        return data.index(struct.pack("<Q", len(key)) + key) + 8 + len(key) + 4   # after key and type

    name = b"token_embd.weight"
    data = data[:data.index(struct.pack("<Q", len(name)) + name)]
    for key in set_true:
        at = key_at(key)
        data = data[:at] + b"\x01" + data[at + 1:]
    if pre is not None:
        value_at = key_at("tokenizer.ggml.pre")
        old_len = struct.unpack_from("<Q", data, value_at)[0]
        data = data[:value_at] + struct.pack("<Q", len(pre)) + pre.encode() + data[value_at + 8 + old_len:]
    return data[:8] + struct.pack("<Q", 0) + data[16:]


def tokenize(llm, text, special):
    return llm.tokenize(text.encode(), add_bos=False, special=special)


def main():
    default_model = sys.argv[1] if len(sys.argv) > 1 else os.path.join(MODELS, "SmolLM2-135M-Instruct.Q4_1.gguf")
    gemma_model = sys.argv[2] if len(sys.argv) > 2 else os.path.join(MODELS, "gemma-3-270m-q4_k_m.gguf")
    corpus, fuzz = strings()

    llm = Llama(model_path=gemma_model, vocab_only=True, verbose=False)
    cases = [{"text": t, "ids": tokenize(llm, t, True), "plain": tokenize(llm, t, False)}
             for t in corpus + GEMMA_STRINGS + fuzz]
    del llm
    with tempfile.NamedTemporaryFile(suffix=".gguf", delete=False) as f:
        f.write(variant(gemma_model, set_true=["tokenizer.ggml.add_space_prefix"]))
    llm = Llama(model_path=f.name, vocab_only=True, verbose=False)
    space_prefix = [{"text": t, "ids": tokenize(llm, t, True)} for t in corpus + GEMMA_STRINGS]
    del llm
    os.unlink(f.name)
    with open(os.path.join(FIXTURES, "tokenizer_gemma3_llamacpp.json"), "w") as f:
        json.dump({"model": os.path.basename(gemma_model), "tokenize": cases, "space_prefix": space_prefix}, f,
                  ensure_ascii=False, separators=(",", ":"))

    out = {}
    for pre in PRE_TOKENIZERS:
        with tempfile.NamedTemporaryFile(suffix=".gguf", delete=False) as f:
            f.write(variant(default_model, pre=pre))
        llm = Llama(model_path=f.name, vocab_only=True, verbose=False)
        out[pre] = [[t, tokenize(llm, t, True)] for t in corpus + fuzz]
        del llm
        os.unlink(f.name)
    with open(os.path.join(FIXTURES, "tokenizer_pre_variants_llamacpp.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    print("gemma3:", len(cases), "strings;", {k: len(v) for k, v in out.items()})


if __name__ == "__main__":
    main()

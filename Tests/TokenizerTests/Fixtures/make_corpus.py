#!/usr/bin/env python3
"""Writes tokenizer_cases.json: a varied corpus (>= 300 strings) for checking token ids against
llama.cpp. Then:
  /work/shared/reference/llamacpp_logprobs.py MODEL tokenizer_cases.json tokenizer_llamacpp.json
produces the committed fixture (llama.cpp's ids, special tokens parsed, no BOS)."""
import json, random

rng = random.Random(1234)
cases = []
add = cases.append

# Basics, empty, single characters
for s in ["", " ", "  ", "a", "A", "é", "日", "😀", "\n", "\t", "\r\n", "0", "'", "\"", "<", ">", "|", "\\", "\u00a0"]:
    add(s)
# Whitespace runs of every kind and length, alone and around words
for ws in [" ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2009", "\v", "\f", "\u0085", "\u2028"]:
    for k in (1, 2, 3, 5, 8):
        add(ws * k)
        add("x" + ws * k + "y")
    add("word" + ws * 2)
    add(ws * 3 + "word")
add("   leading and trailing   ")
add("tabs\tbetween\t\twords\t")
add("line one\nline two\n\nline four\n\n\n")
add("windows\r\nline\r\nendings\r\n")
add("mixed \t\n \r\n\t  whitespace")
add("a  b   c    d     e")
add(" " * 17 + "deep indent")
# Digits and numbers
for s in ["1", "12", "123", "1234", "12345", "1234567890", "3.14159", "-42", "+7", "1,000,000", "1e-10", "0x1F",
          "2024-06-01", "12:30:45", "$19.99", "100%", "v1.2.3", "٣٤٥", "१२३", "一二三", "Ⅻ", "½ ¾", "①②③",
          "9999999999999999999999", "phone: +1 (555) 123-4567", "IP 192.168.0.1", "a1b2c3", "x = 10 + 20 * 3"]:
    add(s)
for _ in range(10):
    add(str(rng.randrange(10 ** rng.randrange(1, 30))))
# Punctuation
for s in ["Hello, world!", "What?!", "...", "—", "–", "“quoted”", "‘single’", "«guillemets»", "a--b", "a...b",
          "!!!???", "#hashtag", "@mention", "(parens) [brackets] {braces}", "semi;colon:colon", "~`^*&%$#@!",
          "« » ‹ › „ ‟", "¿Qué? ¡Sí!", "end.", "(nested (parens))", "a/b\\c", "__init__", "snake_case_name"]:
    add(s)
# Contractions and case
for s in ["it's", "don't", "we're", "I've", "I'm", "we'll", "he'd", "IT'S", "DON'T", "We'Re", "'s", "'t", "'re",
          "'ve", "'m", "'ll", "'d", "'x", "rock'n'roll", "O'Brien", "y'all'd've", "the dog's bone", "can't won't shan't",
          "CamelCaseWord", "lowercase", "UPPERCASE", "MiXeD cAsE", "iPhone", "McDonald's", "XMLHttpRequest"]:
    add(s)
# Code in several languages
codes = [
    "def f(x):\n    return x * 2\n",
    "for i in range(10):\n\tprint(i)",
    "int main(void) {\n  printf(\"%d\\n\", 42);\n  return 0;\n}",
    "#include <stdio.h>\n#define MAX(a, b) ((a) > (b) ? (a) : (b))",
    "const x = () => { return [1, 2, 3].map(n => n ** 2); };",
    "let value: Int? = nil\nguard let v = value else { return }",
    "func greet(_ name: String) -> String { \"Hello, \\(name)\" }",
    "fn main() { let v: Vec<u8> = vec![0; 16]; println!(\"{:?}\", v); }",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;",
    "<div class=\"x\"><p>Hello</p></div>",
    "{\"key\": [1, 2.5, true, null], \"nested\": {\"a\": \"b\"}}",
    "key: value\nlist:\n  - one\n  - two\n",
    "$ ls -la | grep '.swift' && echo done",
    "x := map[string]int{\"a\": 1}\nif err != nil { return err }",
    "public static void main(String[] args) { System.out.println(args.length); }",
    "   indented_code = True\n        more_indent()\n",
    "if (a && b || !c) { x += 1; y -= 2; z *= 3; }",
    "# Markdown heading\n\n* item one\n* item two\n\n```swift\nlet x = 1\n```",
    "a == b != c <= d >= e",
    "regex: ^[a-z0-9_\\-]+@[a-z]+\\.[a-z]{2,}$",
    "\\begin{equation} E = mc^2 \\end{equation}",
    "lambda x: x**2 if x > 0 else -x",
    "<?php echo $var; ?>",
    "// comment\n/* block */\n-- sql comment",
]
for c in codes:
    add(c)
# URLs and emails
for s in ["https://example.com/path?query=1&other=two#frag", "http://localhost:8080/", "ftp://files.example.org/a/b.txt",
          "www.github.com/user/repo", "mailto:someone@example.com", "first.last+tag@sub.example.co.uk",
          "Visit https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct now.", "user@localhost",
          "file:///home/user/file.gguf", "https://en.wikipedia.org/wiki/Byte_pair_encoding"]:
    add(s)
# Accents, combining marks, scripts
for s in ["café", "naïve", "résumé", "Ångström", "crème brûlée", "Straße", "façade", "e\u0301", "a\u0308\u0304",
          "n\u0303o", "Z\u0335\u0327a\u0336l\u0337g\u0338o\u0334", "ǅ Ǆ ǆ", "İstanbul", "ﬁ ﬂ", "Ελληνικά κείμενο",
          "Русский текст, пример.", "Українська мова", "עברית כתובה", "العربية: مرحبا بالعالم", "مرحبا123",
          "हिन्दी भाषा", "नमस्ते दुनिया", "বাংলা", "ภาษาไทย", "ქართული", "Հայերեն", "ᚠᚢᚦᚨᚱᚲ", "தமிழ்",
          "中文字符测试", "日本語のテキストです。", "カタカナ ひらがな", "한국어 텍스트", "漢字かな交じり文",
          "Tiếng Việt có dấu", "Español: ¿cómo estás?", "Português: ação, coração", "Polski: żółć", "Čeština",
          "Ĳsselmeer", "ŉ", "ﾊﾝｶｸ", "ｆｕｌｌｗｉｄｔｈ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟙𝟚𝟛", "Ⓐⓑⓒ"]:
    add(s)
# Emoji: modifiers, ZWJ sequences, flags, keycaps
for s in ["👍", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸🇯🇵", "1️⃣", "❤️", "🙂🙃😉", "🧑🏿‍🚀", "👋🏻 hello",
          "text 🎉 with 🚀 emoji", "✅ done ❌ failed", "☕️", "🤷‍♀️", "💯💯💯", "emoji🔥inline", "😀 😃 😄"]:
    add(s)
# Special tokens inside text
for s in ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHi<|im_end|>",
          "text before<|im_end|>text after", "<|im_start|><|im_end|>", "<|im_start|>system\n<|im_end|>\n",
          "a<|endoftext|>b<|endoftext|>c", "<|im_end|><|im_end|>", "<|im_start", "im_end|>", "< |im_start| >",
          "<|IM_START|>", "<repo_name>project<file_sep>main.py", "<filename>a.txt<gh_stars>10",
          "<jupyter_code>print(1)<jupyter_output>1", "<empty_output>", "<issue_start>bug<issue_comment>fix<issue_closed>",
          " <|im_end|> ", "\n<|im_start|>\n", "<|im_start|>assistant\n"]:
    add(s)
# The ChatML frames VSynth scores (docs/method.md)
tasks = ["Classify the sentiment of a movie review as positive or negative.",
         "Translate English to French.", "Extract the city name from the sentence.", ""]
demos = [("The movie was wonderful!", "positive"), ("I hated every minute.", "negative"),
         ("Where is the station?", "Où est la gare ?"), ("I flew from Paris to Tokyo.", "Tokyo"),
         ("  spaced  input  ", "  spaced output "), ("multi\nline\ninput", "multi\nline\noutput")]
for t in tasks:
    add(f"<|im_start|>system\n{t}<|im_end|>\n")
for x, y in demos:
    add(f"<|im_start|>user\n{x}<|im_end|>\n<|im_start|>assistant\n{y}<|im_end|>\n")
add("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n")
# Prose of varied kinds
prose = [
    "The quick brown fox jumps over the lazy dog.",
    "In 1492, Columbus sailed the ocean blue; by 1500, things had changed.",
    "She said, \"I'll be there at 5 p.m.\" — and she was.",
    "E-mail me at test@example.com or call 555-0100.",
    "Temperatures range from -40°C to +45°C (−40°F to 113°F).",
    "The ratio is 3:2, i.e. 1.5×, approx. 150%.",
    "Mr. & Mrs. Smith's 2nd anniversary (est. 2019).",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
    "Q: What's the answer?\nA: 42.",
    "Input: good food\nOutput: positive\n\nInput: bad service\nOutput: negative",
]
for p in prose:
    add(p)
# Random mixtures from an alphabet of tricky pieces
pieces = [" ", "  ", "\t", "\n", "\r\n", "a", "Z", "é", "日本", "١٢", "7", "42", "'s", "'LL", "!", "?!", "...", "-",
          "_", "😀", "👍🏽", "<|im_end|>", "<|im_start|>", "\u00a0", "ß", "\u0301", "x", "The", " the", "©", "$", "€",
          "<", "|", ">", "//", "==", "0.5", "ﬁ", "한", "ü"]
for _ in range(120):
    add("".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14))))
# Longer texts
add(" ".join(prose) * 3)
add("\n".join(codes))
add("🎉" * 40)
add("a" * 300)
add("1" * 100)
add("ab " * 100)

seen, unique = set(), []
for c in cases:
    if c not in seen:
        seen.add(c); unique.append(c)
assert len(unique) >= 300, len(unique)
json.dump({"tokenize": unique}, open("tokenizer_cases.json", "w"), ensure_ascii=False, indent=0)
print(len(unique), "cases")

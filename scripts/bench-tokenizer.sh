#!/usr/bin/env bash
# Tokenizer benchmark: builds scripts/bench-tokenizer/main.swift (swiftc -O) against this tree's
# Sources/GGUF + Sources/Tokenizer and against those of another revision (default: main), runs both
# and llama.cpp (scripts/bench-tokenizer/anchor.py) on the same text in one invocation, and prints
# load time, encode throughput and the ratios.
#   scripts/bench-tokenizer.sh [REVISION] [MODEL.gguf ...]
# Default models: the default SmolLM2 model and Gemma 3 270M in ${VSYNTH_MODELS:-~/.cache/vsynth/models}.
set -euo pipefail
cd "$(dirname "$0")/.."
revision=${1:-main}; shift || true
models_dir=${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}
models=("$@")
[ ${#models[@]} -gt 0 ] || models=("$models_dir/SmolLM2-135M-Instruct.Q4_1.gguf" "$models_dir/gemma-3-270m-q4_k_m.gguf")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Package.swift's flags for the Tokenizer target, whole-module as in `swift build -c release`
# (BENCH_WMO=0: file by file, as the -O debug builds the tests use).
FLAGS="-O -enforce-exclusivity=unchecked"
[ "${BENCH_WMO:-1}" = 1 ] && FLAGS="$FLAGS -wmo"

build() {  # build DIR SOURCES_ROOT
  mkdir -p "$1"
  (cd "$1" && swiftc $FLAGS -parse-as-library -emit-module -emit-library -static -module-name GGUF "$2"/Sources/GGUF/*.swift \
    && swiftc $FLAGS -parse-as-library -emit-module -emit-library -static -module-name Tokenizer -I . "$2"/Sources/Tokenizer/*.swift \
    && swiftc $FLAGS -I . -L . -lTokenizer -lGGUF "$OLDPWD/scripts/bench-tokenizer/main.swift" -o bench) >/dev/null
}
mkdir -p "$work/old-tree"
git archive "$revision" Sources/GGUF Sources/Tokenizer | tar -x -C "$work/old-tree"
build "$work/new" "$PWD"
build "$work/old" "$work/old-tree"

# A mixed text: the committed corpus and fuzz strings (prose, code, many scripts, emoji), 5 times.
python3 - "$work/text.txt" <<'PY'
import json, sys
fx = "Tests/TokenizerTests/Fixtures/"
texts = [c["text"] for f in ("tokenizer_llamacpp.json", "tokenizer_fuzz_llamacpp.json") for c in json.load(open(fx + f))["tokenize"]]
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(texts * 5))
PY
echo "text: $(wc -c < "$work/text.txt") bytes; columns: model, load ms, encode MB/s, tokens"
"$work/new/bench" "$work/text.txt" "${models[@]}" | sed 's/^/this tree: /' | tee "$work/new.txt"
"$work/old/bench" "$work/text.txt" "${models[@]}" 2>/dev/null | sed "s/^/$revision: /" | tee "$work/old.txt" || true
python3 scripts/bench-tokenizer/anchor.py "$work/text.txt" "${models[@]}" 2>/dev/null | sed 's/^/llama.cpp: /' | tee "$work/anchor.txt"
python3 - "$work" "$revision" <<'PY'
import sys
work, revision = sys.argv[1], sys.argv[2]
def read(name):
    rows = [l.split() for l in open(f"{work}/{name}.txt") if l.strip() and "#" not in l]
    return {r[-4]: (float(r[-3]), float(r[-2])) for r in rows}
new, old, anchor = read("new"), read("old"), read("anchor")
for model, (load, speed) in new.items():
    parts = []
    if model in old: parts.append(f"encode {speed / old[model][1]:.2f}x {revision}")
    if model in anchor: parts.append(f"encode {speed / anchor[model][1]:.2f}x llama.cpp, load {anchor[model][0] / load:.2f}x llama.cpp")
    print(f"ratio {model}: " + ", ".join(parts))
PY

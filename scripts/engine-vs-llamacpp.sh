#!/usr/bin/env bash
# The embedded engine against llama.cpp (llama-cpp-python), tensor by tensor through all layers, on two
# V-Score-frame pairs: every intermediate tensor must be bit-identical (scripts/compare-with-llamacpp.py).
# Run by scripts/test.sh with VSYNTH set to the built binary; needs llama-cpp-python (test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${VSYNTH:-.build/release/vsynth}"
[[ -x $bin ]] || swift build -c release --product vsynth >/dev/null
python3 scripts/compare-with-llamacpp.py --vsynth "$bin" | tail -n 1
python3 scripts/compare-with-llamacpp.py --vsynth "$bin" \
  --context $'<|im_start|>system\nTranslate the sentence from English to French.<|im_end|>\n' \
  --continuation $'<|im_start|>user\nSentence: The cat sleeps on the warm windowsill.<|im_end|>\n<|im_start|>assistant\nFrench: Le chat dort sur le rebord chaud de la fenêtre.<|im_end|>\n' | tail -n 1

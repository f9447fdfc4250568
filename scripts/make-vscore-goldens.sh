#!/usr/bin/env bash
# Writes the V-Score goldens of the parity tests (Tests/VSynthesisTests/VScoreParityTests.swift and
# VScoreFrameParityTests.swift): llama.cpp's numbers from ../shared/reference/vscore_reference.py.
#   scripts/make-vscore-goldens.sh           the per-frame goldens (small: seconds)
#   scripts/make-vscore-goldens.sh --full    also every candidate of the development set, chatml frame
# Per frame: Fixtures/vscore-frames-data.json holds four tasks of the development set with two
# demonstrations each (32 task/candidate pairs); every frame of the README's frame table (chatml,
# llama3, gemma, plain) is computed on the default model (the frames are strings, so one model runs
# them all) into vscore-frame-FRAME.json, and Gemma 3 270M with --frame auto (its own frame: plain,
# BOS first) into vscore-frame-gemma3-auto.json.
# --full: the whole development set on the default model's own frame into vscore-reference.json
# (600 candidates; about 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
models="${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}"
model="${VSYNTH_MODEL:-$models/SmolLM2-135M-Instruct.Q4_1.gguf}"
gemma="$models/gemma-3-270m-q4_k_m.gguf"
reference="${VSYNTH_REFERENCE:-../shared/reference}/vscore_reference.py"
fixtures=Tests/VSynthesisTests/Fixtures
subset="$fixtures/vscore-frames-data.json"

python3 - "$fixtures/dev-consistency.json" "$subset" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
keep = ["sarcasm", "de-en", "roman", "sql"]
tasks = [dict(t, demos=t["demos"][:2]) for t in data["tasks"] if t["id"] in keep]
about = "Four tasks of dev-consistency.json, two demonstrations each: the per-frame V-Score goldens' data (scripts/make-vscore-goldens.sh)."
json.dump({"about": about, "tasks": tasks}, open(sys.argv[2], "w"), indent=1, ensure_ascii=False)
PY
for frame in chatml llama3 gemma plain; do
    echo "make-vscore-goldens: $frame -> $fixtures/vscore-frame-$frame.json"
    python3 "$reference" "$model" "$subset" --frame "$frame" --json "$fixtures/vscore-frame-$frame.json"
done
[ -f "$gemma" ] || { echo "make-vscore-goldens: no $gemma (run: vsynth model fetch gemma3-270m)" >&2; exit 1; }
echo "make-vscore-goldens: Gemma 3 270M, auto -> $fixtures/vscore-frame-gemma3-auto.json"
python3 "$reference" "$gemma" "$subset" --frame auto --json "$fixtures/vscore-frame-gemma3-auto.json"
if [ "${1:-}" = --full ]; then
    echo "make-vscore-goldens: development set, auto -> $fixtures/vscore-reference.json"
    python3 "$reference" "$model" "$fixtures/dev-consistency.json" --json "$fixtures/vscore-reference.json"
fi

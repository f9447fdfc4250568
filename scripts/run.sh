#!/usr/bin/env bash
# The main job on the embedded default model (README's first command, `make run`): builds vsynth in
# release mode, fetches the model if it is missing (a present copy is verified), then runs the job
# on FILE... (default: examples/sentiment.prompt).
#
# For now the job is `vsynth parse`: it shows what VSynth reads from a prompt file (task, settings,
# format, demonstrations with their ranges). Synthesis and scoring replace it as they land.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

step "tools"
require_tools

step "swift build -c release"
swift build -c release
bin=$(swift build -c release --show-bin-path)

step "model"
"$bin/vsynth" model fetch >/dev/null

files=("$@")
((${#files[@]})) || files=(examples/sentiment.prompt)
step "vsynth parse ${files[*]}"
exec "$bin/vsynth" parse "${files[@]}"

#!/usr/bin/env bash
# The main job on the embedded default model (README's first command, `make run`): builds vsynth in
# release mode, fetches the model if it is missing (a present copy is verified), then runs the job
# on FILE... (default: examples/sentiment.prompt).
#
# The job is `vsynth synthesize`: V-Synthesis on the embedded model, from scratch for the sentiment
# example (it has no demonstrations yet); it prints the new demonstrations with their V-Scores and
# leaves the file as it is (add --write to insert them, --diff to see the change).
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
for file in "${files[@]}"; do
  step "vsynth synthesize $file --progress"
  "$bin/vsynth" synthesize "$file" --progress
done

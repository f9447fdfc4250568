#!/usr/bin/env bash
# Checks prompt files against a real Dotprompt runtime: Google's Python runtime `dotpromptz`
# renders every examples/*.prompt and Tests/dotprompt/fixtures/*.prompt, before and after
# `vsynth synthesize -n 1 --write` (on a temporary copy), and Tests/dotprompt/check_render.py
# asserts that the rendered user/model turns are `vsynth parse --json`'s demonstrations, in order,
# before the real user turn, and that VSynth's settings sit where docs/prompt-files.md says.
# dotpromptz lives in a virtual environment of its own, made once and kept
# (${XDG_CACHE_HOME:-~/.cache}/vsynth/dotpromptz-VERSION; python3-venv is installed with apt-get
# when missing). Needs the embedded model (`vsynth model fetch`) for the synthesis.
# Usage: scripts/dotprompt-compat.sh [FILE.prompt...]      (env VSYNTH, else VSYNTH_BIN as for scripts/test-editors.sh: the vsynth binary to run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib.sh

version=0.2.0
venv=${XDG_CACHE_HOME:-$HOME/.cache}/vsynth/dotpromptz-$version

vsynth=${VSYNTH:-${VSYNTH_BIN:-}}
if [[ -z $vsynth ]]; then
  vsynth="$(swift build --show-bin-path)/vsynth"
  [[ -x $vsynth ]] || swift build --product vsynth >&2 || fail "swift build failed"
fi

# The environment counts only once its last step wrote the marker: a half-made one is made again.
if [[ ! -f $venv/.complete ]]; then
  step "dotpromptz $version in $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" >&2; then
    rm -rf "$venv"
    minor=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install python3-venv "python$minor-venv" || apt_install python3-venv \
      || fail "python3 cannot make a virtual environment: install python3-venv and re-run"
    python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed"
  fi
  "$venv/bin/python" -m pip install -q "dotpromptz==$version" >&2 \
    || fail "cannot install dotpromptz==$version from PyPI (no network?); re-run when it is reachable"
  touch "$venv/.complete"
fi

if (($#)); then files=("$@"); else files=(examples/*.prompt Tests/dotprompt/fixtures/*.prompt); fi
exec "$venv/bin/python" Tests/dotprompt/check_render.py "$vsynth" --synthesize "${files[@]}"

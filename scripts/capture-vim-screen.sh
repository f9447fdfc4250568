#!/usr/bin/env bash
# Captures a terminal screen of Vim with VSynth's scores shown (for the README): runs Vim with
# editor-clients/vim in a detached tmux session on a copy of a prompt file, waits until the daemon
# has scored every demonstration, and prints `tmux capture-pane` of it.
#
#   scripts/capture-vim-screen.sh [FILE.prompt] > docs/editors-vim-screen.txt
#   CAPTURE_SYNTHESIZE=2 scripts/capture-vim-screen.sh     (after synthesizing 2 demonstrations)
#
# Env: VSYNTH_BIN (the daemon; default `vsynth` on PATH), CAPTURE_WAIT (seconds, default 120).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
file="${1:-$root/Tests/editors/fixtures/sentiment.prompt}"
work="$(mktemp -d)"
cp "$file" "$work/$(basename "$file")"
session="vsynth-capture-$$"
cat > "$work/vimrc" <<EOF
set nocompatible laststatus=2 signcolumn=yes
let &runtimepath = '$root/editor-clients/vim,' . &runtimepath
runtime plugin/vsynth.vim
filetype plugin on
syntax on
set statusline=%f\ %=%{vsynth#statusline()}
EOF
tmux new-session -d -s "$session" -x 100 -y 44 -c "$work" \
  "VSYNTH_BIN='${VSYNTH_BIN:-vsynth}' vim -N -u '$work/vimrc' -i NONE '$work/$(basename "$file")'"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
deadline=$((SECONDS + ${CAPTURE_WAIT:-120}))
while [ $SECONDS -lt $deadline ]; do
  sleep 1
  if tmux capture-pane -p -t "$session" | grep -q 'scored'; then
    sleep 1
    break
  fi
done
# CAPTURE_SYNTHESIZE=n: then synthesize n demonstrations and wait until they are scored too.
if [ -n "${CAPTURE_SYNTHESIZE:-}" ]; then
  before=$(tmux capture-pane -p -t "$session" | grep -o 'VSynth [0-9]* scored' | grep -o '[0-9]*' || echo 0)
  want=$((before + CAPTURE_SYNTHESIZE))
  tmux send-keys -t "$session" ":VsynthSynthesize $CAPTURE_SYNTHESIZE" Enter
  deadline=$((SECONDS + ${CAPTURE_WAIT:-120}))
  while [ $SECONDS -lt $deadline ]; do
    sleep 1
    if tmux capture-pane -p -t "$session" | grep -q "VSynth $want scored"; then
      sleep 1
      break
    fi
  done
fi
tmux capture-pane -p -t "$session"

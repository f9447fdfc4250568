#!/usr/bin/env bash
# Captures a terminal screen of Vim with VSynth's scores shown (for the README): runs Vim with
# editor-clients/vim in a detached tmux session on a copy of a prompt file, waits until the daemon
# has scored every demonstration, and prints `tmux capture-pane` of it.
#
#   scripts/capture-vim-screen.sh [FILE.prompt] > docs/editors-vim-screen.txt
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
tmux new-session -d -s "$session" -x 110 -y 34 -c "$work" \
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
tmux capture-pane -p -t "$session"

#!/usr/bin/env bash
# Captures a terminal screen of an editor with VSynth's scores shown (for docs/editors.md): runs Vim,
# Neovim or Emacs with this repository's client in a detached tmux session on a copy of a prompt
# file, waits until the daemon has scored every demonstration, and prints `tmux capture-pane` of it.
#
#   scripts/capture-editor-screen.sh vim [FILE.prompt] > docs/editors-vim-screen.txt
#   CAPTURE_SYNTHESIZE=2 scripts/capture-editor-screen.sh nvim   (after synthesizing 2 demonstrations)
#
# Env: VSYNTH_BIN (the daemon; default `vsynth` as the clients find it), CAPTURE_WAIT (seconds per
# wait, default 120).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
editor="${1:-}"
case "$editor" in
  vim|nvim|emacs) ;;
  *) echo "usage: scripts/capture-editor-screen.sh vim|nvim|emacs [FILE.prompt]" >&2; exit 64 ;;
esac
file="${2:-$root/Tests/editors/fixtures/sentiment.prompt}"
work="$(mktemp -d)"
name="$(basename "$file")"
cp "$file" "$work/$name"
session="vsynth-capture-$$"
n="${CAPTURE_SYNTHESIZE:-0}"
clients="$root/editor-clients"
case "$editor" in
  vim)
    cat > "$work/vimrc" <<VIMRC
set nocompatible laststatus=2 signcolumn=yes
let &runtimepath = '$clients/vim,' . &runtimepath
runtime plugin/vsynth.vim
filetype plugin on
syntax on
set statusline=%f\ %=%{vsynth#statusline()}
VIMRC
    command=(vim -N -u "$work/vimrc" -i NONE "$work/$name")
    scored='VSynth \([0-9]*\) of [0-9]* scored'
    synthesize=(":VsynthSynthesize $n" Enter) ;;
  nvim)
    cat > "$work/init.lua" <<LUA
vim.opt.runtimepath:prepend('$clients/neovim')
vim.cmd('runtime plugin/vsynth.lua')
require('vsynth').setup({ log = '$work/vsynth.log' })
vim.o.laststatus = 2
vim.o.signcolumn = 'yes'
vim.o.statusline = "%f %=%{v:lua.require'vsynth'.statusline()}"
LUA
    command=(nvim -u "$work/init.lua" -i NONE "$work/$name")
    scored='VSynth \([0-9]*\) of [0-9]* scored'
    synthesize=(":VsynthSynthesize $n" Enter) ;;
  emacs)
    # -q, not -Q: Debian's site-start puts elpa-eglot on the load-path.
    cat > "$work/init.el" <<ELISP
(setq inhibit-startup-screen t
      native-comp-async-report-warnings-errors nil
      warning-minimum-level :error)
(add-to-list 'load-path "$clients/emacs")
(require 'vsynth)
ELISP
    command=(emacs -nw -q -l "$work/init.el" "$work/$name")
    scored='\[\([0-9]*\) of [0-9]* scored'
    synthesize=(C-u "$n" C-c C-v s) ;;
esac

env_bin=()
[ -n "${VSYNTH_BIN:-}" ] && env_bin=(env "VSYNTH_BIN=$VSYNTH_BIN")
tmux new-session -d -s "$session" -x 100 -y 44 -c "$work" "${env_bin[@]}" "${command[@]}"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

count() { # how many demonstrations the status line says are scored (empty: none yet)
  tmux capture-pane -p -t "$session" | sed -n "s/.*$scored.*/\1/p" | head -n 1
}
wait_for() { # until the status line shows a count (at least $1 when given)
  local deadline=$((SECONDS + ${CAPTURE_WAIT:-120})) c
  while [ $SECONDS -lt $deadline ]; do
    sleep 1
    [ "$editor" = emacs ] && tmux send-keys -t "$session" C-a   # a command: runs eglot-ensure
    c="$(count)"
    if [ -n "$c" ] && [ "$c" -ge "${1:-0}" ]; then sleep 1; return 0; fi
  done
  echo "capture-editor-screen: $editor showed no score within ${CAPTURE_WAIT:-120}s" >&2
}
wait_for
if [ "$n" -gt 0 ]; then
  before="$(count)"
  tmux send-keys -t "$session" "${synthesize[@]}"
  wait_for $(( ${before:-0} + n ))
fi
if [ "$editor" = emacs ]; then   # the region at the top of the window, as in the Vim capture
  tmux send-keys -t "$session" C-x 1 M-\< C-s "vsynth:demos" Enter C-u 1 C-l
  sleep 1
fi
tmux capture-pane -p -t "$session"

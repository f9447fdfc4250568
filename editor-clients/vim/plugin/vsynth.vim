" vsynth.vim - VSynth demonstrations for prompt files, on Vim 9's built-in LSP channel mode.
" Maintainer: the VSynth authors
" Install: copy editor-clients/vim to ~/.vim/pack/vsynth/start/vsynth (or opt/ + :packadd vsynth).
" Requires: Vim 9.0.0067+ (virtual text), +channel +job +textprop; the `vsynth` executable
" (`make install`): g:vsynth_executable, else $VSYNTH_BIN, else $PATH, else ~/.local/bin/vsynth.

if exists('g:loaded_vsynth') || v:version < 900 || !has('channel') || !has('textprop')
  finish
endif
let g:loaded_vsynth = 1

augroup vsynth_filetype
  autocmd!
  autocmd BufRead,BufNewFile *.prompt,*.prompt.md setlocal filetype=vsynth
augroup END

augroup vsynth_attach
  autocmd!
  autocmd FileType vsynth if get(g:, 'vsynth_autostart', 1) | call vsynth#attach(str2nr(expand('<abuf>'))) | endif
augroup END

command! -nargs=? VsynthSynthesize call vsynth#synthesize(<q-args> ==# '' ? 0 : str2nr(<q-args>))
command! -nargs=0 VsynthTopUp call vsynth#command('vsynth.topUp', {})
command! -nargs=0 VsynthReplaceWeakest call vsynth#command('vsynth.replaceWeakest', {})
command! -nargs=0 VsynthScore call vsynth#command('vsynth.rescore', {})
command! -nargs=0 VsynthRefresh call vsynth#refresh()
command! -nargs=0 VsynthCancel call vsynth#command('vsynth.cancel', {})
command! -nargs=0 VsynthAttach call vsynth#attach(bufnr())
command! -nargs=0 VsynthStop call vsynth#stop()
command! -nargs=0 VsynthExplain call vsynth#explain()

-- vsynth: filetype detection for prompt files. Call require('vsynth').setup() in your init.lua
-- (or let g:vsynth_autosetup = 1 to run it here with the defaults).
vim.cmd([[
  augroup vsynth_filetype
    autocmd!
    autocmd BufRead,BufNewFile *.prompt,*.prompt.md setlocal filetype=vsynth
  augroup END
]])
if vim.g.vsynth_autosetup == 1 then
  require('vsynth').setup()
end

" autoload/vsynth/edit.vim - applying the daemon's workspace/applyEdit requests safely: every
" edit is checked (the buffer still at the version it was planned against, b:changedtick or the
" text unchanged since, every range inside the demonstrations region) before anything changes,
" and the changes land as one undo block of their own. A buffer saved and untouched since (the
" edit is the daemon's refresh on save) is written again, so the file holds what the buffer shows.

" Line numbers (1-based) of the region markers, [open, close], or [] if there is no region.
function! vsynth#edit#region(bufnr) abort
  let l:lines = getbufline(a:bufnr, 1, '$')
  let l:open = -1
  for l:i in range(len(l:lines))
    if l:open < 0 && l:lines[l:i] =~# '\v(\{\{!--?\s*vsynth:demos\s*--?\}\}|\<!--\s*vsynth:demos\s*--\>)'
      let l:open = l:i + 1
    elseif l:open > 0 && l:lines[l:i] =~# '\v(\{\{!--?\s*/vsynth:demos\s*--?\}\}|\<!--\s*/vsynth:demos\s*--\>)'
      return [l:open, l:i + 1]
    endif
  endfor
  return []
endfunction

" LSP character offset (in the negotiated encoding) to a byte index into `line`.
function! s:byte_col(line, character, encoding) abort
  if a:encoding ==# 'utf-8'
    return min([a:character, len(a:line)])
  endif
  let l:units = 0
  let l:idx = 0
  for l:ch in split(a:line, '\zs')
    if l:units >= a:character
      break
    endif
    let l:units += (a:encoding ==# 'utf-16' && char2nr(l:ch) > 0xFFFF) ? 2 : 1
    let l:idx += len(l:ch)
  endfor
  return l:idx
endfunction

function! vsynth#edit#apply(params, encoding) abort
  let l:edit = get(a:params, 'edit', {})
  let l:todo = []   " [bufnr, version or v:null, edits]
  for l:dc in get(l:edit, 'documentChanges', [])
    if has_key(l:dc, 'kind')
      return {'applied': v:false, 'failureReason': 'vsynth.vim: resource operations are not supported'}
    endif
    call add(l:todo, [vsynth#bufnr_of(l:dc.textDocument.uri), get(l:dc.textDocument, 'version', v:null), l:dc.edits])
  endfor
  for [l:uri, l:edits] in items(get(l:edit, 'changes', {}))
    call add(l:todo, [vsynth#bufnr_of(l:uri), v:null, l:edits])
  endfor
  " Check everything before changing anything.
  for [l:bufnr, l:version, l:edits] in l:todo
    if l:bufnr < 0
      return {'applied': v:false, 'failureReason': 'vsynth.vim: the document is not open'}
    endif
    call listener_flush(l:bufnr)
    " The edit must target the version we last sent, and the buffer must still hold that text
    " (b:changedtick unchanged since, or else the same text: Vim bumps the tick on reloads too).
    if l:version isnot v:null && (l:version != getbufvar(l:bufnr, 'vsynth_version')
          \ || (getbufvar(l:bufnr, 'changedtick') != getbufvar(l:bufnr, 'vsynth_tick')
          \     && vsynth#text(l:bufnr) !=# getbufvar(l:bufnr, 'vsynth_sent')))
      return {'applied': v:false, 'failureReason': printf('vsynth.vim: buffer is at version %d, the edit was planned against %d',
            \ getbufvar(l:bufnr, 'vsynth_version'), l:version)}
    endif
    let l:region = vsynth#edit#region(l:bufnr)
    for l:e in l:edits
      if empty(l:region) || l:e.range.start.line + 1 < l:region[0] || l:e.range.end.line + 1 > l:region[1]
        return {'applied': v:false, 'failureReason': 'vsynth.vim: the edit reaches outside the demonstrations region'}
      endif
    endfor
  endfor
  for [l:bufnr, l:version, l:edits] in l:todo
    let l:write = getbufvar(l:bufnr, 'vsynth_saved', 0) && !getbufvar(l:bufnr, '&modified')
    call s:break_undo(l:bufnr)
    call s:apply_text_edits(l:bufnr, l:edits, a:encoding)
    call s:break_undo(l:bufnr)
    call listener_flush(l:bufnr)
    if l:write
      call s:write(l:bufnr)
    endif
  endfor
  return {'applied': v:true}
endfunction

" Closes the buffer's current undo block, so the edit is never joined with the user's typing before
" or after it. Setting 'undolevels' to its own value is Vim's documented undo break (:h undo-break);
" it acts on the current buffer, hence win_execute (or setbufvar, which switches buffers itself).
function! s:break_undo(bufnr) abort
  let l:win = bufwinid(a:bufnr)
  if a:bufnr == bufnr()
    let &g:undolevels = &g:undolevels
  elseif l:win > 0
    call win_execute(l:win, 'let &g:undolevels = &g:undolevels')
  else
    call setbufvar(a:bufnr, '&undolevels', getbufvar(a:bufnr, '&undolevels'))
  endif
endfunction

" Writes the buffer without autocommands (no didSave, so no second refresh), as the user would
" with :write. A buffer in no window is left modified: writing it would mean switching to it.
function! s:write(bufnr) abort
  call setbufvar(a:bufnr, 'vsynth_saved', 0)
  let l:win = a:bufnr == bufnr() ? win_getid() : bufwinid(a:bufnr)
  if l:win > 0
    call win_execute(l:win, 'silent noautocmd write')
  endif
endfunction

" Applies edits last to first, so earlier positions stay valid. All changes happen in this one
" callback with no user input between them, so Vim records them as one undo block.
function! s:apply_text_edits(bufnr, edits, encoding) abort
  let l:sorted = sort(copy(a:edits), {a, b -> a.range.start.line != b.range.start.line
        \ ? b.range.start.line - a.range.start.line : b.range.start.character - a.range.start.character})
  for l:e in l:sorted
    let l:sl = l:e.range.start.line + 1
    let l:el = l:e.range.end.line + 1
    let l:nlines = len(getbufline(a:bufnr, 1, '$'))
    let l:first = l:sl <= l:nlines ? getbufline(a:bufnr, l:sl)[0] : ''
    let l:lastline = l:el <= l:nlines ? getbufline(a:bufnr, l:el)[0] : ''
    let l:prefix = strpart(l:first, 0, s:byte_col(l:first, l:e.range.start.character, a:encoding))
    let l:suffix = strpart(l:lastline, s:byte_col(l:lastline, l:e.range.end.character, a:encoding))
    let l:new = split(l:prefix . substitute(l:e.newText, "\r\n", "\n", 'g') . l:suffix, "\n", 1)
    let l:old_count = min([l:el, l:nlines]) - l:sl + 1
    " Replace the common lines in place, then add or delete the rest.
    let l:common = min([l:old_count, len(l:new)])
    if l:common > 0
      call setbufline(a:bufnr, l:sl, l:new[: l:common - 1])
    endif
    if len(l:new) > l:common
      call appendbufline(a:bufnr, l:sl + l:common - 1, l:new[l:common :])
    elseif l:old_count > l:common
      call deletebufline(a:bufnr, l:sl + l:common, l:sl + l:old_count - 1)
    endif
  endfor
endfunction


" Headless Vim tests of editor-clients/vim against the real daemon ($VSYNTH_BIN lsp).
" Run by scripts/test-editors.sh:  vim -N -u NONE -i NONE -es -S Tests/editors/vim/test_vsynth.vim
" Env: VSYNTH_CLIENTS (editor-clients dir), VSYNTH_WORK (scratch dir with fixture copies),
"      VSYNTH_RESULT (file that receives PASS/FAIL lines), VSYNTH_WAIT (seconds per wait).
set nocompatible nomore shortmess+=F
let &runtimepath = $VSYNTH_CLIENTS . '/vim,' . &runtimepath
runtime plugin/vsynth.vim
filetype plugin on
set undolevels=1000 hidden
let g:vsynth_log = $VSYNTH_WORK . '/vim-daemon.log'
let s:wait_ms = (empty($VSYNTH_WAIT) ? 180 : str2nr($VSYNTH_WAIT)) * 1000
let s:results = []

function! s:log(line) abort
  call add(s:results, a:line)
  call writefile([a:line], $VSYNTH_RESULT, 'a')
endfunction

" Polls (processing channel messages) until `expr` is true; false on timeout.
function! s:wait(expr, ms) abort
  let l:start = reltime()
  while reltimefloat(reltime(l:start)) * 1000 < a:ms
    if eval(a:expr)
      return 1
    endif
    sleep 50m
  endwhile
  return eval(a:expr)
endfunction

function! s:open(fixture) abort
  let l:path = $VSYNTH_WORK . '/vim-' . a:fixture
  call writefile(readfile($VSYNTH_FIXTURES . '/' . a:fixture, 'b'), l:path, 'b')
  execute 'edit! ' . fnameescape(l:path)
  call assert_equal('vsynth', &filetype)
  call assert_true(s:wait('vsynth#ready()', 30000), 'daemon answered initialize')
  return bufnr()
endfunction

" Demonstrations in the region: [{user, model}] and whether each is well formed.
function! s:demos(bufnr) abort
  let l:r = vsynth#region(a:bufnr)
  if empty(l:r)
    return [[], 0]
  endif
  let l:lines = getbufline(a:bufnr, l:r[0] + 1, l:r[1] - 1)
  let l:demos = []
  let l:ok = 1
  let l:cur = ''
  for l:l in l:lines
    if l:l =~# '^{{role "user"}}'
      if l:cur ==# 'user' | let l:ok = 0 | endif
      call add(l:demos, {'user': '', 'model': ''})
      let l:cur = 'user'
    elseif l:l =~# '^{{role "model"}}'
      if l:cur !=# 'user' | let l:ok = 0 | endif
      let l:cur = 'model'
    elseif l:cur ==# ''
      if l:l !~# '^\s*$' | let l:ok = 0 | endif
    else
      let l:demos[-1][l:cur] .= l:l
    endif
  endfor
  if l:cur ==# 'user' | let l:ok = 0 | endif
  for l:d in l:demos
    if l:d.user =~# '^\s*$' || l:d.model =~# '^\s*$' | let l:ok = 0 | endif
  endfor
  return [l:demos, l:ok]
endfunction

function! s:outside(bufnr) abort
  let l:r = vsynth#region(a:bufnr)
  return [getbufline(a:bufnr, 1, l:r[0]), getbufline(a:bufnr, l:r[1], '$')]
endfunction

" Line numbers of the demonstrations' user tags.
function! s:demo_lines(bufnr) abort
  let l:r = vsynth#region(a:bufnr)
  if empty(l:r) | return [] | endif
  return filter(range(l:r[0] + 1, l:r[1] - 1), 'getbufline(a:bufnr, v:val)[0] =~# ''^{{role "user"}}''')
endfunction

" Every demonstration has a V-Score at its user tag, and nothing else has one.
function! s:scored_all(bufnr) abort
  let l:lines = s:demo_lines(a:bufnr)
  let l:scored = map(filter(copy(vsynth#scores(a:bufnr)), 'v:val.message =~# "V-Score"'), 'v:val.lnum')
  return !empty(l:lines) && sort(l:scored, 'n') == l:lines
endfunction

function! s:synthesizing(bufnr) abort
  return vsynth#synthesizing(a:bufnr)
endfunction

" No synthesis running and no scoring either.
function! s:idle(bufnr) abort
  return !vsynth#synthesizing(a:bufnr) && get(vsynth#status(a:bufnr), 'state', 'idle') =~# '^\(idle\|ready\)$'
endfunction

" 0. the client's own checks on edits: a stale version or a range outside the region is refused
"    and leaves the buffer as it was; a good edit lands as one undo step
function! Test_0_edit_checks() abort
  let l:b = s:open('sentiment.prompt')
  let l:before = getline(1, '$')
  let l:uri = vsynth#uri(l:b)
  let l:r = vsynth#region(l:b)
  let l:at = {'line': l:r[1] - 1, 'character': 0}
  let l:insert = {'range': {'start': l:at, 'end': l:at}, 'newText': "{{role \"user\"}}\nx\n{{role \"model\"}}\ny\n\n"}
  let l:version = vsynth#version(l:b)
  let l:stale = vsynth#apply_workspace_edit({'edit': {'documentChanges': [
        \ {'textDocument': {'uri': l:uri, 'version': l:version - 1}, 'edits': [l:insert]}]}})
  call assert_equal(v:false, l:stale.applied)
  call assert_match('planned against', l:stale.failureReason)
  let l:top = {'range': {'start': {'line': 0, 'character': 0}, 'end': {'line': 1, 'character': 0}}, 'newText': ''}
  let l:outside = vsynth#apply_workspace_edit({'edit': {'documentChanges': [
        \ {'textDocument': {'uri': l:uri, 'version': l:version}, 'edits': [l:top]}]}})
  call assert_equal(v:false, l:outside.applied)
  call assert_match('outside the demonstrations region', l:outside.failureReason)
  call assert_equal(l:before, getline(1, '$'), 'refused edits change nothing')
  let l:ok = vsynth#apply_workspace_edit({'edit': {'documentChanges': [
        \ {'textDocument': {'uri': l:uri, 'version': l:version}, 'edits': [l:insert]}]}})
  call assert_equal(v:true, l:ok.applied)
  call assert_equal(len(s:demos(l:b)[0]), 3)
  call assert_true(vsynth#version(l:b) > l:version, 'the change went to the daemon')
  silent undo
  call assert_equal(l:before, getline(1, '$'), 'one undo removes the edit')
endfunction

" 1. every demonstration shows a score (diagnostic, virtual text, sign)
function! Test_1_scores() abort
  let l:b = s:open('sentiment.prompt')
  call assert_true(s:wait('s:scored_all(' . l:b . ')', s:wait_ms), 'scores for every demonstration')
  for l:s in filter(copy(vsynth#scores(l:b)), 'v:val.message =~# "V-Score"')
    call assert_match('V-Score -\?[0-9.]\+ nats', l:s.message)
    " virtual text properties have negative ids (prop_list() of 9.0.1378 does not return the text)
    let l:props = filter(prop_list(l:s.lnum, {'bufnr': l:b}), 'v:val.type =~# "^vsynth_" && v:val.id < 0')
    call assert_true(len(l:props) >= 1, 'virtual text on line ' . l:s.lnum)
  endfor
  call assert_true(len(s:demos(l:b)[0]) <= len(sign_getplaced(l:b, {'group': 'vsynth'})[0].signs), 'a sign per demonstration')
  call assert_true(s:wait('s:idle(' . l:b . ')', s:wait_ms), 'scoring ends')
  " the file's own idle status brings the daemon's counts (the daemon's 'ready' may come first)
  call assert_true(s:wait('get(vsynth#counts(' . l:b . '), "scored", -1) == len(s:demos(' . l:b . ')[0])', s:wait_ms), 'the counts arrived')
  call assert_match('VSynth \(\d\+\) of \1 scored', vsynth#statusline())
  " warnings (scores under the threshold) and errors, and only those, are in the location list
  let l:low = filter(copy(vsynth#scores(l:b)), 'v:val.severity <= 2')
  call assert_equal(map(copy(l:low), 'v:val.lnum'), map(getloclist(0), 'v:val.lnum'))
endfunction

" 2. synthesize 2: exactly two well-formed demonstrations added inside the region, nothing else
"    changed, one undo removes them
function! Test_2_synthesize() abort
  let l:b = s:open('sentiment.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  let l:before = getline(1, '$')
  let [l:demos0, l:ok0] = s:demos(l:b)
  let l:outside0 = s:outside(l:b)
  let g:vsynth_last_apply = {}
  VsynthSynthesize 2
  call assert_true(s:wait('!empty(g:vsynth_last_apply)', s:wait_ms), 'an edit arrived')
  call assert_equal(v:true, get(g:vsynth_last_apply, 'applied', v:false), string(g:vsynth_last_apply))
  let [l:demos1, l:ok1] = s:demos(l:b)
  call assert_equal(len(l:demos0) + 2, len(l:demos1), 'two demonstrations added')
  call assert_true(l:ok1, 'well-formed demonstrations')
  call assert_equal(l:demos0, l:demos1[: len(l:demos0) - 1], 'hand-written demonstrations kept')
  call assert_equal(l:outside0, s:outside(l:b), 'text outside the region unchanged')
  silent undo
  call assert_equal(l:before, getline(1, '$'), 'one undo removes the insertion')
endfunction

" 3. typing into the region while a synthesis runs: typed text survives, no edit lands over it
function! Test_3_type_during_synthesis() abort
  let l:b = s:open('sentiment.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  let g:vsynth_last_apply = {}
  VsynthSynthesize 2
  call assert_true(s:wait('s:synthesizing(' . l:b . ')', 30000), 'the synthesis is running')
  let l:r = vsynth#region(l:b)
  " the user types into the last model turn (the line before the closing marker)
  call setline(l:r[1] - 1, getline(l:r[1] - 1) . ' (typed while synthesizing)')
  let l:typed = getline(l:r[1] - 1)
  " an interactive Vim redraws after the keystroke, which sends the change (no redraw in -es)
  call listener_flush(l:b)
  let l:count0 = len(s:demos(l:b)[0])
  " the job ends (idle) whether its edit was re-planned, refused or dropped
  call assert_true(s:wait('s:idle(' . l:b . ')', s:wait_ms), 'the synthesis ended')
  sleep 500m
  call assert_true(index(getline(1, '$'), l:typed) >= 0, 'typed text survives')
  let [l:demos, l:ok] = s:demos(l:b)
  call assert_true(l:ok, 'region still well formed')
  call assert_true(len(filter(copy(l:demos), 'v:val.model =~# "typed while synthesizing"')) == 1, 'typed demonstration intact')
  " the daemon re-plans around the typing (the region still parses), so the insertion lands
  call assert_equal(l:count0 + 2, len(l:demos), 'the re-planned insertion landed')
  " one undo removes the insertion and only it: the typing is an undo step of its own
  silent undo
  call assert_true(index(getline(1, '$'), l:typed) >= 0, 'typed text survives one undo')
  call assert_equal(l:count0, len(s:demos(l:b)[0]), 'one undo removes the insertion')
endfunction

" 4. cancel a running synthesis: nothing inserted, the daemon still answers
function! Test_4_cancel() abort
  let l:b = s:open('sentiment.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  let l:before = getline(1, '$')
  let g:vsynth_last_apply = {}
  VsynthSynthesize 2
  call assert_true(s:wait('s:synthesizing(' . l:b . ')', 30000), 'the synthesis is running')
  messages clear
  VsynthCancel
  call s:wait('s:idle(' . l:b . ')', 30000)
  call assert_match('vsynth: synthesis cancelled', execute('messages'), 'cancel confirms')
  sleep 3
  call assert_equal(l:before, getline(1, '$'), 'nothing inserted')
  call assert_true(empty(g:vsynth_last_apply) || !g:vsynth_last_apply.applied, 'no edit applied')
  let l:resp = vsynth#evaluate('textDocument/hover', {'textDocument': {'uri': vsynth#uri(l:b)},
        \ 'position': {'line': vsynth#region(l:b)[0], 'character': 2}}, 10000)
  call assert_true(has_key(l:resp, 'result') || has_key(l:resp, 'error'), 'the daemon still answers: ' . string(l:resp))
  call assert_false(has_key(l:resp, 'error'), 'hover works: ' . string(l:resp))
endfunction

" 5. saving a file with `refresh: on-save` tops it up to `count`; the client writes it again, so
"    the file on disk holds the demonstrations and the buffer is unmodified
function! Test_5_refresh_on_save() abort
  let l:b = s:open('onsave.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  call assert_equal(1, len(s:demos(l:b)[0]))
  let l:outside0 = s:outside(l:b)
  silent write
  call assert_true(s:wait('len(s:demos(' . l:b . ')[0]) >= 3', s:wait_ms), 'topped up to count 3')
  call assert_equal(3, len(s:demos(l:b)[0]))
  call assert_true(s:demos(l:b)[1], 'well formed')
  call assert_equal(l:outside0, s:outside(l:b), 'text outside the region unchanged')
  call assert_false(&modified, 'the buffer is unmodified after the refresh')
  call assert_equal(getline(1, '$'), readfile(expand('%:p')), 'the file on disk holds the demonstrations')
endfunction

" 6. a refresh that arrives after the user typed is applied but not saved: the typing is theirs
function! Test_6_refresh_after_typing_not_saved() abort
  let l:b = s:open('onsave.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  let l:disk = readfile(expand('%:p'))
  silent write
  let l:system = search('^You label', 'n')
  call setline(l:system, getline(l:system) . ' Be brief.')
  call listener_flush(l:b)
  call assert_true(s:wait('len(s:demos(' . l:b . ')[0]) >= 3', s:wait_ms), 'topped up to count 3')
  call assert_true(&modified, 'the buffer stays modified')
  call assert_equal(l:disk, readfile(expand('%:p')), 'the file on disk is as the user saved it')
endfunction

" 7. K (not mapped by the user) shows the hover, as plain text without Markdown marks
function! Test_7_hover_plain_text() abort
  let l:b = s:open('sentiment.prompt')
  call s:wait('s:scored_all(' . l:b . ')', s:wait_ms)
  call assert_equal(1, get(maparg('K', 'n', 0, 1), 'buffer', 0), 'K is mapped for the buffer')
  call cursor(s:demo_lines(l:b)[0] + 1, 1)
  normal K
  call assert_true(s:wait('!empty(vsynth#last_hover())', 10000), 'a hover arrived')
  let l:text = join(vsynth#last_hover(), "\n")
  call assert_match('V-Score', l:text)
  call assert_notmatch('\*\*\|`', l:text, 'no Markdown marks in the popup')
  " the daemon answers in plain text, as the client asks (contentFormat)
  let l:resp = vsynth#evaluate('textDocument/hover', {'textDocument': {'uri': vsynth#uri(l:b)},
        \ 'position': {'line': line('.') - 1, 'character': 0}}, 10000)
  call assert_equal('plaintext', get(get(get(l:resp, 'result', {}), 'contents', {}), 'kind', ''))
endfunction

" 8. every command docs/editors.md lists for Vim exists
function! Test_8_documented_commands() abort
  let l:doc = join(readfile(fnamemodify($VSYNTH_CLIENTS, ':h') . '/docs/editors.md'), "\n")
  let l:names = []
  call substitute(l:doc, ':\(Vsynth\a\+\)', '\=add(l:names, submatch(1))', 'g')
  call assert_true(len(l:names) >= 8, 'the docs list the commands: ' . string(l:names))
  for l:name in uniq(sort(l:names))
    call assert_equal(2, exists(':' . l:name), ':' . l:name . ' exists')
  endfor
endfunction

" 9. the executable missing, or failing to start: one clear message with the fix
function! Test_9_missing_executable() abort
  call vsynth#stop()
  call s:wait('!vsynth#running()', 5000)
  let g:vsynth_executable = $VSYNTH_WORK . '/no-such-dir/vsynth'
  try
    messages clear
    for l:name in ['sentiment.prompt', 'onsave.prompt']
      call writefile(readfile($VSYNTH_FIXTURES . '/' . l:name, 'b'), $VSYNTH_WORK . '/vim-missing-' . l:name, 'b')
      execute 'edit! ' . fnameescape($VSYNTH_WORK . '/vim-missing-' . l:name)
    endfor
    call assert_true(s:wait('execute("messages") =~# "not found"', 5000), 'the missing executable is reported')
    sleep 200m
    let l:messages = execute('messages')
    call assert_equal(1, count(l:messages, 'not found'), 'said once: ' . l:messages)
    call assert_match("vsynth: executable '.*no-such-dir/vsynth' not found; run `make install`", l:messages)
    call assert_match('g:vsynth_executable', l:messages)
    messages clear
    VsynthSynthesize 2
    call assert_match('not found', execute('messages'), 'a command repeats why')
    " an executable that fails at once: its exit and last line of stderr are reported
    let l:failing = $VSYNTH_WORK . '/vsynth-failing'
    call writefile(['#!/bin/sh', 'echo "cannot open the model: no such file" >&2', 'exit 3'], l:failing)
    call setfperm(l:failing, 'rwx------')
    let g:vsynth_executable = l:failing
    messages clear
    VsynthAttach
    call assert_true(s:wait('vsynth#failure() =~# "exited"', 5000), 'the exit is noticed')
    call assert_true(s:wait('execute("messages") =~# "exited"', 5000), 'the exit is reported')
    call assert_match('exited with status 3 before it was ready: cannot open the model', execute('messages'))
  finally
    unlet g:vsynth_executable
  endtry
endfunction

" 10. feedback: a broken demonstration is an error while the others keep their scores, and the
"     status line counts scores (the daemon's counts), not diagnostics; :VsynthRefresh on a file at
"     its count rescores (the daemon's vsynth.refresh); an empty region shows how to fill it
function! Test_10_feedback() abort
  let l:b = s:open('broken.prompt')
  call assert_true(s:wait('get(vsynth#counts(' . l:b . '), "scored", 0) == 2 && s:idle(' . l:b . ')', s:wait_ms), 'two scored')
  call assert_equal('VSynth 2 of 2 scored, 1 error', vsynth#statusline())
  call assert_equal(1, len(filter(copy(vsynth#scores(l:b)), 'v:val.severity == 1')), 'one error')
  messages clear
  VsynthRefresh
  call assert_true(s:wait('execute("messages") =~# "rescoring"', 30000), 'refresh confirms: ' . execute('messages'))
  call assert_match('vsynth: the file already holds 2 of 2 demonstrations; rescoring', execute('messages'))
  let l:e = s:open('empty.prompt')
  call assert_true(s:wait('!empty(filter(copy(vsynth#scores(' . l:e . ')), "v:val.code ==# ''empty-region''"))', s:wait_ms), 'the hint arrived')
  let l:marker = vsynth#region(l:e)[0]
  let l:signs = sign_getplaced(l:e, {'group': 'vsynth', 'lnum': l:marker})[0].signs
  call assert_equal(['VsynthHint'], map(l:signs, 'v:val.name'), 'a hint sign on the opening marker, no score')
  call assert_true(s:wait('s:idle(' . l:e . ')', s:wait_ms), 'idle')
  call assert_equal('VSynth no demonstrations yet: :VsynthTopUp', vsynth#statusline())
endfunction

let s:tests = empty($VSYNTH_TESTS) ? ['Test_0_edit_checks', 'Test_1_scores', 'Test_2_synthesize', 'Test_3_type_during_synthesis',
      \ 'Test_4_cancel', 'Test_5_refresh_on_save', 'Test_6_refresh_after_typing_not_saved', 'Test_7_hover_plain_text',
      \ 'Test_8_documented_commands', 'Test_10_feedback', 'Test_9_missing_executable']
      \ : split($VSYNTH_TESTS, ',')
let s:failed = 0
for s:t in s:tests
  let v:errors = []
  try
    call call(s:t, [])
  catch
    call add(v:errors, s:t . ': exception ' . v:exception . ' at ' . v:throwpoint)
  endtry
  if empty(v:errors)
    call s:log('PASS vim ' . s:t)
  else
    let s:failed += 1
    call s:log('FAIL vim ' . s:t)
    for s:e in v:errors
      call s:log('  ' . s:e)
    endfor
  endif
  silent! %bwipeout!
endfor
call vsynth#stop()
call s:log(s:failed ? 'DONE vim failed=' . s:failed : 'DONE vim ok')
if s:failed
  cquit!
endif
qall!

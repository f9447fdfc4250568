" autoload/vsynth.vim - the VSynth client: one `vsynth lsp` job per Vim, spoken to through Vim's
" built-in LSP channel mode (job_start with in_mode/out_mode "lsp"). Everything is asynchronous:
" requests carry callbacks, edits from the daemon arrive as workspace/applyEdit requests and are
" applied only if the buffer is still at the version (and b:changedtick) they were planned against.

let s:job = v:null
let s:ready = 0
let s:pending = []          " notifications queued until `initialize` is answered
let s:encoding = 'utf-16'   " negotiated position encoding
let s:status = {}           " uri -> {state, message, percentage, counts}
let s:counts = {}           " uri -> the daemon's last counts: {demonstrations, scored, low, errors, warnings}
let s:jobs = {}             " uri -> the last status of the synthesis running for it, with its
                            " percentage (scoring meanwhile reports its own idle; a job ends with
                            " an idle that carries a message)
let g:vsynth_last_apply = {}

" ---------------------------------------------------------------------------------------------
" Starting and stopping the daemon

" The daemon's executable: g:vsynth_executable, else $VSYNTH_BIN, else `vsynth` on $PATH, else
" ~/.local/bin/vsynth (where `make install` puts it, which a login shell may not have on $PATH).
function! vsynth#executable() abort
  for l:set in [get(g:, 'vsynth_executable', ''), $VSYNTH_BIN]
    if l:set !=# ''
      return l:set
    endif
  endfor
  if executable('vsynth')
    return 'vsynth'
  endif
  let l:installed = expand('~/.local/bin/vsynth')
  return executable(l:installed) ? l:installed : 'vsynth'
endfunction

function! s:command() abort
  if exists('g:vsynth_command')
    return g:vsynth_command
  endif
  return [vsynth#executable(), 'lsp']
endfunction

function! vsynth#running() abort
  return s:job isnot v:null && job_status(s:job) ==# 'run'
endfunction

" Why the daemon is not running ('' while it runs or has never been tried).
let s:failure = ''
let s:reported = {}
let s:stderr = []          " its last lines of standard error, for the message when it dies early

" Records why the daemon cannot run and says so, once per reason (not once per prompt file). The
" message goes out from a timer: inside the FileType autocommand that starts the daemon it would be
" hidden by 'shortmess' F (Neovim's default) or overwritten by the file's own message.
function! s:fail(message) abort
  let s:failure = a:message
  if !has_key(s:reported, a:message)
    let s:reported[a:message] = 1
    call timer_start(0, {_ -> s:error(a:message)})
  endif
endfunction

function! s:error(message) abort
  echohl ErrorMsg | echomsg a:message | echohl None
endfunction

function! vsynth#failure() abort
  return s:failure
endfunction

function! vsynth#start() abort
  if vsynth#running()
    return
  endif
  let s:ready = 0
  let s:pending = []
  let s:stderr = []
  let l:cmd = s:command()
  if !executable(l:cmd[0])
    call s:fail(printf("vsynth: executable '%s' not found; run `make install` in the VSynth sources, or set g:vsynth_executable to the vsynth binary", l:cmd[0]))
    return
  endif
  let s:failure = ''
  let l:opts = {'in_mode': 'lsp', 'out_mode': 'lsp', 'err_mode': 'nl',
        \ 'out_cb': function('s:on_message'), 'err_cb': function('s:on_stderr'),
        \ 'exit_cb': function('s:on_exit'), 'noblock': 1}
  let s:job = job_start(l:cmd, l:opts)
  if job_status(s:job) !=# 'run'
    call s:fail(printf('vsynth: cannot start %s; set g:vsynth_executable to the vsynth binary', join(l:cmd)))
    let s:job = v:null
    return
  endif
  let l:init = extend({'statusNotifications': v:true}, get(g:, 'vsynth_options', {}))
  let l:root = fnamemodify(getcwd(), ':p')
  call ch_sendexpr(s:job, {'method': 'initialize', 'params': {
        \ 'processId': getpid(),
        \ 'clientInfo': {'name': 'vsynth.vim', 'version': '0.1'},
        \ 'rootUri': s:uri(l:root),
        \ 'workspaceFolders': [{'uri': s:uri(l:root), 'name': fnamemodify(l:root, ':h:t')}],
        \ 'initializationOptions': l:init,
        \ 'capabilities': {
        \   'general': {'positionEncodings': ['utf-8', 'utf-16']},
        \   'window': {'showMessage': {}},
        \   'workspace': {'applyEdit': v:true, 'workspaceEdit': {'documentChanges': v:true},
        \                 'workspaceFolders': v:true, 'configuration': v:false},
        \   'textDocument': {'synchronization': {'didSave': v:true, 'dynamicRegistration': v:false},
        \                    'publishDiagnostics': {'versionSupport': v:true},
        \                    'hover': {'contentFormat': ['plaintext']},
        \                    'inlayHint': {}}}}},
        \ {'callback': function('s:on_response', [function('s:on_initialized')])})
endfunction

function! s:on_initialized(ch, resp) abort
  if has_key(a:resp, 'error')
    echohl ErrorMsg | echomsg 'vsynth: initialize failed: ' . get(a:resp.error, 'message', '') | echohl None
    return
  endif
  let l:caps = get(get(a:resp, 'result', {}), 'capabilities', {})
  let s:encoding = get(l:caps, 'positionEncoding', 'utf-16')
  call ch_sendexpr(s:job, {'method': 'initialized', 'params': {}})
  let s:ready = 1
  for l:msg in s:pending
    call ch_sendexpr(s:job, l:msg)
  endfor
  let s:pending = []
endfunction

function! vsynth#stop() abort
  if !vsynth#running()
    return
  endif
  let s:stopping = 1
  call ch_evalexpr(s:job, {'method': 'shutdown'}, {'timeout': 2000})
  call ch_sendexpr(s:job, {'method': 'exit'})
endfunction

function! s:on_stderr(ch, line) abort
  call add(s:stderr, a:line)
  if len(s:stderr) > 5
    call remove(s:stderr, 0)
  endif
  if get(g:, 'vsynth_log', '') !=# ''
    call writefile([a:line], g:vsynth_log, 'a')
  endif
endfunction

" The daemon ended: detach every buffer (so :VsynthAttach starts it again) and, unless :VsynthStop
" asked for it, say why, with its last line of standard error.
function! s:on_exit(job, status) abort
  let l:was_ready = s:ready
  let s:job = v:null
  let s:ready = 0
  let s:jobs = {}
  for l:b in getbufinfo()
    if getbufvar(l:b.bufnr, 'vsynth_attached', 0)
      call vsynth#did_close(l:b.bufnr)
    endif
  endfor
  if get(s:, 'stopping', 0)
    let s:stopping = 0
    return
  endif
  " Its last lines of standard error may still be on their way: report a moment later.
  let l:cmd = join(s:command())
  call timer_start(200, {_ -> s:report_exit(l:cmd, a:status, l:was_ready)})
endfunction

function! s:report_exit(cmd, status, was_ready) abort
  let l:why = empty(s:stderr) ? '' : ': ' . s:stderr[-1]
  call s:fail(printf('vsynth: the daemon (%s) exited with status %d%s%s; :VsynthAttach starts it again%s',
        \ a:cmd, a:status, a:was_ready ? '' : ' before it was ready', l:why,
        \ get(g:, 'vsynth_log', '') ==# '' ? '' : ' (log: ' . g:vsynth_log . ')'))
endfunction

" Sends a notification, or queues it until the daemon has answered `initialize`.
function! s:notify(method, params) abort
  let l:msg = {'method': a:method, 'params': a:params}
  if s:ready
    call ch_sendexpr(s:job, l:msg)
  elseif vsynth#running()
    call add(s:pending, l:msg)
  endif
endfunction

" Sends a request; the callback receives the response message (a Dict with result or error).
function! vsynth#request(method, params, callback) abort
  if !s:ready
    let l:why = s:failure !=# '' ? s:failure : vsynth#running()
          \ ? 'vsynth: the daemon is starting; try again in a moment' : 'vsynth: the daemon is not running; :VsynthAttach starts it'
    echohl WarningMsg | echomsg l:why | echohl None
    return {}
  endif
  return ch_sendexpr(s:job, {'method': a:method, 'params': a:params},
        \ {'callback': function('s:on_response', [a:callback])})
endfunction

" Vim matches incoming messages to our pending requests by id alone, so a request from the daemon
" that happens to carry the id of one of ours lands here: hand it to the message handler (and keep
" waiting for the real response, which then arrives through the channel callback).
function! s:on_response(callback, ch, msg) abort
  if type(a:msg) == v:t_dict && has_key(a:msg, 'method')
    call s:on_message(a:ch, a:msg)
    return
  endif
  call call(a:callback, [a:ch, a:msg])
endfunction

" Synchronous request for scripts and tests (empty Dict on timeout).
function! vsynth#evaluate(method, params, timeout) abort
  if !s:ready
    return {}
  endif
  return ch_evalexpr(s:job, {'method': a:method, 'params': a:params}, {'timeout': a:timeout})
endfunction

function! vsynth#ready() abort
  return s:ready
endfunction

" ---------------------------------------------------------------------------------------------
" Documents

function! s:uri(path) abort
  let l:p = fnamemodify(a:path, ':p')
  return 'file://' . substitute(l:p, '[^A-Za-z0-9/._~-]', '\=printf("%%%02X", char2nr(submatch(0)))', 'g')
endfunction

function! vsynth#uri(bufnr) abort
  return s:uri(bufname(a:bufnr))
endfunction

function! vsynth#text(bufnr) abort
  let l:text = join(getbufline(a:bufnr, 1, '$'), "\n")
  if getbufvar(a:bufnr, '&endofline') || getbufvar(a:bufnr, '&fixendofline')
    let l:text .= "\n"
  endif
  return l:text
endfunction

function! vsynth#attach(bufnr) abort
  if getbufvar(a:bufnr, 'vsynth_attached', 0)
    return
  endif
  call vsynth#start()
  if !vsynth#running()
    return
  endif
  call setbufvar(a:bufnr, 'vsynth_attached', 1)
  call setbufvar(a:bufnr, 'vsynth_version', 1)
  call setbufvar(a:bufnr, 'vsynth_tick', getbufvar(a:bufnr, 'changedtick'))
  call setbufvar(a:bufnr, 'vsynth_scores', [])
  call setbufvar(a:bufnr, 'vsynth_listener', listener_add(function('s:on_change'), a:bufnr))
  call s:define_marks()
  call setbufvar(a:bufnr, 'vsynth_sent', vsynth#text(a:bufnr))
  call s:notify('textDocument/didOpen', {'textDocument': {'uri': vsynth#uri(a:bufnr),
        \ 'languageId': 'vsynth', 'version': 1, 'text': getbufvar(a:bufnr, 'vsynth_sent')}})
  execute 'augroup vsynth_buffer_' . a:bufnr
  autocmd!
  execute 'autocmd BufWritePost <buffer=' . a:bufnr . '> call vsynth#did_save(' . a:bufnr . ')'
  execute 'autocmd BufUnload <buffer=' . a:bufnr . '> call vsynth#did_close(' . a:bufnr . ')'
  " Vim calls listeners before a redraw; flush them on text changes too, so the daemon hears of
  " typing at once (and before it plans an edit) even where nothing redraws.
  execute 'autocmd TextChanged,TextChangedI,TextChangedP <buffer=' . a:bufnr . '> call listener_flush(' . a:bufnr . ')'
  augroup END
  " K explains the score under the cursor, unless the user has mapped K (for this buffer or all).
  if a:bufnr == bufnr() && empty(maparg('K', 'n'))
    nnoremap <buffer> <silent> K <Cmd>VsynthExplain<CR>
  endif
endfunction

" Every change is sent as the whole text (a range-less change event): simple and never out of step.
function! s:on_change(bufnr, start, end, added, changes) abort
  let l:version = getbufvar(a:bufnr, 'vsynth_version', 1) + 1
  call setbufvar(a:bufnr, 'vsynth_version', l:version)
  call setbufvar(a:bufnr, 'vsynth_tick', getbufvar(a:bufnr, 'changedtick'))
  call setbufvar(a:bufnr, 'vsynth_sent', vsynth#text(a:bufnr))
  call s:notify('textDocument/didChange', {
        \ 'textDocument': {'uri': vsynth#uri(a:bufnr), 'version': l:version},
        \ 'contentChanges': [{'text': getbufvar(a:bufnr, 'vsynth_sent')}]})
endfunction

" A save marks the buffer: an edit arriving while it is still unmodified is the daemon's refresh on
" save, and the client writes the file again after applying it (autoload/vsynth/edit.vim).
function! vsynth#did_save(bufnr) abort
  call listener_flush(a:bufnr)
  call setbufvar(a:bufnr, 'vsynth_saved', 1)
  call s:notify('textDocument/didSave', {'textDocument': {'uri': vsynth#uri(a:bufnr)}})
endfunction

function! vsynth#did_close(bufnr) abort
  if !getbufvar(a:bufnr, 'vsynth_attached', 0)
    return
  endif
  call listener_remove(getbufvar(a:bufnr, 'vsynth_listener'))
  call setbufvar(a:bufnr, 'vsynth_attached', 0)
  call s:notify('textDocument/didClose', {'textDocument': {'uri': vsynth#uri(a:bufnr)}})
endfunction

function! vsynth#bufnr_of(uri) abort
  for l:b in getbufinfo({'bufloaded': 1})
    if getbufvar(l:b.bufnr, 'vsynth_attached', 0) && vsynth#uri(l:b.bufnr) ==# a:uri
      return l:b.bufnr
    endif
  endfor
  return -1
endfunction

" ---------------------------------------------------------------------------------------------
" Messages from the daemon

function! s:on_message(ch, msg) abort
  if type(a:msg) != v:t_dict || !has_key(a:msg, 'method')
    return
  endif
  let l:params = get(a:msg, 'params', {})
  if has_key(a:msg, 'id')
    " A request: answer every one, so the daemon never waits on us.
    if a:msg.method ==# 'workspace/applyEdit'
      let l:result = vsynth#edit#apply(l:params, s:encoding)
      let g:vsynth_last_apply = l:result
      call ch_sendexpr(a:ch, {'id': a:msg.id, 'result': l:result})
    elseif a:msg.method ==# 'window/workDoneProgress/create'
      call ch_sendexpr(a:ch, {'id': a:msg.id, 'result': v:null})
    elseif a:msg.method =~# '/refresh$'
      call ch_sendexpr(a:ch, {'id': a:msg.id, 'result': v:null})
    else
      call ch_sendexpr(a:ch, {'id': a:msg.id, 'error': {'code': -32601, 'message': 'vsynth.vim does not handle ' . a:msg.method}})
    endif
    return
  endif
  if a:msg.method ==# 'textDocument/publishDiagnostics'
    call s:show_scores(l:params)
  elseif a:msg.method ==# 'vsynth/status'
    let l:uri = get(l:params, 'uri', '')
    let s:status[l:uri] = l:params
    if type(get(l:params, 'counts', v:null)) == v:t_dict
      let s:counts[l:uri] = l:params.counts
    endif
    if get(l:params, 'state', '') ==# 'synthesizing'
      let s:jobs[l:uri] = l:params
    elseif get(l:params, 'state', '') ==# 'idle' && get(l:params, 'message', '') !=# '' && has_key(s:jobs, l:uri)
      call remove(s:jobs, l:uri)
    endif
    redrawstatus!
  elseif a:msg.method ==# 'window/showMessage' || a:msg.method ==# 'window/logMessage'
    let l:type = get(l:params, 'type', 3)
    if a:msg.method ==# 'window/showMessage' || l:type <= 2
      execute 'echohl' (l:type <= 1 ? 'ErrorMsg' : l:type == 2 ? 'WarningMsg' : 'None')
      echomsg 'vsynth: ' . get(l:params, 'message', '')
      echohl None
    endif
  endif
endfunction

" ---------------------------------------------------------------------------------------------
" Scores: virtual text, signs, location list

function! s:define_marks() abort
  highlight default link VsynthScore Comment
  highlight default link VsynthWeak WarningMsg
  highlight default link VsynthError ErrorMsg
  highlight default link VsynthHint Question
  for [l:type, l:hl] in [['vsynth_score', 'VsynthScore'], ['vsynth_weak', 'VsynthWeak'], ['vsynth_error', 'VsynthError'],
        \ ['vsynth_hint', 'VsynthHint']]
    if empty(prop_type_get(l:type))
      call prop_type_add(l:type, {'highlight': l:hl})
    endif
  endfor
  if empty(sign_getdefined('VsynthScore'))
    call sign_define('VsynthScore', {'text': 'V', 'texthl': 'VsynthScore'})
    call sign_define('VsynthWeak', {'text': 'V!', 'texthl': 'VsynthWeak'})
    call sign_define('VsynthError', {'text': 'E', 'texthl': 'VsynthError'})
    call sign_define('VsynthHint', {'text': 'i', 'texthl': 'VsynthHint'})
  endif
endfunction

function! s:show_scores(params) abort
  let l:bufnr = vsynth#bufnr_of(get(a:params, 'uri', ''))
  if l:bufnr < 0
    return
  endif
  call prop_remove({'types': ['vsynth_score', 'vsynth_weak', 'vsynth_error', 'vsynth_hint'], 'bufnr': l:bufnr, 'all': 1})
  call sign_unplace('vsynth', {'buffer': l:bufnr})
  let l:scores = []
  let l:loclist = []
  let l:last = line('$', bufwinid(l:bufnr) > 0 ? bufwinid(l:bufnr) : 0)
  let l:nlines = len(getbufline(l:bufnr, 1, '$'))
  for l:d in get(a:params, 'diagnostics', [])
    let l:lnum = min([l:d.range.start.line + 1, l:nlines])
    let l:sev = get(l:d, 'severity', 1)
    let l:code = get(l:d, 'code', '')
    let l:hint = l:code ==# 'empty-region' || l:code ==# 'no-region'
    let l:kind = l:hint ? 'hint' : l:sev == 1 ? 'error' : l:sev == 2 ? 'weak' : 'score'
    call add(l:scores, {'lnum': l:lnum, 'severity': l:sev, 'code': l:code, 'message': l:d.message})
    " The empty-file hint names every editor's command: here it shows what to type in Vim.
    let l:text = l:hint ? s:short_hint(l:d.message) : l:d.message
    call prop_add(l:lnum, 0, {'type': 'vsynth_' . l:kind, 'bufnr': l:bufnr,
          \ 'text': '  ' . l:text, 'text_align': 'after'})
    call sign_place(0, 'vsynth', {'error': 'VsynthError', 'weak': 'VsynthWeak', 'hint': 'VsynthHint'}->get(l:kind, 'VsynthScore'),
          \ l:bufnr, {'lnum': l:lnum})
    if l:sev <= 2
      call add(l:loclist, {'bufnr': l:bufnr, 'lnum': l:lnum, 'col': l:d.range.start.character + 1,
            \ 'type': l:sev == 1 ? 'E' : 'W', 'text': l:d.message})
    endif
  endfor
  call setbufvar(l:bufnr, 'vsynth_scores', l:scores)
  for l:win in win_findbuf(l:bufnr)
    call setloclist(l:win, [], 'r', {'title': 'VSynth: low-consistency demonstrations', 'items': l:loclist})
  endfor
endfunction

" `no demonstrations yet: :VsynthTopUp`: the daemon's empty-file hint (`empty-region`,
" `no-region`) as the Vim command that fills the file.
function! s:short_hint(message) abort
  return matchstr(a:message, '^[^:]*') . ': :' . (a:message =~# 'vsynth\.topUp' ? 'VsynthTopUp' : 'VsynthSynthesize')
endfunction

" The diagnostics as the daemon last published them: [{lnum, severity, code, message}] (scores,
" parse problems, the empty-file hint).
function! vsynth#scores(bufnr) abort
  return getbufvar(a:bufnr, 'vsynth_scores', [])
endfunction

" Line numbers (1-based) of the region markers, [open, close], or [] if there is no region.
function! vsynth#region(bufnr) abort
  return vsynth#edit#region(a:bufnr)
endfunction

" ---------------------------------------------------------------------------------------------
" Commands

function! vsynth#command(name, args) abort
  let l:bufnr = bufnr()
  if !getbufvar(l:bufnr, 'vsynth_attached', 0)
    echohl WarningMsg | echomsg (s:failure !=# '' ? s:failure : 'vsynth: this buffer is not a prompt file attached to VSynth') | echohl None
    return
  endif
  call listener_flush(l:bufnr)
  " The edit this command brings is the user's to save, not a refresh on save.
  call setbufvar(l:bufnr, 'vsynth_saved', 0)
  let l:args = extend({'uri': vsynth#uri(l:bufnr)}, a:args)
  call vsynth#request('workspace/executeCommand', {'command': a:name, 'arguments': [l:args]},
        \ function('s:on_command_done', [a:name]))
endfunction

" Says what the daemon answered: an error, a synthesis not started (and why), a cancellation.
function! s:on_command_done(name, ch, resp) abort
  if has_key(a:resp, 'error')
    echohl ErrorMsg | echomsg 'vsynth: ' . a:name . ': ' . get(a:resp.error, 'message', '') | echohl None
    return
  endif
  let l:result = get(a:resp, 'result', {})
  if type(l:result) != v:t_dict
    return
  endif
  if a:name ==# 'vsynth.cancel'
    let l:n = get(l:result, 'cancelled', 0)
    echomsg l:n ? 'vsynth: synthesis cancelled' : 'vsynth: no synthesis was running'
  elseif has_key(l:result, 'started')
    echomsg 'vsynth: ' . (l:result.started ? printf('synthesizing %d demonstration%s', get(l:result, 'count', 0),
          \ get(l:result, 'count', 0) == 1 ? '' : 's') : get(l:result, 'message', 'nothing to do'))
  endif
endfunction

function! vsynth#synthesize(n) abort
  let l:n = a:n > 0 ? a:n : get(g:, 'vsynth_synthesize_count', 1)
  call vsynth#command('vsynth.synthesize', {'n': l:n})
endfunction

" What saving does for a `refresh: on-save` file, on demand: top up to `count`, else rescore (the
" daemon's vsynth.refresh decides which).
function! vsynth#refresh() abort
  call vsynth#command('vsynth.refresh', {})
endfunction

" ---------------------------------------------------------------------------------------------
" Status line: set statusline+=%{vsynth#statusline()}

" What the daemon does for this buffer: {state, message, percentage}. A running synthesis wins
" (its last vsynth/status, with percentage and message), else the file's scoring state, else the
" daemon's own (loading, ready, error).
function! vsynth#status(bufnr) abort
  let l:uri = vsynth#uri(a:bufnr)
  if has_key(s:jobs, l:uri)
    return s:jobs[l:uri]
  endif
  return get(s:status, l:uri, get(s:status, '', {}))
endfunction

" The daemon's last counts for this buffer ({} before the first): {demonstrations, scored, low,
" errors, warnings}.
function! vsynth#counts(bufnr) abort
  return get(s:counts, vsynth#uri(a:bufnr), {})
endfunction

" What the file's diagnostics add up to: the daemon's counts (a parse error or the empty-file hint
" is no score), else, from a daemon that sends none, the V-Score diagnostics counted here.
function! vsynth#summary(bufnr) abort
  let l:c = vsynth#counts(a:bufnr)
  let l:hints = filter(copy(vsynth#scores(a:bufnr)), 'v:val.code ==# "empty-region" || v:val.code ==# "no-region"')
  if !empty(l:hints)
    return 'VSynth ' . s:short_hint(l:hints[0].message)
  endif
  if empty(l:c)
    let l:scores = filter(copy(vsynth#scores(a:bufnr)), 'v:val.code ==# "vscore" || v:val.code ==# "low-vscore"')
    let l:c = {'demonstrations': -1, 'scored': len(l:scores), 'errors': 0,
          \ 'low': len(filter(copy(l:scores), 'v:val.code ==# "low-vscore"'))}
  endif
  return 'VSynth ' . (l:c.demonstrations < 0 ? l:c.scored : printf('%d of %d', l:c.scored, l:c.demonstrations)) . ' scored'
        \ . (l:c.low ? printf(', %d weak', l:c.low) : '')
        \ . (l:c.errors ? printf(', %d error%s', l:c.errors, l:c.errors == 1 ? '' : 's') : '')
endfunction

" Whether a synthesis runs for this buffer.
function! vsynth#synthesizing(bufnr) abort
  return has_key(s:jobs, vsynth#uri(a:bufnr))
endfunction

function! vsynth#statusline() abort
  if !getbufvar(bufnr(), 'vsynth_attached', 0)
    return ''
  endif
  let l:s = vsynth#status(bufnr())
  let l:state = get(l:s, 'state', s:ready ? 'idle' : 'starting')
  if l:state ==# 'idle' || l:state ==# 'ready'
    return vsynth#summary(bufnr())
  endif
  let l:pct = get(l:s, 'percentage', v:null)
  return 'VSynth ' . l:state . (type(l:pct) != v:t_number ? '' : printf(' %d%%', l:pct))
        \ . (get(l:s, 'message', '') ==# '' ? '' : ': ' . l:s.message)
endfunction

" ---------------------------------------------------------------------------------------------
" Hover: the score breakdown of the demonstration under the cursor, in a popup.

function! vsynth#explain() abort
  let l:bufnr = bufnr()
  if !getbufvar(l:bufnr, 'vsynth_attached', 0)
    return
  endif
  call listener_flush(l:bufnr)
  let l:line = getline('.')
  let l:col = col('.') - 1
  let l:character = s:encoding ==# 'utf-8' ? l:col : strchars(strpart(l:line, 0, l:col))
  if s:encoding ==# 'utf-16'
    let l:character = len(filter(split(strpart(l:line, 0, l:col), '\zs'), 1))
          \ + len(filter(split(strpart(l:line, 0, l:col), '\zs'), 'char2nr(v:val) > 0xFFFF'))
  endif
  call vsynth#request('textDocument/hover', {'textDocument': {'uri': vsynth#uri(l:bufnr)},
        \ 'position': {'line': line('.') - 1, 'character': l:character}}, function('s:on_hover'))
endfunction

function! s:on_hover(ch, resp) abort
  let l:result = get(a:resp, 'result', v:null)
  if type(l:result) != v:t_dict
    echo 'vsynth: nothing to explain here'
    return
  endif
  let s:last_hover = vsynth#hover_lines(get(l:result, 'contents', ''))
  call popup_atcursor(s:last_hover, {'border': [], 'padding': [0, 1, 0, 1], 'moved': 'any'})
endfunction

" A hover's contents as plain lines. We ask for plain text (contentFormat), which the daemon sends;
" from a server that answers in Markdown anyway, emphasis and code marks are taken out, since a
" popup shows text as it is.
function! vsynth#hover_lines(contents) abort
  if type(a:contents) == v:t_dict
    let l:text = get(a:contents, 'value', '')
    if get(a:contents, 'kind', '') ==# 'markdown'
      let l:text = substitute(l:text, '\*\*\(.\{-}\)\*\*', '\1', 'g')
      let l:text = substitute(l:text, '`\([^`]*\)`', '\1', 'g')
    endif
  elseif type(a:contents) == v:t_string
    let l:text = a:contents
  else
    let l:text = string(a:contents)
  endif
  return split(l:text, "\n")
endfunction

" The lines of the last hover shown (tests).
function! vsynth#last_hover() abort
  return get(s:, 'last_hover', [])
endfunction

" ---------------------------------------------------------------------------------------------
" For tests and scripts: the checks and application a workspace/applyEdit request goes through,
" and the version the daemon last heard of.

function! vsynth#apply_workspace_edit(params) abort
  return vsynth#edit#apply(a:params, s:encoding)
endfunction

function! vsynth#version(bufnr) abort
  call listener_flush(a:bufnr)
  return getbufvar(a:bufnr, 'vsynth_version', 0)
endfunction

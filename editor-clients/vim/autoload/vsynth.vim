" autoload/vsynth.vim - the VSynth client: one `vsynth lsp` job per Vim, spoken to through Vim's
" built-in LSP channel mode (job_start with in_mode/out_mode "lsp"). Everything is asynchronous:
" requests carry callbacks, edits from the daemon arrive as workspace/applyEdit requests and are
" applied only if the buffer is still at the version (and b:changedtick) they were planned against.

let s:job = v:null
let s:ready = 0
let s:pending = []          " notifications queued until `initialize` is answered
let s:encoding = 'utf-16'   " negotiated position encoding
let s:status = {}           " uri -> {state, message, percentage}
let s:jobs = {}             " uri -> the status of the synthesis running for it (scoring meanwhile
                            " reports its own idle; a job ends with an idle that carries a message)
let s:progress = {}         " $/progress token -> its last value
let g:vsynth_last_apply = {}

" ---------------------------------------------------------------------------------------------
" Starting and stopping the daemon

function! s:command() abort
  if exists('g:vsynth_command')
    return g:vsynth_command
  endif
  return [empty($VSYNTH_BIN) ? 'vsynth' : $VSYNTH_BIN, 'lsp']
endfunction

function! vsynth#running() abort
  return s:job isnot v:null && job_status(s:job) ==# 'run'
endfunction

function! vsynth#start() abort
  if vsynth#running()
    return
  endif
  let s:ready = 0
  let s:pending = []
  let l:opts = {'in_mode': 'lsp', 'out_mode': 'lsp', 'err_mode': 'nl',
        \ 'out_cb': function('s:on_message'), 'err_cb': function('s:on_stderr'),
        \ 'exit_cb': function('s:on_exit'), 'noblock': 1}
  let s:job = job_start(s:command(), l:opts)
  if job_status(s:job) !=# 'run'
    echohl ErrorMsg | echomsg 'vsynth: cannot start ' . string(s:command()) | echohl None
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
        \   'window': {'workDoneProgress': v:true, 'showMessage': {}},
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
  call ch_evalexpr(s:job, {'method': 'shutdown'}, {'timeout': 2000})
  call ch_sendexpr(s:job, {'method': 'exit'})
endfunction

function! s:on_stderr(ch, line) abort
  if get(g:, 'vsynth_log', '') !=# ''
    call writefile([a:line], g:vsynth_log, 'a')
  endif
endfunction

function! s:on_exit(job, status) abort
  let s:job = v:null
  let s:ready = 0
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
    echohl WarningMsg | echomsg 'vsynth: the daemon is not ready yet' | echohl None
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

function! vsynth#did_save(bufnr) abort
  call listener_flush(a:bufnr)
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
    if get(l:params, 'state', '') ==# 'synthesizing'
      let s:jobs[l:uri] = l:params
    elseif get(l:params, 'state', '') ==# 'idle' && get(l:params, 'message', '') !=# '' && has_key(s:jobs, l:uri)
      call remove(s:jobs, l:uri)
    endif
    redrawstatus!
  elseif a:msg.method ==# '$/progress'
    let l:v = get(l:params, 'value', {})
    let l:token = string(get(l:params, 'token', ''))
    if get(l:v, 'kind', '') ==# 'end'
      silent! call remove(s:progress, l:token)
    else
      let s:progress[l:token] = extend(get(s:progress, l:token, {}), l:v)
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
  for [l:type, l:hl] in [['vsynth_score', 'VsynthScore'], ['vsynth_weak', 'VsynthWeak'], ['vsynth_error', 'VsynthError']]
    if empty(prop_type_get(l:type))
      call prop_type_add(l:type, {'highlight': l:hl})
    endif
  endfor
  if empty(sign_getdefined('VsynthScore'))
    call sign_define('VsynthScore', {'text': 'V', 'texthl': 'VsynthScore'})
    call sign_define('VsynthWeak', {'text': 'V!', 'texthl': 'VsynthWeak'})
    call sign_define('VsynthError', {'text': 'E', 'texthl': 'VsynthError'})
  endif
endfunction

function! s:show_scores(params) abort
  let l:bufnr = vsynth#bufnr_of(get(a:params, 'uri', ''))
  if l:bufnr < 0
    return
  endif
  call prop_remove({'types': ['vsynth_score', 'vsynth_weak', 'vsynth_error'], 'bufnr': l:bufnr, 'all': 1})
  call sign_unplace('vsynth', {'buffer': l:bufnr})
  let l:scores = []
  let l:loclist = []
  let l:last = line('$', bufwinid(l:bufnr) > 0 ? bufwinid(l:bufnr) : 0)
  let l:nlines = len(getbufline(l:bufnr, 1, '$'))
  for l:d in get(a:params, 'diagnostics', [])
    let l:lnum = min([l:d.range.start.line + 1, l:nlines])
    let l:sev = get(l:d, 'severity', 1)
    let l:kind = l:sev == 1 ? 'error' : l:sev == 2 ? 'weak' : 'score'
    call add(l:scores, {'lnum': l:lnum, 'severity': l:sev, 'message': l:d.message})
    call prop_add(l:lnum, 0, {'type': 'vsynth_' . l:kind, 'bufnr': l:bufnr,
          \ 'text': '  ' . l:d.message, 'text_align': 'after'})
    call sign_place(0, 'vsynth', l:kind ==# 'error' ? 'VsynthError' : l:kind ==# 'weak' ? 'VsynthWeak' : 'VsynthScore',
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

" The scores as the daemon last published them: [{lnum, severity, message}].
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
    echohl WarningMsg | echomsg 'vsynth: this buffer is not a prompt file attached to VSynth' | echohl None
    return
  endif
  call listener_flush(l:bufnr)
  let l:args = extend({'uri': vsynth#uri(l:bufnr)}, a:args)
  call vsynth#request('workspace/executeCommand', {'command': a:name, 'arguments': [l:args]},
        \ function('s:on_command_done', [a:name]))
endfunction

function! s:on_command_done(name, ch, resp) abort
  if has_key(a:resp, 'error')
    echohl ErrorMsg | echomsg 'vsynth: ' . a:name . ': ' . get(a:resp.error, 'message', '') | echohl None
  endif
endfunction

function! vsynth#synthesize(n) abort
  let l:n = a:n > 0 ? a:n : get(g:, 'vsynth_synthesize_count', 1)
  call vsynth#command('vsynth.synthesize', {'n': l:n})
endfunction

" ---------------------------------------------------------------------------------------------
" Status line: set statusline+=%{vsynth#statusline()}

" What the daemon does for this buffer: {state, message, percentage}. A running synthesis wins
" (with its $/progress percentage and message), else the file's scoring state, else the daemon's
" own (loading, ready, error).
function! vsynth#status(bufnr) abort
  let l:uri = vsynth#uri(a:bufnr)
  if has_key(s:jobs, l:uri)
    let l:s = {'state': 'synthesizing', 'message': '', 'percentage': v:null}
    for l:p in values(s:progress)
      let l:s.message = get(l:p, 'message', '')
      let l:s.percentage = get(l:p, 'percentage', v:null)
    endfor
    return l:s
  endif
  return get(s:status, l:uri, get(s:status, '', {}))
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
    let l:scores = vsynth#scores(bufnr())
    let l:weak = len(filter(copy(l:scores), 'v:val.severity == 2'))
    return printf('VSynth %d scored%s', len(l:scores), l:weak ? printf(', %d weak', l:weak) : '')
  endif
  let l:pct = get(l:s, 'percentage', v:null)
  return 'VSynth ' . l:state . (l:pct is v:null ? '' : printf(' %d%%', l:pct))
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
  let l:contents = get(l:result, 'contents', '')
  let l:text = type(l:contents) == v:t_dict ? get(l:contents, 'value', '') : string(l:contents)
  call popup_atcursor(split(l:text, "\n"), {'border': [], 'padding': [0, 1, 0, 1], 'moved': 'any'})
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

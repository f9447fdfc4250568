-- vsynth: the Neovim client of the VSynth daemon (`vsynth lsp`), on the built-in LSP client.
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and on 0.11+
-- (vim.lsp.config + vim.lsp.enable). Edits from the daemon are applied only when the buffer is
-- still at the version they were planned against and they stay inside the demonstrations region.
--
--   require('vsynth').setup({ options = { backend = 'embedded', threshold = 0.0 } })

local M = {}

local ns = vim.api.nvim_create_namespace('vsynth')
local status = {}        -- uri -> { state, message, percentage, counts }
local counts = {}        -- uri -> the daemon's last counts { demonstrations, scored, low, errors, warnings }
local jobs = {}          -- uri -> the last status of the synthesis running for it, with its percentage
                         -- (a job ends with an idle that carries a message; scoring meanwhile
                         -- reports its own idle)
local client_id = nil    -- the one client (0.7 path)
M.last_apply = nil       -- the answer to the last workspace/applyEdit (tests, debugging)

M.config = {
  cmd = nil,             -- default: { M.executable(), 'lsp', '--log', log }
  executable = nil,      -- the vsynth binary; default $VSYNTH_BIN, else vsynth on $PATH, else ~/.local/bin/vsynth
  log = nil,             -- the daemon's log file; default stdpath('cache')/vsynth.log (its stderr would
                         -- land in Neovim's lsp.log as [ERROR] lines)
  options = {},          -- initializationOptions: backend, model, threads, threshold, count, seed, refresh
  synthesize_count = 1,  -- :VsynthSynthesize without a count
  autostart = true,
}

--- The daemon's executable: the `executable` setting, else $VSYNTH_BIN, else `vsynth` on $PATH,
--- else ~/.local/bin/vsynth (where `make install` puts it; a login shell may not have it on $PATH).
function M.executable()
  for _, set in ipairs({ M.config.executable or '', vim.env.VSYNTH_BIN or '' }) do
    if set ~= '' then return set end
  end
  if vim.fn.executable('vsynth') == 1 then return 'vsynth' end
  local installed = vim.fn.expand('~/.local/bin/vsynth')
  return vim.fn.executable(installed) == 1 and installed or 'vsynth'
end

function M.log_file()
  return M.config.log or (vim.fn.stdpath('cache') .. '/vsynth.log')
end

local function command_line()
  if M.config.cmd then
    return M.config.cmd
  end
  return { M.executable(), 'lsp', '--log', M.log_file() }
end

M.failure = nil          -- why the daemon is not running, once it failed
local reported = {}

--- Records why the daemon cannot run and says so once per reason (not once per prompt file).
local function fail(message)
  M.failure = message
  if not reported[message] then
    reported[message] = true
    vim.schedule(function() vim.notify(message, vim.log.levels.ERROR) end)
  end
end

--- Whether the daemon can be started; says why not (once) when it cannot.
local function startable()
  local cmd = command_line()
  if vim.fn.executable(cmd[1]) ~= 1 then
    fail(string.format("vsynth: executable '%s' not found; run `make install` in the VSynth sources, "
      .. "or pass executable = '/path/to/vsynth' to require('vsynth').setup()", cmd[1]))
    return false
  end
  return true
end

--- Lines (0-based) of the region markers {open, close}, or nil.
function M.region(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local open
  for i, l in ipairs(lines) do
    if not open and (l:match('{{!%-?%-?%s*vsynth:demos%s*%-?%-?}}') or l:match('<!%-%-%s*vsynth:demos%s*%-%->')) then
      open = i - 1
    elseif open and (l:match('{{!%-?%-?%s*/vsynth:demos%s*%-?%-?}}') or l:match('<!%-%-%s*/vsynth:demos%s*%-%->')) then
      return { open, i - 1 }
    end
  end
  return nil
end

local function buf_version(bufnr)
  local versions = vim.lsp.util.buf_versions
  local v = versions and versions[bufnr]
  if v == nil then
    v = vim.api.nvim_buf_get_var(bufnr, 'changedtick')
  end
  return v
end

local function loaded_buffer(uri)
  local bufnr = vim.uri_to_bufnr(uri)
  if vim.api.nvim_buf_is_loaded(bufnr) then
    return bufnr
  end
  return nil
end

--- Checks a workspace edit against the buffers it targets; applies it if every check passes.
local function apply_workspace_edit(edit, offset_encoding)
  local todo = {}
  for _, dc in ipairs(edit.documentChanges or {}) do
    if dc.kind then
      return { applied = false, failureReason = 'vsynth.nvim: resource operations are not supported' }
    end
    table.insert(todo, { uri = dc.textDocument.uri, version = dc.textDocument.version, edits = dc.edits })
  end
  if not edit.documentChanges then
    for uri, edits in pairs(edit.changes or {}) do
      table.insert(todo, { uri = uri, version = vim.NIL, edits = edits })
    end
  end
  for _, t in ipairs(todo) do
    t.bufnr = loaded_buffer(t.uri)
    if not t.bufnr then
      return { applied = false, failureReason = 'vsynth.nvim: ' .. t.uri .. ' is not open' }
    end
    if t.version ~= nil and t.version ~= vim.NIL and t.version ~= buf_version(t.bufnr) then
      return { applied = false, failureReason = string.format(
        'vsynth.nvim: buffer is at version %d, the edit was planned against %d', buf_version(t.bufnr), t.version) }
    end
    local region = M.region(t.bufnr)
    for _, e in ipairs(t.edits) do
      if not region or e.range.start.line < region[1] or e.range['end'].line > region[2] then
        return { applied = false, failureReason = 'vsynth.nvim: the edit reaches outside the demonstrations region' }
      end
    end
  end
  for _, t in ipairs(todo) do
    -- A buffer saved and untouched since: the edit is the daemon's refresh on save, and the file
    -- is written again so that it holds what the buffer shows.
    local write = vim.b[t.bufnr].vsynth_saved and not vim.bo[t.bufnr].modified
    -- One handler call, no input in between: one undo block, closed on both sides (setting
    -- 'undolevels' to itself is the undo break) so it never joins the user's typing.
    vim.api.nvim_buf_call(t.bufnr, function() vim.cmd('let &g:undolevels = &g:undolevels') end)
    vim.lsp.util.apply_text_edits(t.edits, t.bufnr, offset_encoding or 'utf-16')
    vim.api.nvim_buf_call(t.bufnr, function() vim.cmd('let &g:undolevels = &g:undolevels') end)
    if write then
      vim.b[t.bufnr].vsynth_saved = false
      -- Without autocommands: no didSave, so no second refresh.
      vim.api.nvim_buf_call(t.bufnr, function() vim.cmd('silent noautocmd write') end)
    end
  end
  return { applied = true }
end

--- For tests and scripts: the checks and application a workspace/applyEdit request goes through.
function M.apply_workspace_edit(edit, offset_encoding)
  return apply_workspace_edit(edit, offset_encoding)
end

--- The version the daemon last heard of for bufnr.
function M.version(bufnr)
  return buf_version(bufnr)
end

local function on_apply_edit(_, result, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local ok, answer = pcall(apply_workspace_edit, result.edit or {}, client and client.offset_encoding)
  if not ok then
    answer = { applied = false, failureReason = 'vsynth.nvim: ' .. tostring(answer) }
  end
  M.last_apply = answer
  if not answer.applied then
    vim.notify(answer.failureReason, vim.log.levels.WARN)
  end
  return answer
end

--- `no demonstrations yet: :VsynthTopUp`: the daemon's empty-file hint (`empty-region`,
--- `no-region`), which names every editor's command, as the one to type here.
local function short_hint(message)
  return (message:match('^[^:]*') or message) .. ': :' .. (message:find('vsynth.topUp', 1, true) and 'VsynthTopUp' or 'VsynthSynthesize')
end

local function is_hint(code)
  return code == 'empty-region' or code == 'no-region'
end

-- The scores show once: as the client's own end-of-line text (dimmed, in the Comment colour unless
-- weak), with vim.diagnostic keeping signs, underlines and the lists but not its virtual text.
local function on_diagnostics(err, result, ctx, config)
  config = vim.tbl_extend('force', config or {}, { virtual_text = false })
  local ok_ns, diag_ns = pcall(vim.lsp.diagnostic.get_namespace, ctx.client_id)
  if ok_ns and diag_ns then
    vim.diagnostic.config({ virtual_text = false }, diag_ns)
  end
  vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
  local bufnr = loaded_buffer(result.uri)
  if not bufnr then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local scores, loclist = {}, {}
  local nlines = vim.api.nvim_buf_line_count(bufnr)
  for _, d in ipairs(result.diagnostics or {}) do
    local line = math.min(d.range.start.line, nlines - 1)
    local severity = d.severity or 1
    table.insert(scores, { lnum = line + 1, severity = severity, code = d.code, message = d.message })
    local hint = is_hint(d.code)
    local hl = hint and 'DiagnosticHint' or severity == 1 and 'DiagnosticError' or severity == 2 and 'DiagnosticWarn' or 'Comment'
    local text = hint and short_hint(d.message) or d.message
    vim.api.nvim_buf_set_extmark(bufnr, ns, line, 0, { virt_text = { { '  ' .. text, hl } }, virt_text_pos = 'eol' })
    if severity <= 2 then
      table.insert(loclist, { bufnr = bufnr, lnum = line + 1, col = d.range.start.character + 1,
        type = severity == 1 and 'E' or 'W', text = d.message })
    end
  end
  vim.api.nvim_buf_set_var(bufnr, 'vsynth_scores', scores)
  for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
    vim.fn.setloclist(win, {}, 'r', { title = 'VSynth: low-consistency demonstrations', items = loclist })
  end
end

local function on_status(_, result)
  local uri = result.uri or ''
  status[uri] = result
  if type(result.counts) == 'table' then counts[uri] = result.counts end
  if result.state == 'synthesizing' then
    jobs[uri] = result
  elseif result.state == 'idle' and result.message and result.message ~= '' then
    jobs[uri] = nil
  end
  vim.cmd('redrawstatus!')
end

local initialized = {}   -- client id -> true once it answered initialize

-- The daemon ended: unless :VsynthStop asked for it, say so with where its log is. (Called in a
-- fast event context on 0.7: everything waits for the main loop.)
local function on_exit(code, _, id)
  vim.schedule(function()
    local was_ready = initialized[id]
    initialized[id] = nil
    if id == client_id then client_id = nil end
    if M.stopping then
      M.stopping = false
      return
    end
    if code ~= 0 or not was_ready then
      fail(string.format('vsynth: the daemon (%s) exited with status %d%s; its log: %s (and %s); :VsynthAttach starts it again',
        table.concat(command_line(), ' '), code, was_ready and '' or ' before it was ready', M.log_file(),
        vim.lsp.get_log_path()))
    end
  end)
end

-- On each attached buffer: K explains the score under the cursor unless the user mapped K, and a
-- save is noted (an edit arriving while the buffer is still unmodified is then a refresh on save).
local function on_attach(_, bufnr)
  local mapped = vim.api.nvim_buf_call(bufnr, function() return vim.fn.maparg('K', 'n') end)
  if mapped == '' then
    vim.api.nvim_buf_set_keymap(bufnr, 'n', 'K', '<Cmd>lua vim.lsp.buf.hover()<CR>', { noremap = true, silent = true })
  end
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = vim.api.nvim_create_augroup('vsynth_saved_' .. bufnr, { clear = true }),
    buffer = bufnr,
    callback = function() vim.b[bufnr].vsynth_saved = true end,
  })
end

local function client_config()
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.applyEdit = true
  capabilities.workspace.workspaceEdit = capabilities.workspace.workspaceEdit or {}
  capabilities.workspace.workspaceEdit.documentChanges = true
  capabilities.window = capabilities.window or {}
  capabilities.window.workDoneProgress = true
  return {
    name = 'vsynth',
    cmd = command_line(),
    filetypes = { 'vsynth' },
    root_dir = vim.loop.cwd(),
    init_options = vim.tbl_extend('force', { statusNotifications = true }, M.config.options or {}),
    capabilities = capabilities,
    flags = { debounce_text_changes = 0 },
    on_init = function(client) initialized[client.id] = true end,
    on_exit = on_exit,
    on_attach = on_attach,
    handlers = {
      ['workspace/applyEdit'] = on_apply_edit,
      ['textDocument/publishDiagnostics'] = on_diagnostics,
      ['vsynth/status'] = on_status,
    },
  }
end

-- Neovim 0.11 made the client's functions methods (client:request); 0.7 has plain fields.
local has_methods = vim.fn.has('nvim-0.11') == 1

--- Sends a request through client; handler(err, result, ctx) gets the answer.
function M.request(client, method, params, handler, bufnr)
  if has_methods then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Sends a request and waits (at most timeout ms): {err, result} or nil.
function M.request_sync(client, method, params, timeout, bufnr)
  if has_methods then
    return client:request_sync(method, params, timeout, bufnr)
  end
  return client.request_sync(method, params, timeout, bufnr)
end

--- Stops the daemon client.
function M.stop(client)
  client = client or M.client()
  if not client then return end
  M.stopping = true
  if has_methods then client:stop() else client.stop() end
end

--- The client serving bufnr (or the first VSynth client).
function M.client(bufnr)
  if client_id then
    return vim.lsp.get_client_by_id(client_id)
  end
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = 'vsynth', bufnr = bufnr })
  return clients[1]
end

--- Attaches bufnr to the daemon (starting it on first use). Used on Neovim before 0.11.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not client_id or not vim.lsp.get_client_by_id(client_id) then
    if not startable() then return end
    M.failure = nil
    client_id = vim.lsp.start_client(client_config())
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
end

--- Runs a daemon command on the current buffer; the answer is immediate, the edit comes later.
function M.command(name, args)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    vim.notify(M.failure or 'vsynth: this buffer is not attached to the VSynth daemon', vim.log.levels.WARN)
    return
  end
  -- The edit this command brings is the user's to save, not a refresh on save.
  vim.b[bufnr].vsynth_saved = false
  local arg = vim.tbl_extend('force', { uri = vim.uri_from_bufnr(bufnr) }, args or {})
  M.request(client, 'workspace/executeCommand', { command = name, arguments = { arg } }, function(err, result)
    if err then
      vim.notify('vsynth: ' .. name .. ': ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) ~= 'table' then
      return
    elseif name == 'vsynth.cancel' then
      vim.notify((result.cancelled or 0) > 0 and 'vsynth: synthesis cancelled' or 'vsynth: no synthesis was running')
    elseif result.started ~= nil then
      vim.notify('vsynth: ' .. (result.started and string.format('synthesizing %d demonstration%s',
        result.count or 0, result.count == 1 and '' or 's') or (result.message or 'nothing to do')))
    end
  end, bufnr)
end

--- What saving does for a `refresh: on-save` file, on demand: top up to `count`, else rescore
--- (the daemon's vsynth.refresh decides which).
function M.refresh()
  M.command('vsynth.refresh')
end

function M.synthesize(n)
  n = tonumber(n) or 0
  if n <= 0 then
    n = M.config.synthesize_count
  end
  M.command('vsynth.synthesize', { n = n })
end

--- What the daemon does for bufnr: a running synthesis (its last vsynth/status, with percentage
--- and message) wins, else the file's scoring state, else the daemon's own (loading, ready, error).
function M.status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local uri = vim.uri_from_bufnr(bufnr)
  return jobs[uri] or status[uri] or status[''] or {}
end

--- The daemon's last counts for bufnr ({} before the first).
function M.counts(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return counts[vim.uri_from_bufnr(bufnr)] or {}
end

--- What the file's diagnostics add up to: the daemon's counts (a parse error or the empty-file
--- hint is no score), else, from a daemon that sends none, the V-Score diagnostics counted here.
function M.summary(bufnr)
  local scored, low, c = 0, 0, M.counts(bufnr)
  for _, sc in ipairs(M.scores(bufnr)) do
    if is_hint(sc.code) then return 'VSynth ' .. short_hint(sc.message) end
    if sc.code == 'vscore' or sc.code == 'low-vscore' then scored = scored + 1 end
    if sc.code == 'low-vscore' then low = low + 1 end
  end
  local text
  if c.scored then
    text = string.format('VSynth %d of %d scored', c.scored, c.demonstrations or 0)
    low = c.low or 0
  else
    text = string.format('VSynth %d scored', scored)
  end
  if low > 0 then text = text .. string.format(', %d weak', low) end
  local errors = c.errors or 0
  if errors > 0 then text = text .. string.format(', %d error%s', errors, errors == 1 and '' or 's') end
  return text
end

--- Whether a synthesis runs for bufnr.
function M.synthesizing(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return jobs[vim.uri_from_bufnr(bufnr)] ~= nil
end

function M.scores(bufnr)
  local ok, scores = pcall(vim.api.nvim_buf_get_var, bufnr or 0, 'vsynth_scores')
  return ok and scores or {}
end

--- For 'statusline': set statusline+=%{v:lua.require'vsynth'.statusline()}
function M.statusline()
  if vim.bo.filetype ~= 'vsynth' then
    return ''
  end
  local s = M.status()
  local state = s.state or 'idle'
  if state == 'idle' or state == 'ready' then
    return M.summary(0)
  end
  local text = 'VSynth ' .. state
  if type(s.percentage) == 'number' then
    text = text .. string.format(' %d%%', s.percentage)
  end
  if s.message and s.message ~= '' then
    text = text .. ': ' .. s.message
  end
  return text
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local cmd = vim.api.nvim_create_user_command
  cmd('VsynthSynthesize', function(a) M.synthesize(a.args) end, { nargs = '?' })
  cmd('VsynthTopUp', function() M.command('vsynth.topUp') end, {})
  cmd('VsynthReplaceWeakest', function() M.command('vsynth.replaceWeakest') end, {})
  cmd('VsynthScore', function() M.command('vsynth.rescore') end, {})
  cmd('VsynthCancel', function() M.command('vsynth.cancel') end, {})
  cmd('VsynthRefresh', function() M.refresh() end, {})
  cmd('VsynthExplain', function() vim.lsp.buf.hover() end, {})
  cmd('VsynthAttach', function() M.attach(0) end, {})
  cmd('VsynthStop', function() M.stop() end, {})
  if not M.config.autostart then
    return
  end
  if vim.lsp.config and vim.lsp.enable then
    -- Neovim 0.11+: declare the server once; Neovim attaches it to every `vsynth` buffer.
    local cfg = client_config()
    cfg.root_dir = nil
    cfg.root_markers = { '.git' }
    vim.lsp.config('vsynth', cfg)
    if startable() then vim.lsp.enable('vsynth') end
  else
    local group = vim.api.nvim_create_augroup('vsynth_attach', { clear = true })
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = 'vsynth',
      callback = function(ev) M.attach(ev.buf) end,
    })
  end
end

return M

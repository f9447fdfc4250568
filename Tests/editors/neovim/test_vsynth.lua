-- Headless Neovim tests of editor-clients/neovim against the real daemon ($VSYNTH_BIN lsp).
-- Run by scripts/test-editors.sh:  nvim --headless -u NONE -i NONE -c 'luafile Tests/editors/neovim/test_vsynth.lua'
-- Assertions are Vim's assert_* functions (v:errors). Env as for the Vim tests.
vim.opt.runtimepath:prepend(vim.env.VSYNTH_CLIENTS .. '/neovim')
vim.cmd('filetype on')
vim.cmd('runtime plugin/vsynth.lua')
vim.o.hidden = true
vim.o.undolevels = 1000
local vsynth = require('vsynth')
-- The default command line (found through $VSYNTH_BIN), logging to a file the harness prints when a
-- test fails.
vsynth.setup({ log = vim.env.VSYNTH_WORK .. '/nvim-daemon.log' })
-- Neovim's own LSP log, to check that the daemon's normal output never lands there as [ERROR].
local lsp_log = vim.lsp.get_log_path()
local lsp_log_size = vim.fn.getfsize(lsp_log)
-- Messages the client shows, as the user would see them.
local notified = {}
vim.notify = function(msg) table.insert(notified, msg) end

local wait_ms = (tonumber(vim.env.VSYNTH_WAIT) or 180) * 1000
local fn = vim.fn

local function log(line)
  fn.writefile({ line }, vim.env.VSYNTH_RESULT, 'a')
end

local function wait(cond, ms)
  return vim.wait(ms or wait_ms, cond, 50)
end

local function open(fixture)
  local path = vim.env.VSYNTH_WORK .. '/nvim-' .. fixture
  fn.writefile(fn.readfile(vim.env.VSYNTH_FIXTURES .. '/' .. fixture, 'b'), path, 'b')
  vim.cmd('edit! ' .. fn.fnameescape(path))
  fn.assert_equal('vsynth', vim.bo.filetype)
  local bufnr = vim.api.nvim_get_current_buf()
  fn.assert_true(wait(function()
    local c = vsynth.client(bufnr)
    return c ~= nil and c.initialized ~= false
  end, 30000), 'client started')
  return bufnr
end

local function lines(bufnr, a, b)
  return vim.api.nvim_buf_get_lines(bufnr, a, b, false)
end

-- Demonstrations in the region, and whether they are well formed.
local function demos(bufnr)
  local r = vsynth.region(bufnr)
  if not r then return {}, false end
  local list, ok, cur = {}, true, nil
  for _, l in ipairs(lines(bufnr, r[1] + 1, r[2])) do
    if l:match('^{{role "user"}}') then
      if cur == 'user' then ok = false end
      table.insert(list, { user = '', model = '' })
      cur = 'user'
    elseif l:match('^{{role "model"}}') then
      if cur ~= 'user' then ok = false end
      cur = 'model'
    elseif cur == nil then
      if not l:match('^%s*$') then ok = false end
    else
      list[#list][cur] = list[#list][cur] .. l
    end
  end
  if cur == 'user' then ok = false end
  for _, d in ipairs(list) do
    if d.user:match('^%s*$') or d.model:match('^%s*$') then ok = false end
  end
  return list, ok
end

local function outside(bufnr)
  local r = vsynth.region(bufnr)
  return { lines(bufnr, 0, r[1] + 1), lines(bufnr, r[2], -1) }
end

-- Every demonstration has a V-Score at its user tag, and nothing else has one.
local function scored_all(bufnr)
  local r = vsynth.region(bufnr)
  if not r then return false end
  local want = {}
  for i, l in ipairs(lines(bufnr, r[1] + 1, r[2])) do
    if l:match('^{{role "user"}}') then table.insert(want, r[1] + 1 + i) end
  end
  local got = {}
  for _, s in ipairs(vsynth.scores(bufnr)) do
    if s.message:find('V-Score', 1, true) then table.insert(got, s.lnum) end
  end
  table.sort(got)
  return #want > 0 and vim.deep_equal(want, got)
end

local function synthesizing(bufnr)
  return vsynth.synthesizing(bufnr)
end

-- No synthesis running and no scoring either.
local function idle(bufnr)
  local s = vsynth.status(bufnr).state or 'idle'
  return not vsynth.synthesizing(bufnr) and (s == 'idle' or s == 'ready')
end

local tests = {}

-- The client's own checks: a stale version or a range outside the region is refused and changes
-- nothing; a good edit lands as one undo step.
tests.Test_0_edit_checks = function()
  local b = open('sentiment.prompt')
  local before = lines(b, 0, -1)
  local uri = vim.uri_from_bufnr(b)
  local at = { line = vsynth.region(b)[2], character = 0 }
  local insert = { range = { start = at, ['end'] = at }, newText = '{{role "user"}}\nx\n{{role "model"}}\ny\n\n' }
  local top = { range = { start = { line = 0, character = 0 }, ['end'] = { line = 1, character = 0 } }, newText = '' }
  local version = vsynth.version(b)
  local function apply(v, edit)
    return vsynth.apply_workspace_edit({ documentChanges = { { textDocument = { uri = uri, version = v }, edits = { edit } } } }, 'utf-16')
  end
  local stale = apply(version - 1, insert)
  fn.assert_equal(false, stale.applied)
  fn.assert_match('planned against', stale.failureReason)
  local outside_edit = apply(version, top)
  fn.assert_equal(false, outside_edit.applied)
  fn.assert_match('outside the demonstrations region', outside_edit.failureReason)
  fn.assert_equal(before, lines(b, 0, -1), 'refused edits change nothing')
  fn.assert_equal(true, apply(version, insert).applied)
  fn.assert_equal(3, #demos(b))
  fn.assert_true(vsynth.version(b) > version, 'the change goes to the daemon')
  vim.cmd('silent undo')
  fn.assert_equal(before, lines(b, 0, -1), 'one undo removes the edit')
end

tests.Test_1_scores = function()
  local b = open('sentiment.prompt')
  fn.assert_true(wait(function() return scored_all(b) end), 'scores for every demonstration')
  local ns = vim.api.nvim_create_namespace('vsynth')
  for _, s in ipairs(vsynth.scores(b)) do
    if not s.message:find('V-Score', 1, true) then goto continue end
    fn.assert_match('V-Score -\\?[0-9.]\\+ nats', s.message)
    local marks = vim.api.nvim_buf_get_extmarks(b, ns, { s.lnum - 1, 0 }, { s.lnum - 1, -1 }, { details = true })
    fn.assert_true(#marks >= 1, 'virtual text on line ' .. s.lnum)
    local text = marks[1] and marks[1][4].virt_text[1][1] or ''
    fn.assert_match('V-Score', text)
    ::continue::
  end
  fn.assert_true(wait(function() return idle(b) end), 'scoring ends')
  -- the file's own idle status brings the daemon's counts (the daemon's 'ready' may come first)
  fn.assert_true(wait(function() return vsynth.counts(b).scored == #demos(b) end), 'the counts arrived')
  fn.assert_match('VSynth \\(\\d\\+\\) of \\1 scored', vsynth.statusline())
  -- one score mark per demonstration: the end-of-line texts of every namespace on its line (ids
  -- are sequential; vim.diagnostic draws its virtual text in anonymous ones that
  -- nvim_get_namespaces() does not list)
  local last = vim.api.nvim_create_namespace('')
  for _, s in ipairs(vsynth.scores(b)) do
    local texts = {}
    for id = 1, last do
      local ok, marks = pcall(vim.api.nvim_buf_get_extmarks, b, id, { s.lnum - 1, 0 }, { s.lnum - 1, -1 }, { details = true })
      for _, m in ipairs(ok and marks or {}) do
        if m[4].virt_text then table.insert(texts, m[4].virt_text[1][1]) end
      end
    end
    fn.assert_equal(1, #texts, 'one score mark on line ' .. s.lnum .. ': ' .. vim.inspect(texts))
  end
  -- the daemon's log lines went to its log file, not to Neovim's lsp.log
  local added = table.concat(fn.readfile(lsp_log), '\n'):sub(math.max(lsp_log_size, 0) + 1)
  fn.assert_notmatch('vsynth lsp\\|didOpen\\|publish', added, 'daemon log lines in lsp.log')
  fn.assert_match('didOpen', table.concat(fn.readfile(vim.env.VSYNTH_WORK .. '/nvim-daemon.log'), '\n'))
  -- warnings (scores under the threshold) and errors, and only those, are in the location list
  local low, listed = {}, {}
  for _, s in ipairs(vsynth.scores(b)) do
    if s.severity <= 2 then table.insert(low, s.lnum) end
  end
  for _, item in ipairs(fn.getloclist(0)) do table.insert(listed, item.lnum) end
  fn.assert_equal(low, listed)
end

tests.Test_2_synthesize = function()
  local b = open('sentiment.prompt')
  wait(function() return scored_all(b) end)
  local before = lines(b, 0, -1)
  local demos0 = demos(b)
  local outside0 = outside(b)
  vsynth.last_apply = nil
  vim.cmd('VsynthSynthesize 2')
  fn.assert_true(wait(function() return vsynth.last_apply ~= nil end), 'an edit arrived')
  fn.assert_equal(true, vsynth.last_apply and vsynth.last_apply.applied, vim.inspect(vsynth.last_apply))
  local demos1, ok1 = demos(b)
  fn.assert_equal(#demos0 + 2, #demos1, 'two demonstrations added')
  fn.assert_true(ok1, 'well-formed demonstrations')
  fn.assert_equal(demos0, vim.list_slice(demos1, 1, #demos0), 'hand-written demonstrations kept')
  fn.assert_equal(outside0, outside(b), 'text outside the region unchanged')
  vim.cmd('silent undo')
  fn.assert_equal(before, lines(b, 0, -1), 'one undo removes the insertion')
end

tests.Test_3_type_during_synthesis = function()
  local b = open('sentiment.prompt')
  wait(function() return scored_all(b) end)
  vsynth.last_apply = nil
  vim.cmd('VsynthSynthesize 2')
  fn.assert_true(wait(function() return synthesizing(b) end, 30000), 'the synthesis is running')
  local r = vsynth.region(b)
  local line = lines(b, r[2] - 1, r[2])[1]
  local typed = line .. ' (typed while synthesizing)'
  local count0 = #demos(b)
  vim.api.nvim_buf_set_lines(b, r[2] - 1, r[2], false, { typed })
  -- the job ends (idle) whether its edit was re-planned, refused or dropped
  fn.assert_true(wait(function() return idle(b) end), 'the synthesis ended')
  vim.wait(500)
  fn.assert_true(fn.index(lines(b, 0, -1), typed) >= 0, 'typed text survives')
  local list, ok = demos(b)
  fn.assert_true(ok, 'region still well formed')
  local n = 0
  for _, d in ipairs(list) do
    if d.model:find('typed while synthesizing', 1, true) then n = n + 1 end
  end
  fn.assert_equal(1, n, 'typed demonstration intact')
  -- the daemon re-plans around the typing (the region still parses), so the insertion lands
  fn.assert_equal(count0 + 2, #list, 'the re-planned insertion landed')
  -- one undo removes the insertion and only it
  vim.cmd('silent undo')
  fn.assert_true(fn.index(lines(b, 0, -1), typed) >= 0, 'typed text survives one undo')
  fn.assert_equal(count0, #demos(b), 'one undo removes the insertion')
end

tests.Test_4_cancel = function()
  local b = open('sentiment.prompt')
  wait(function() return scored_all(b) end)
  local before = lines(b, 0, -1)
  vsynth.last_apply = nil
  vim.cmd('VsynthSynthesize 2')
  fn.assert_true(wait(function() return synthesizing(b) end, 30000), 'the synthesis is running')
  notified = {}
  vim.cmd('VsynthCancel')
  wait(function() return idle(b) end, 30000)
  fn.assert_true(wait(function() return vim.tbl_contains(notified, 'vsynth: synthesis cancelled') end, 5000),
    'cancel confirms: ' .. vim.inspect(notified))
  vim.wait(3000)
  fn.assert_equal(before, lines(b, 0, -1), 'nothing inserted')
  fn.assert_true(vsynth.last_apply == nil or not vsynth.last_apply.applied, 'no edit applied')
  local resp = vsynth.request_sync(vsynth.client(b), 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(b) },
    position = { line = vsynth.region(b)[1] + 1, character = 2 },
  }, 10000, b)
  fn.assert_true(resp ~= nil, 'the daemon still answers')
  fn.assert_true(resp ~= nil and resp.err == nil, 'hover works: ' .. vim.inspect(resp))
end

tests.Test_5_refresh_on_save = function()
  local b = open('onsave.prompt')
  wait(function() return scored_all(b) end)
  fn.assert_equal(1, #demos(b))
  local outside0 = outside(b)
  vim.cmd('silent write')
  fn.assert_true(wait(function() return #demos(b) >= 3 end), 'topped up to count 3')
  local list, ok = demos(b)
  fn.assert_equal(3, #list)
  fn.assert_true(ok, 'well formed')
  fn.assert_equal(outside0, outside(b), 'text outside the region unchanged')
  fn.assert_equal(false, vim.bo[b].modified, 'the buffer is unmodified after the refresh')
  fn.assert_equal(lines(b, 0, -1), fn.readfile(vim.api.nvim_buf_get_name(b)), 'the file on disk holds the demonstrations')
end

-- K (not mapped by the user) shows the hover (a floating window; Neovim renders its Markdown)
tests.Test_7_hover = function()
  local b = open('sentiment.prompt')
  wait(function() return scored_all(b) end)
  fn.assert_equal(1, fn.maparg('K', 'n', false, true).buffer, 'K is mapped for the buffer')
  local r = vsynth.region(b)
  vim.api.nvim_win_set_cursor(0, { r[1] + 2, 0 })
  vim.cmd('normal K')
  local function float_text()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        return table.concat(lines(vim.api.nvim_win_get_buf(w), 0, -1), '\n')
      end
    end
  end
  fn.assert_true(wait(function() return float_text() ~= nil end, 10000), 'a hover window opened')
  fn.assert_match('V-Score', float_text() or '')
end

-- every command docs/editors.md lists for Neovim (the Vim / Neovim column) exists
tests.Test_8_documented_commands = function()
  local doc = table.concat(fn.readfile(fn.fnamemodify(vim.env.VSYNTH_CLIENTS, ':h') .. '/docs/editors.md'), '\n')
  local names = {}
  for name in doc:gmatch(':(Vsynth%a+)') do names[name] = true end
  fn.assert_true(vim.tbl_count(names) >= 8, 'the docs list the commands: ' .. vim.inspect(names))
  for name in pairs(names) do
    fn.assert_equal(2, fn.exists(':' .. name), ':' .. name .. ' exists')
  end
end

-- feedback: a broken demonstration is an error while the others keep their scores, and the status
-- line counts scores (the daemon's counts), not diagnostics; :VsynthRefresh on a file at its count
-- rescores (the daemon's vsynth.refresh); an empty region shows how to fill it
tests.Test_10_feedback = function()
  local b = open('broken.prompt')
  fn.assert_true(wait(function() return vsynth.counts(b).scored == 2 and idle(b) end), 'two scored')
  fn.assert_equal('VSynth 2 of 2 scored, 1 error', vsynth.statusline())
  notified = {}
  vim.cmd('VsynthRefresh')
  local want = 'vsynth: the file already holds 2 of 2 demonstrations; rescoring'
  fn.assert_true(wait(function() return vim.tbl_contains(notified, want) end, 30000), 'refresh confirms: ' .. vim.inspect(notified))
  local e = open('empty.prompt')
  local function hint()
    for _, sc in ipairs(vsynth.scores(e)) do
      if sc.code == 'empty-region' then return sc end
    end
  end
  fn.assert_true(wait(function() return hint() ~= nil and idle(e) end), 'the hint arrived')
  fn.assert_equal(vsynth.region(e)[1] + 1, (hint() or {}).lnum, 'on the opening marker')
  local marks = vim.api.nvim_buf_get_extmarks(e, vim.api.nvim_create_namespace('vsynth'), 0, -1, { details = true })
  fn.assert_equal(1, #marks, 'one mark')
  local virt = marks[1] and marks[1][4].virt_text[1] or {}
  fn.assert_equal({ '  no demonstrations yet: :VsynthTopUp', 'DiagnosticHint' }, virt)
  fn.assert_equal('VSynth no demonstrations yet: :VsynthTopUp', vsynth.statusline())
end

-- the executable missing, or failing to start: one clear message with the fix
tests.Test_9_missing_executable = function()
  vsynth.stop()
  wait(function() return vsynth.client() == nil end, 5000)
  vsynth.config.executable = vim.env.VSYNTH_WORK .. '/no-such-dir/vsynth'
  notified = {}
  for _, name in ipairs({ 'sentiment.prompt', 'onsave.prompt' }) do
    local path = vim.env.VSYNTH_WORK .. '/nvim-missing-' .. name
    fn.writefile(fn.readfile(vim.env.VSYNTH_FIXTURES .. '/' .. name, 'b'), path, 'b')
    vim.cmd('edit! ' .. fn.fnameescape(path))
  end
  vim.wait(300)
  fn.assert_equal(1, #notified, 'said once: ' .. vim.inspect(notified))
  fn.assert_match("vsynth: executable '.*no-such-dir/vsynth' not found; run `make install`", notified[1] or '')
  notified = {}
  vim.cmd('VsynthSynthesize 2')
  fn.assert_match('not found', notified[1] or '', 'a command repeats why')
  local failing = vim.env.VSYNTH_WORK .. '/vsynth-failing'
  fn.writefile({ '#!/bin/sh', 'echo "cannot open the model" >&2', 'exit 3' }, failing)
  fn.setfperm(failing, 'rwx------')
  vsynth.config.executable = failing
  notified = {}
  vim.cmd('VsynthAttach')
  -- (Neovim itself also says "Client 1 quit with exit code 3")
  local function ours()
    for _, m in ipairs(notified) do
      if m:find('vsynth: the daemon', 1, true) then return m end
    end
  end
  fn.assert_true(wait(function() return ours() ~= nil end, 5000), 'the exit is reported: ' .. vim.inspect(notified))
  fn.assert_match('exited with status 3 before it was ready; its log: ', ours() or '')
  vsynth.config.executable = nil
end

local names = {}
if vim.env.VSYNTH_TESTS and vim.env.VSYNTH_TESTS ~= '' then
  names = vim.split(vim.env.VSYNTH_TESTS, ',')
else
  for name in pairs(tests) do table.insert(names, name) end
  table.sort(names)
end
local failed = 0
for _, name in ipairs(names) do
  vim.v.errors = {}
  local ok, err = pcall(tests[name])
  local errors = vim.v.errors
  if not ok then table.insert(errors, name .. ': exception ' .. tostring(err)) end
  if #errors == 0 then
    log('PASS nvim ' .. name)
  else
    failed = failed + 1
    log('FAIL nvim ' .. name)
    for _, e in ipairs(errors) do log('  ' .. e) end
  end
  vim.cmd('silent! %bwipeout!')
end
vsynth.stop()
log(failed > 0 and ('DONE nvim failed=' .. failed) or 'DONE nvim ok')
vim.cmd(failed > 0 and 'cquit!' or 'qall!')

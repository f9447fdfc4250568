"""`vsynth lsp` under pytest-lsp, with the client capability profiles it ships (VS Code, Neovim,
Emacs). pytest-lsp checks every message against the spec and the client's declared capabilities;
pytest.ini turns its warnings into failures.

Run with scripts/lsp-pytest.sh (builds vsynth, installs pytest-lsp if missing)."""

import asyncio
import os
import pathlib
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]
VSYNTH = os.environ.get("VSYNTH_BIN", str(ROOT / ".build" / "debug" / "vsynth"))

BROKEN = "---\ndescription: Classify reviews.\n---\n{{!-- vsynth:demos --}}\nstray text\n{{!-- /vsynth:demos --}}\n"
GOOD = """---
description: Classify the sentiment of the review as positive, negative or neutral.
vsynth:
  count: 3
---
{{!-- vsynth:demos --}}
{{role "user"}}
The kettle boils in a minute, love it.
{{role "model"}}
positive
{{!-- /vsynth:demos --}}
"""


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim", "emacs"],
    config=ClientServerConfig(server_command=[VSYNTH, "lsp", "--stdio", "--debounce", "50"]),
)
async def client(request, lsp_client: LanguageClient, tmp_path_factory):
    if not os.access(VSYNTH, os.X_OK):
        pytest.fail(f"{VSYNTH} is not built; run 'swift build' (or scripts/lsp-pytest.sh)")
    folder = tmp_path_factory.mktemp("workspace")

    # Profiles that declare inlay-hint refresh support (Neovim) get workspace/inlayHint/refresh
    # after scoring; the test client answers it as the editor would.
    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_hint_refresh(params):
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param),
        workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="workspace")],
    ))
    yield
    await lsp_client.shutdown_session()


async def test_parse_errors_are_published_as_errors(client: LanguageClient):
    uri = "file:///tmp/pytest-broken.prompt"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="prompt", version=1, text=BROKEN)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = client.diagnostics[uri]
    errors = [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors, diagnostics
    assert errors[0].range.start.line == 4


async def test_requests_answer_within_the_spec(client: LanguageClient):
    uri = "file:///tmp/pytest-good.prompt"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="prompt", version=1, text=GOOD)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=7, character=2)))
    assert hover is not None and "Demonstration 1" in hover.contents.value
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=20, character=0))))
    assert hints is not None
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=7, character=0), end=types.Position(line=7, character=0)),
        context=types.CodeActionContext(diagnostics=[])))
    # lsprotocol reads any action that carries a `command` member as a Command: both have a title.
    titles = [a.title for a in actions]
    assert any("top up to 3" in t for t in titles), titles
    lazy = types.CodeAction(title="VSynth: synthesize 1 demonstration", kind="source",
                            data={"command": "vsynth.synthesize", "arguments": [{"uri": uri, "n": 1}]})
    resolved = await client.code_action_resolve_async(lazy)
    assert resolved.command is not None and resolved.command.command == "vsynth.synthesize"
    answer = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="vsynth.cancel", arguments=[{"uri": uri}]))
    assert answer == {"cancelled": 0}


async def test_incremental_changes_are_applied(client: LanguageClient):
    uri = "file:///tmp/pytest-change.prompt"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="prompt", version=1, text=GOOD)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    # Delete the closing marker: the file no longer parses.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=10, character=0), end=types.Position(line=11, character=0)),
            text="")]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert any(d.severity == types.DiagnosticSeverity.Error for d in client.diagnostics[uri])


async def test_synthesis_arrives_as_a_workspace_edit_the_client_can_take(client: LanguageClient):
    """A synthesis (real embedded model) ends in workspace/applyEdit: versioned documentChanges when
    the profile supports them, plain changes otherwise; progress only where the profile allows it
    (pytest-lsp checks window/workDoneProgress/create against the capabilities)."""
    edits = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason="pytest client does not edit")

    uri = "file:///tmp/pytest-synthesis.prompt"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="prompt", version=1, text=GOOD)))
    answer = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="vsynth.synthesize", arguments=[{"uri": uri, "n": 1}]))
    assert answer["started"] is True
    message = await asyncio.wait_for(client.wait_for_notification(types.WINDOW_SHOW_MESSAGE), timeout=240)
    assert "refused" in message.message, message.message
    assert len(edits) == 1
    supports_changes = bool(client.capabilities.workspace and client.capabilities.workspace.workspace_edit
                            and client.capabilities.workspace.workspace_edit.document_changes)
    edit = edits[0].edit
    if supports_changes:
        assert edit.document_changes and edit.document_changes[0].text_document.version == 1
    else:
        assert edit.changes and uri in edit.changes

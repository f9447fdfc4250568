#!/usr/bin/env python3
"""DEVELOPMENT AID ONLY: a stand-in for `vsynth lsp` that speaks the same LSP contract with fake
scores and canned demonstrations, so the editor clients' plumbing can be exercised before the real
daemon exists. The editor tests proper run against the real daemon ($VSYNTH_BIN); the driver
refuses to count a run against this stub as a pass (see scripts/test-editors.sh --stub).

Usage as VSYNTH_BIN: a wrapper that runs `stub_server.py lsp`.
Behaviour: diagnostics + inlay hints per demonstration; commands answer at once and the edit
follows after STUB_DELAY seconds (default 1.5) as workspace/applyEdit, planned against the version
current when the command arrived (deliberately NOT re-checked, so clients must check it).
"""
import json, re, sys, threading, time

lock = threading.Lock()
docs = {}          # uri -> {"text": str, "version": int}
jobs = {}          # uri -> threading.Event (cancel flag)
caps = {"documentChanges": False, "status": False, "progress": False}
next_id = [1000]
DELAY = float(__import__("os").environ.get("STUB_DELAY", "1.5"))
OPEN_RE = re.compile(r"\{\{!--\s*vsynth:demos\s*--\}\}")
CLOSE_RE = re.compile(r"\{\{!--\s*/vsynth:demos\s*--\}\}")


def send(msg):
    msg["jsonrpc"] = "2.0"
    body = json.dumps(msg).encode()
    with lock:
        sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        sys.stdout.buffer.flush()


def read():
    headers = {}
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        k, v = line.split(b":", 1)
        headers[k.strip().lower()] = v.strip()
    return json.loads(sys.stdin.buffer.read(int(headers[b"content-length"])))


def region(text):
    lines = text.split("\n")
    o = c = None
    for i, l in enumerate(lines):
        if o is None and OPEN_RE.search(l):
            o = i
        elif o is not None and CLOSE_RE.search(l):
            c = i
            break
    return lines, o, c


def demos(text):
    lines, o, c = region(text)
    if o is None or c is None:
        return []
    return [i for i in range(o + 1, c) if lines[i].startswith('{{role "user"}}')]


def setting(text, key, default):
    m = re.search(r"^\s*%s:\s*(\S+)" % key, text, re.M)
    return m.group(1) if m else default


def status(uri, state, message="", pct=None):
    if caps["status"]:
        p = {"uri": uri, "state": state, "message": message}
        if pct is not None:
            p["percentage"] = pct
        send({"method": "vsynth/status", "params": p})


def publish(uri):
    d = docs.get(uri)
    if not d:
        return
    diags = []
    for k, line in enumerate(demos(d["text"])):
        score = 3.21 - k * 4.0
        diags.append({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 15}},
                      "severity": 3 if score >= 0 else 2, "source": "vsynth",
                      "message": "V-Score %.2f nats (%.2f/token)" % (score, score / 20)})
    send({"method": "textDocument/publishDiagnostics", "params": {"uri": uri, "version": d["version"], "diagnostics": diags}})


def hints(uri):
    d = docs.get(uri)
    out = []
    if d:
        lines = d["text"].split("\n")
        for k, line in enumerate(demos(d["text"])):
            out.append({"position": {"line": line, "character": len(lines[line])}, "label": "V %.2f" % (3.21 - k * 4.0), "paddingLeft": True})
    return out


def synth(uri, n, cancel):
    d = docs[uri]
    version, text = d["version"], d["text"]
    lines, o, c = region(text)
    status(uri, "synthesizing", "synthesizing %d" % n, 0)
    for step in range(10):
        if cancel.wait(DELAY / 10):
            status(uri, "idle", "cancelled")
            return
        status(uri, "synthesizing", "synthesizing %d" % n, step * 10)
    new = "".join('\n{{role "user"}}\nStub review number %d.\n{{role "model"}}\nneutral\n' % (k + 1) for k in range(n))
    # insert at the end of the last line before the closing marker
    pos = {"line": c - 1, "character": len(lines[c - 1])} if c - 1 > o else {"line": c, "character": 0}
    if c - 1 == o:
        new = new.lstrip("\n")
    edit = {"range": {"start": pos, "end": pos}, "newText": new}
    we = ({"documentChanges": [{"textDocument": {"uri": uri, "version": version}, "edits": [edit]}]}
          if caps["documentChanges"] else {"changes": {uri: [edit]}})
    next_id[0] += 1
    send({"id": next_id[0], "method": "workspace/applyEdit", "params": {"label": "VSynth: %d demonstrations" % n, "edit": we}})
    status(uri, "idle", "inserted %d" % n)
    jobs.pop(uri, None)


def start(uri, n):
    ev = threading.Event()
    jobs[uri] = ev
    threading.Thread(target=synth, args=(uri, n, ev), daemon=True).start()


def apply_change(d, ch):
    if "range" not in ch:
        d["text"] = ch["text"]
        return
    lines = d["text"].split("\n")
    def off(p):
        return sum(len(l) + 1 for l in lines[:p["line"]]) + p["character"]
    s, e = off(ch["range"]["start"]), off(ch["range"]["end"])
    d["text"] = d["text"][:s] + ch["text"] + d["text"][e:]


def main():
    while True:
        m = read()
        if m is None:
            return
        meth, p, mid = m.get("method"), m.get("params") or {}, m.get("id")
        if meth == "initialize":
            c = p.get("capabilities", {})
            caps["documentChanges"] = bool(c.get("workspace", {}).get("workspaceEdit", {}).get("documentChanges"))
            caps["status"] = bool((p.get("initializationOptions") or {}).get("statusNotifications"))
            send({"id": mid, "result": {"capabilities": {
                "textDocumentSync": {"openClose": True, "change": 2, "save": {"includeText": False}},
                "inlayHintProvider": True, "hoverProvider": True, "codeActionProvider": True,
                "executeCommandProvider": {"commands": ["vsynth.synthesize", "vsynth.topUp", "vsynth.replaceWeakest", "vsynth.rescore", "vsynth.cancel"]}},
                "serverInfo": {"name": "vsynth-stub"}}})
        elif meth == "textDocument/didOpen":
            td = p["textDocument"]
            docs[td["uri"]] = {"text": td["text"], "version": td["version"]}
            publish(td["uri"])
        elif meth == "textDocument/didChange":
            d = docs[p["textDocument"]["uri"]]
            for ch in p["contentChanges"]:
                apply_change(d, ch)
            d["version"] = p["textDocument"]["version"]
            publish(p["textDocument"]["uri"])
        elif meth == "textDocument/didSave":
            uri = p["textDocument"]["uri"]
            t = docs[uri]["text"]
            if setting(t, "refresh", "") == "on-save":
                need = int(setting(t, "count", "0")) - len(demos(t))
                if need > 0 and uri not in jobs:
                    start(uri, need)
        elif meth == "textDocument/didClose":
            docs.pop(p["textDocument"]["uri"], None)
        elif meth == "textDocument/inlayHint":
            send({"id": mid, "result": hints(p["textDocument"]["uri"])})
        elif meth == "workspace/executeCommand":
            a = (p.get("arguments") or [{}])[0]
            uri, cmd = a.get("uri"), p["command"]
            if cmd == "vsynth.cancel":
                ev = jobs.pop(uri, None)
                if ev:
                    ev.set()
            elif cmd == "vsynth.synthesize":
                start(uri, int(a.get("n", 1)))
            elif cmd == "vsynth.topUp":
                t = docs[uri]["text"]
                start(uri, max(1, int(setting(t, "count", "0")) - len(demos(t))))
            elif cmd == "vsynth.rescore":
                publish(uri)
            send({"id": mid, "result": None})
        elif meth == "textDocument/hover":
            send({"id": mid, "result": {"contents": {"kind": "plaintext", "value": "V-Score 3.21 nats"}}})
        elif meth == "shutdown":
            send({"id": mid, "result": None})
        elif meth == "exit":
            return
        elif mid is not None and meth is not None:
            send({"id": mid, "error": {"code": -32601, "message": "stub: no " + meth}})


if __name__ == "__main__":
    main()

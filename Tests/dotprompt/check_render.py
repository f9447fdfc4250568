"""Renders prompt files with dotpromptz (Google's Python Dotprompt runtime) and checks that the
runtime sends what VSynth scores, and reads VSynth's settings where docs/prompt-files.md says.

For each file given:
  - `vsynth parse FILE --json` parses it without errors;
  - dotpromptz renders it (every `{{name}}` of the body bound to a sentinel): the last message is
    the real user turn (holding the sentinel); the 2n messages before it are the n
    demonstrations, user then model, whose texts (laid out by VSynth's trimming rule) equal
    VSynth's, in order; the message before them, if any, is neither a user nor a model turn;
  - settings: a dotted key `vsynth.KEY` reaches dotpromptz's `ext` as ext["vsynth"][KEY]; a nested
    `vsynth:` map and a written-out `ext: vsynth:` stay in `raw` only; every one holds the value
    VSynth read (YAML 1.1's false for `off` included).
With --synthesize, each file is first copied to a temporary directory and given one more
demonstration by `vsynth synthesize --write`, and the copy is checked (holding one more).

Usage: python check_render.py VSYNTH [--synthesize] FILE...
Prints one line per check; exits 1 if any failed.
"""
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from dotpromptz import Dotprompt
from dotpromptz.typing import DataArgument

SENTINEL = "<<the real input>>"
failures = 0


def check(ok, what):
    global failures
    print(("ok     " if ok else "FAILED ") + what)
    if not ok:
        failures += 1


def vsynth_trim(text):
    """docs/prompt-files.md, "The text of a turn": leading whitespace up to and including its last
    line break (or all of it, without one), and all trailing whitespace, are layout."""
    lead = re.match(r"[ \t\r\n]*", text).group(0)
    cut = max(lead.rfind("\n"), lead.rfind("\r")) + 1 if ("\n" in lead or "\r" in lead) else len(lead)
    return text[cut:].rstrip(" \t\r\n")


def vsynth_parse(vsynth, path):
    run = subprocess.run([vsynth, "parse", path, "--json"], capture_output=True, text=True)
    return run.returncode, json.loads(run.stdout)["files"][0] if run.stdout.strip() else None


def same(vsynth_value, runtime_value):
    if vsynth_value == "off" and runtime_value is False:
        return True  # PyYAML is YAML 1.1: `off` is false (VSynth accepts both)
    if isinstance(vsynth_value, str) and isinstance(runtime_value, str):
        return vsynth_value.strip() == runtime_value.strip()
    return vsynth_value == runtime_value


def check_settings(name, parsed, vsynth_settings):
    raw, ext = parsed.raw or {}, parsed.ext or {}
    ext_vsynth = ext.get("vsynth", {})
    problems, dotted, raw_only = [], 0, 0
    for key, value in raw.items():
        if key.startswith("vsynth."):
            setting = key[len("vsynth."):]
            dotted += 1
            if setting not in ext_vsynth:
                problems.append(f"dotted '{key}' is not in ext['vsynth']")
            elif not same(vsynth_settings.get(setting), ext_vsynth[setting]):
                problems.append(f"ext['vsynth']['{setting}'] = {ext_vsynth[setting]!r}, VSynth read {vsynth_settings.get(setting)!r}")
    for where, holder in (("vsynth:", raw.get("vsynth")), ("ext: vsynth:", (raw.get("ext") or {}).get("vsynth"))):
        if not isinstance(holder, dict):
            continue
        for setting, value in holder.items():
            raw_only += 1
            if setting in ext_vsynth:
                problems.append(f"'{where} {setting}' reached ext, which the docs say it does not")
            if not same(vsynth_settings.get(setting), value):
                problems.append(f"'{where} {setting}' = {value!r}, VSynth read {vsynth_settings.get(setting)!r}")
    check(not problems and (dotted + raw_only > 0 or not vsynth_settings),
          f"{name}: settings where the docs say ({dotted} dotted in ext, {raw_only} nested in raw only), with VSynth's values")
    for problem in problems:
        print("        " + problem)


async def check_file(vsynth, path, name, expect_count=None):
    code, report = vsynth_parse(vsynth, path)
    check(code == 0 and report is not None and report["ok"], f"{name}: vsynth parse --json has no errors")
    if report is None:
        return 0
    demonstrations = [(d["input"]["text"], d["output"]["text"]) for d in report["demonstrations"]]
    if expect_count is not None:
        check(len(demonstrations) == expect_count, f"{name}: holds {expect_count} demonstrations after the synthesis")
    source = open(path, encoding="utf-8").read()
    prompt = Dotprompt()
    parsed = prompt.parse(source)
    names = set(re.findall(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}", parsed.template))
    rendered = await prompt.render(source, DataArgument(input={n: SENTINEL for n in names}))
    messages = [(m.role.value, "".join(p.text or "" for p in m.content)) for m in rendered.messages]
    check(bool(messages) and messages[-1][0] == "user" and SENTINEL in messages[-1][1],
          f"{name}: the last rendered message is the real user turn")
    n = len(demonstrations)
    turns = messages[-1 - 2 * n:-1] if n else []
    expected = [turn for x, y in demonstrations for turn in (("user", x), ("model", y))]
    got = [(role, vsynth_trim(text)) for role, text in turns]
    check(len(messages) >= 2 * n + 1 and got == expected,
          f"{name}: the {n} demonstrations render as VSynth reads them, in order, before the real user turn")
    if got != expected:
        print(f"        VSynth:     {expected}\n        dotpromptz: {got}")
    if n >= 2:
        check(list(reversed(expected)) != got, f"{name}: the comparison can fail (the demonstrations reversed do not match)")
    before = messages[:-1 - 2 * n]
    check(not before or before[-1][0] not in ("user", "model"), f"{name}: no other user/model turn right before them")
    check_settings(name, parsed, report["settings"])
    return n


async def main():
    vsynth, args = sys.argv[1], sys.argv[2:]
    synthesize = "--synthesize" in args
    files = [a for a in args if a != "--synthesize"]
    work = tempfile.mkdtemp(prefix="vsynth-dotprompt-")
    try:
        for path in files:
            name = os.path.basename(path)
            count = await check_file(vsynth, path, name)
            if not synthesize:
                continue
            copy = os.path.join(work, name)
            shutil.copyfile(path, copy)
            run = subprocess.run([vsynth, "synthesize", copy, "-n", "1", "--scale", "1", "--seed", "1", "--write"],
                                 capture_output=True, text=True)
            check(run.returncode == 0, f"{name}: vsynth synthesize -n 1 --write on a copy")
            if run.returncode != 0:
                print("        " + run.stderr.strip().replace("\n", "\n        "))
                continue
            await check_file(vsynth, copy, name + " (synthesized)", expect_count=count + 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"dotprompt-compat: {failures} failed" if failures else "dotprompt-compat: all passed")
    sys.exit(1 if failures else 0)


asyncio.run(main())

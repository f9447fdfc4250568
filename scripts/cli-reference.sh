#!/usr/bin/env bash
# Regenerates the CLI reference in README.md (between the cli-reference markers) from the built
# binary's --help texts: the overview, then every command listed there. CLITests checks that the
# README matches, so run this after adding or changing a command.
# Usage: scripts/cli-reference.sh [PATH-TO-VSYNTH]   (default: builds and uses the debug binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${1:-}
if [[ -z $bin ]]; then
  swift build --product vsynth >&2
  bin="$(swift build --show-bin-path)/vsynth"
fi
python3 - "$bin" README.md <<'PY'
import re, subprocess, sys
binary, readme = sys.argv[1], sys.argv[2]

def run(*args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout.rstrip("\n")

overview = run("--help")
table = overview.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
paths = [m.group(1) for m in re.finditer(r"^  (\S+(?: \S+)*?)  +\S", table, re.M)]
parts = ["```text\n$ vsynth --help\n" + overview + "\n```\n"]
for path in paths:
    parts.append(f"#### `vsynth {path}`\n\n```text\n" + run("help", *path.split()) + "\n```\n")
section = "\n".join(parts)
begin, end = "<!-- cli-reference:begin -->\n", "<!-- cli-reference:end -->"
text = open(readme, encoding="utf-8").read()
if begin not in text or end not in text:
    sys.exit(f"cli-reference.sh: {readme} lacks the markers {begin.strip()} and {end}")
head, rest = text.split(begin, 1)
tail = rest.split(end, 1)[1]
open(readme, "w", encoding="utf-8").write(head + begin + section + end + tail)
print(f"cli-reference.sh: {readme}: {len(paths)} commands", file=sys.stderr)
PY

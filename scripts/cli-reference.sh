#!/usr/bin/env bash
# Regenerates the CLI reference in README.md (between the cli-reference markers) from the built
# binary: `vsynth help --markdown` (the overview, then every command's --help). CLITests checks
# that the README matches, so run this after adding or changing a command.
# Usage: scripts/cli-reference.sh [PATH-TO-VSYNTH]   (default: builds and uses the debug binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${1:-}
if [[ -z $bin ]]; then
  swift build --product vsynth >&2
  bin="$(swift build --show-bin-path)/vsynth"
fi
python3 - "$bin" README.md <<'PY'
import subprocess, sys
binary, readme = sys.argv[1], sys.argv[2]
section = subprocess.run([binary, "help", "--markdown"], check=True, capture_output=True, text=True).stdout
begin, end = "<!-- cli-reference:begin -->\n", "<!-- cli-reference:end -->"
text = open(readme, encoding="utf-8").read()
if begin not in text or end not in text:
    sys.exit(f"cli-reference.sh: {readme} lacks the markers {begin.strip()} and {end}")
head, rest = text.split(begin, 1)
tail = rest.split(end, 1)[1]
open(readme, "w", encoding="utf-8").write(head + begin + section + end + tail)
print(f"cli-reference.sh: {readme}: {section.count('#### ')} commands", file=sys.stderr)
PY

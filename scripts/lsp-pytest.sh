#!/bin/sh
# Runs the pytest-lsp suite (Tests/lsp-pytest) against the built `vsynth lsp`, with the client
# capability profiles pytest-lsp ships. Installs pytest-lsp from PyPI if it is missing.
set -eu
cd "$(dirname "$0")/.."
swift build --product vsynth
python3 -c 'import pytest_lsp' 2>/dev/null || python3 -m pip install --quiet 'pytest-lsp>=1.0'
VSYNTH_BIN="$(swift build --show-bin-path)/vsynth" exec python3 -m pytest -q -c Tests/lsp-pytest/pytest.ini Tests/lsp-pytest "$@"

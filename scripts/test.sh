#!/usr/bin/env bash
# THE test command (README, .ci/run): sets up what the tests need, builds, fetches the embedded
# default model, runs every test, validates the schemas. Idempotent and safe to re-run: each set-up
# step does nothing when its result is already there. Extra arguments go to `swift test`
# (e.g. `scripts/test.sh --filter CLITests`).
#
# Needs: a Swift 6 toolchain and python3 (pip is installed with apt-get when missing and possible).
# Environment: VSYNTH_MODELS (models directory, default ~/.cache/vsynth/models), VSYNTH_MODEL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
started=$SECONDS

step "tools"
require_tools

step "python packages for the schema checks (jsonschema)"
pip_install_if_missing jsonschema jsonschema
python3 -c 'import importlib.metadata as m; print("jsonschema", m.version("jsonschema"))' >&2

# One build of everything, tests included (the vsynth executable too), so `swift test` need not
# rebuild the modules with testing enabled.
step "swift build --build-tests"
swift build --build-tests
bin=$(swift build --show-bin-path)

step "model (vsynth model fetch: verifies a present copy, downloads a missing one)"
"$bin/vsynth" model fetch

failed=()
log=$(mktemp -t vsynth-swift-test.XXXXXX)
trap 'rm -f "$log"' EXIT

step "swift test --skip-build $*"
if ! swift test --skip-build "$@" 2>&1 | tee "$log"; then failed+=("swift test"); fi

if [[ -f scripts/validate-schemas.sh ]]; then
  step "schemas (scripts/validate-schemas.sh)"
  if ! VSYNTH_BIN="$bin/vsynth" bash scripts/validate-schemas.sh; then failed+=("scripts/validate-schemas.sh"); fi
fi

step "summary"
# The closing lines of both test libraries, so the result is visible at the end of a long log.
{ grep -E "Executed [0-9]+ tests?, with" "$log" | tail -1; grep -E "Test run with [0-9]+ tests?" "$log" | tail -1; } >&2 || true
elapsed=$((SECONDS - started))
if ((${#failed[@]})); then
  printf 'test.sh: FAILED: %s (%d s)\n' "${failed[*]}" "$elapsed" >&2
  exit 1
fi
printf 'test.sh: all passed (%d s)\n' "$elapsed" >&2

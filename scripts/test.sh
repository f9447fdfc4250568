#!/usr/bin/env bash
# THE test command (README, .ci/run): sets up what the tests need, builds, fetches the embedded
# default model, runs every test (swift test, then the suites that are scripts of their own).
# Idempotent and safe to re-run: each set-up step does nothing when its result is already there.
# Extra arguments go to `swift test` and make a filtered run, which skips the script suites
# (e.g. `scripts/test.sh --filter CLITests`).
#
# Needs: a Swift 6 toolchain and python3 (pip is installed with apt-get when missing and possible).
# Environment: VSYNTH_MODELS (models directory, default ~/.cache/vsynth/models), VSYNTH_MODEL,
# VSYNTH_TEST_SERVER_PORT (first of the two llama-cpp-python server ports, default 8765).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/lib.sh
started=$SECONDS

step "tools"
require_tools

step "python packages for the schema checks (jsonschema, pyyaml)"
pip_install_if_missing jsonschema jsonschema
pip_install_if_missing yaml pyyaml
pip_install_if_missing gguf gguf==0.19.0   # scripts/make-synthetic-models.py
python3 -c 'import importlib.metadata as m; print("jsonschema", m.version("jsonschema"), "pyyaml", m.version("pyyaml"))' >&2

# One build of everything, tests included (the vsynth executable too), so `swift test` need not
# rebuild the modules with testing enabled.
step "swift build --build-tests"
swift build --build-tests
bin=$(swift build --show-bin-path)

step "model (vsynth model fetch: verifies a present copy, downloads a missing one)"
"$bin/vsynth" model fetch
model=$("$bin/vsynth" model path)

failed=()
ran_suites=()
log=$(mktemp -t vsynth-swift-test.XXXXXX)
servers=()
cleanup() {
  rm -f "$log"
  local port
  for port in "${servers[@]}"; do bash scripts/llama-server.sh stop "$port" || true; done
}
trap cleanup EXIT

# The remote-backend tests talk to real llama-cpp-python servers (OpenAI-compatible) on the same
# model: one without and one with an API key. Their URLs reach the tests through the environment.
if [[ -f scripts/llama-server.sh ]]; then
  step "llama-cpp-python servers for the backend tests (scripts/llama-server.sh)"
  command -v curl >/dev/null || apt_install curl || fail "no curl (needed by scripts/llama-server.sh)"
  # Compiles llama.cpp the first time (several minutes on 2 cores), so it needs a C++ compiler.
  if ! python3 -c 'import llama_cpp.server.app' 2>/dev/null; then
    command -v c++ >/dev/null || apt_install g++ || fail "no C++ compiler to build llama-cpp-python"
    # (Not from pip's wheel cache: a wheel built with other CMAKE_ARGS would be taken as it is.)
    CMAKE_ARGS=$(llama_cpp_cmake_args) PIP_NO_CACHE_DIR=1 \
      pip_install_if_missing llama_cpp.server.app 'llama-cpp-python[server]==0.3.36'
  fi
  # A build made for another CPU (a reused environment, or a host that traps what it lists) is
  # rebuilt once with the x86 features named one by one; it must then run, or the run stops here.
  if ! llama_cpp_smoke_test "$model"; then
    portable=$(llama_cpp_cmake_args --portable)
    step "rebuilding llama-cpp-python without -march=native ($portable)"
    CMAKE_ARGS=$portable PIP_NO_CACHE_DIR=1 \
      pip_install --force-reinstall --no-deps 'llama-cpp-python==0.3.36' || fail "cannot rebuild llama-cpp-python"
    llama_cpp_smoke_test "$model" || fail "llama-cpp-python does not run on this CPU even when built without -march=native"
  fi
  port=${VSYNTH_TEST_SERVER_PORT:-8765}
  # A fixed key (the servers listen on 127.0.0.1 only), so a server left running still matches.
  key=vsynth-test-key
  start_server() {  # VARIABLE PORT [--api-key KEY]: sets VARIABLE to the server's URL
    local variable=$1 address
    shift
    address=$(bash scripts/llama-server.sh start "$@") || return 1
    servers+=("$1")  # here, not in a subshell, so that cleanup stops it
    [[ -n $address ]] || address=$(bash scripts/llama-server.sh url "$1")  # "already running" prints none
    printf -v "$variable" '%s' "$address"
  }
  url='' key_url=''
  if start_server url "$port" && start_server key_url $((port + 1)) --api-key "$key"; then
    export VSYNTH_TEST_OPENAI_URL=$url VSYNTH_TEST_OPENAI_KEY_URL=$key_url VSYNTH_TEST_OPENAI_KEY=$key
    echo "servers: $url, $key_url (with an API key)" >&2
  else
    failed+=("scripts/llama-server.sh start")
  fi
fi

# The default model requantized by llama.cpp's own quantizer to the other weight types the engine runs
# (K-quants, Q5_0, Q5_1), cached: the engine-vs-llama.cpp suite compares on them. Seconds the first time.
if python3 -c 'import llama_cpp' 2>/dev/null; then
  step "requantized test models (scripts/make-test-models.py)"
  export VSYNTH_TEST_MODELS=${VSYNTH_TEST_MODELS:-$HOME/.cache/vsynth/test-models}
  python3 scripts/make-test-models.py "$model" "$VSYNTH_TEST_MODELS" 2>/dev/null \
    || failed+=("scripts/make-test-models.py")
fi

# The real Gemma 3 270M from the catalog (SentencePiece tokenizer, gemma3 architecture), cached and
# verified like the default model. A 250 MB download the first time.
step "Gemma 3 270M (vsynth model fetch gemma3-270m)"
"$bin/vsynth" model fetch gemma3-270m >/dev/null || failed+=("vsynth model fetch gemma3-270m")

# The other architectures (issue 13): tiny random llama-3-style, qwen2 and qwen3 files written with the
# PyPI gguf package, cached. Seconds the first time.
if python3 -c 'import llama_cpp, gguf' 2>/dev/null; then
  step "architecture test models (scripts/make-synthetic-models.py)"
  export VSYNTH_TEST_MODELS=${VSYNTH_TEST_MODELS:-$HOME/.cache/vsynth/test-models}
  python3 scripts/make-synthetic-models.py "$model" "$VSYNTH_TEST_MODELS" >/dev/null \
    || failed+=("scripts/make-synthetic-models.py")
fi

step "swift test --skip-build $*"
if ! swift test --skip-build "$@" 2>&1 | tee "$log"; then failed+=("swift test"); fi

# The suites that are scripts of their own, each run when present: the JSON Schema checks, the
# engine against llama.cpp tensor by tensor, the pytest-lsp suite against `vsynth lsp`, prompt
# files rendered by a real Dotprompt runtime (dotpromptz), the editor clients inside real Vim,
# Neovim and Emacs.
# A filtered run (arguments for swift test) skips them.
suites=(scripts/validate-schemas.sh scripts/engine-vs-llamacpp.sh scripts/lsp-pytest.sh scripts/dotprompt-compat.sh scripts/test-editors.sh)
for suite in "${suites[@]}"; do
  [[ -f $suite ]] || continue
  if (($#)); then echo "test.sh: filtered run, skipping $suite" >&2; continue; fi
  step "$suite"
  if ! VSYNTH="$bin/vsynth" bash "$suite"; then failed+=("$suite"); else ran_suites+=("$suite"); fi
done

step "summary"
# The closing lines of both test libraries, so the result is visible at the end of a long log.
# (XCTest's line only when it ran tests: every test here is Swift Testing, and XCTest's "Executed 0
# tests" would read as a run with no tests.)
{ grep -E "Executed [1-9][0-9]* tests?, with" "$log" | tail -1; grep -E "Test run with [0-9]+ tests?" "$log" | tail -1; } >&2 || true
# Which tests failed and where, repeated here: CI shows only the end of the log, and a failure
# that happens on its machine alone must be readable from there.
if grep -qE "✘ (Test|Suite) .*(recorded an issue|failed)" "$log"; then
  echo "failed tests (first 40 lines; the whole log is above):" >&2
  grep -E "✘ (Test|Suite) .*(recorded an issue|failed)" "$log" | grep -v "Test run with" | head -40 | cut -c1-400 >&2
fi
elapsed=$((SECONDS - started))
if ((${#failed[@]})); then
  printf 'test.sh: FAILED: %s (%d s)\n' "${failed[*]}" "$elapsed" >&2
  exit 1
fi
printf 'test.sh: all passed (%d s)\n' "$elapsed" >&2
# The plain closing line: Swift Testing's count plus one per script suite.
swift_tests=$(grep -oE "Test run with [0-9]+ tests?" "$log" | tail -1 | grep -oE "[0-9]+" || echo 0)
echo "test.sh: $((swift_tests + ${#ran_suites[@]})) passed, 0 failed"

# Shared by scripts/test.sh and scripts/run.sh: messages and the idempotent set-up of the tools
# VSynth needs (a Swift 6 toolchain; python3 with pip, for `vsynth model fetch`). Source it.

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# apt packages, installed only when asked for (a fresh Debian/Ubuntu machine); fails without apt-get.
apt_updated=
apt_install() {
  command -v apt-get >/dev/null || return 1
  if [[ -z $apt_updated ]]; then as_root apt-get update -qq >&2 || return 1; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Checks swift, and python3 with pip (installing python3/pip with apt-get only when missing).
require_tools() {
  command -v swift >/dev/null || fail "no swift on PATH: install a Swift 6 toolchain (https://swift.org/install)"
  if ! command -v python3 >/dev/null; then
    apt_install python3 python3-pip || fail "no python3 on PATH: install Python 3 with pip (needed to fetch the model)"
  fi
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip || python3 -m ensurepip --user >&2 \
      || fail "python3 has no pip: install it (apt-get install python3-pip) and re-run"
  fi
  swift --version 2>&1 | head -1 >&2
  python3 --version >&2
}

# The CMAKE_ARGS for building llama.cpp (llama-cpp-python) on this host. Empty (llama.cpp's own
# default, -march=native) unless the CPU lists AMX: then the build names the host's x86 features one
# by one and leaves AMX out. Why: on virtual machines that list AMX but trap its instructions (seen:
# Xeon Sapphire Rapids guests, SIGILL at `tilezero` in libggml-cpu.so on the first matrix product) a
# native build dies; and where AMX does work, llama.cpp multiplies Q4_1 and the K-quants through it in
# another order than its AVX-512 routines, whose numbers are the ones the engine matches bit for bit.
# `llama_cpp_cmake_args --portable` names the features on any x86 host (the rebuild after a failed
# smoke test, below).
llama_cpp_cmake_args() {
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  [[ $flags == *" amx_tile "* || ${1:-} == --portable ]] || return 0
  [[ $flags == *" avx2 "* || $flags == *" sse4_2 "* ]] || { echo "-DGGML_NATIVE=OFF"; return 0; }
  local args="-DGGML_NATIVE=OFF" pair
  for pair in sse4_2:SSE42 f16c:F16C fma:FMA bmi2:BMI2 avx:AVX avx2:AVX2 avx_vnni:AVX_VNNI \
              avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    [[ $flags == *" ${pair%%:*} "* ]] && args+=" -DGGML_${pair#*:}=ON"
  done
  [[ $flags == *" avx512f "* && $flags == *" avx512cd "* && $flags == *" avx512vl "* && $flags == *" avx512dq "* \
     && $flags == *" avx512bw "* ]] && args+=" -DGGML_AVX512=ON"
  echo "$args"
}

# Loads MODEL with the installed llama.cpp (llama-cpp-python) and evaluates a short prompt, in a child
# process: a build this CPU cannot run (instructions the host lacks, or that a virtual machine traps)
# dies here with a signal, rather than inside the test servers, where it shows up as dozens of
# connection errors. Fails (status 1) with the cause on stderr.
llama_cpp_smoke_test() {  # MODEL
  local status=0
  python3 - "$1" >/dev/null 2>&1 <<'PY' || status=$?
import sys, llama_cpp
model = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=64, n_threads=1, verbose=False)
model.eval(model.tokenize(b"The quick brown fox jumps over the lazy dog."))
PY
  ((status == 0)) && return 0
  if ((status > 128)); then
    echo "llama.cpp died with signal $((status - 128)) ($(kill -l $((status - 128)) 2>/dev/null || echo '?')) evaluating a prompt: the build does not run on this CPU" >&2
  else
    echo "llama.cpp could not evaluate a prompt with $1 (python exit status $status)" >&2
  fi
  return 1
}

# `pip install ARGS`: plain, then --user, then past PEP 668's externally-managed marker (Debian's
# system python).
pip_install() {
  python3 -m pip install -q "$@" >&2 || python3 -m pip install -q --user "$@" >&2 \
    || python3 -m pip install -q --break-system-packages "$@" >&2
}

# Installs a Python package when `import MODULE` fails.
pip_install_if_missing() {
  local module=$1 package=$2
  python3 -c "import $module" 2>/dev/null && return 0
  pip_install "$package" || fail "cannot install the Python package $package"
}

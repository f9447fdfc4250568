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
llama_cpp_cmake_args() {
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  [[ $flags == *" amx_tile "* ]] || return 0
  local args="-DGGML_NATIVE=OFF" pair
  for pair in sse4_2:SSE42 f16c:F16C fma:FMA bmi2:BMI2 avx:AVX avx2:AVX2 avx_vnni:AVX_VNNI \
              avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    [[ $flags == *" ${pair%%:*} "* ]] && args+=" -DGGML_${pair#*:}=ON"
  done
  [[ $flags == *" avx512f "* && $flags == *" avx512cd "* && $flags == *" avx512vl "* && $flags == *" avx512dq "* \
     && $flags == *" avx512bw "* ]] && args+=" -DGGML_AVX512=ON"
  echo "$args"
}

# Installs a Python package when `import MODULE` fails: plain, then --user, then past PEP 668's
# externally-managed marker (Debian's system python).
pip_install_if_missing() {
  local module=$1 package=$2
  python3 -c "import $module" 2>/dev/null && return 0
  python3 -m pip install -q "$package" >&2 || python3 -m pip install -q --user "$package" >&2 \
    || python3 -m pip install -q --break-system-packages "$package" >&2 \
    || fail "cannot install the Python package $package"
}

#!/usr/bin/env bash
# Starts and stops llama-cpp-python's OpenAI-compatible server for the Backends tests.
#
#   scripts/llama-server.sh start [PORT] [--api-key KEY]   # waits until /v1/models answers
#   scripts/llama-server.sh stop  [PORT]
#   scripts/llama-server.sh url   [PORT]                   # prints http://127.0.0.1:PORT
#   eval "$(scripts/llama-server.sh test-start [PORT])"    # the two servers BackendsTests use:
#                                                          # PORT plain, PORT+1 with a random API key;
#                                                          # prints the VSYNTH_TEST_OPENAI_* exports
#   scripts/llama-server.sh test-stop [PORT]               # stops both
#
# The server runs the embedded model's GGUF with logits_all on (prompt-token log-probabilities) and
# one thread. State (pid file, log) lives in ${VSYNTH_SERVER_DIR:-.build/llama-server}/PORT.{pid,log}.
# Needs: pip install 'llama-cpp-python[server]==0.3.36'.
set -euo pipefail

command=${1:-}
port=${2:-8765}
shift $(( $# >= 2 ? 2 : $# )) || true
state_dir=${VSYNTH_SERVER_DIR:-.build/llama-server}
pid_file="$state_dir/$port.pid"
log_file="$state_dir/$port.log"
model=${VSYNTH_MODEL:-${VSYNTH_MODELS:-$HOME/.cache/vsynth/models}/SmolLM2-135M-Instruct.Q4_1.gguf}
python=${PYTHON:-python3}

case "$command" in
start)
    api_key=()
    if [[ ${1:-} == --api-key ]]; then api_key=(--api_key "${2:?--api-key needs a value}"); fi
    if [[ ! -f $model ]]; then
        echo "llama-server.sh: model not found at $model (run 'vsynth model fetch')" >&2; exit 1
    fi
    if ! "$python" -c 'import llama_cpp.server.app' 2>/dev/null; then
        echo "llama-server.sh: llama-cpp-python's server is not installed (pip install 'llama-cpp-python[server]==0.3.36')" >&2
        exit 1
    fi
    mkdir -p "$state_dir"
    if [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "llama-server.sh: already running on port $port (pid $(cat "$pid_file"))" >&2; exit 0
    fi
    "$python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" \
        --logits_all true --n_threads 1 --n_threads_batch 1 --n_ctx 2048 "${api_key[@]}" \
        </dev/null >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    for _ in $(seq 1 240); do
        if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
            echo "llama-server.sh: server exited during start-up; log:" >&2; tail -20 "$log_file" >&2
            rm -f "$pid_file"; exit 1
        fi
        # Any HTTP answer (200, or 401 with an API key) means the server is up.
        if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/models" | grep -qE '^(200|401)$'; then
            echo "http://127.0.0.1:$port"; exit 0
        fi
        sleep 0.5
    done
    echo "llama-server.sh: server did not answer on port $port within 120 s; log: $log_file" >&2
    exit 1
    ;;
stop)
    if [[ -f $pid_file ]]; then
        pid=$(cat "$pid_file")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        fi
        rm -f "$pid_file"
    fi
    ;;
url)
    echo "http://127.0.0.1:$port"
    ;;
test-start)
    key="vsynth-test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    "$0" start "$port" >/dev/null
    "$0" start "$((port + 1))" --api-key "$key" >/dev/null
    echo "export VSYNTH_TEST_OPENAI_URL=http://127.0.0.1:$port"
    echo "export VSYNTH_TEST_OPENAI_KEY_URL=http://127.0.0.1:$((port + 1))"
    echo "export VSYNTH_TEST_OPENAI_KEY=$key"
    ;;
test-stop)
    "$0" stop "$port"
    "$0" stop "$((port + 1))"
    ;;
*)
    echo "usage: scripts/llama-server.sh start|stop|url|test-start|test-stop [PORT] [--api-key KEY]" >&2; exit 2
    ;;
esac

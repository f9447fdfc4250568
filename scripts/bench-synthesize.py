#!/usr/bin/env python3
"""Synthesis wall time at several parallelisms, in one run, and whether the results are identical.

    scripts/bench-synthesize.py [--vsynth .build/release/vsynth] [--parallel 1,8] [--jobs 1,2]
                                [--threads 2] [--runs 1] [FILE ...] [--batch DIR] [--lsp]

For each FILE, `vsynth synthesize FILE --json --parallel P` runs once per P (one after another, each
a fresh process with a fresh engine), and the table shows the wall time of each, its ratio to the
first P's, and whether every P gave the same demonstrations, generations, drops and label histogram
(the round plan promises they do; docs/method.md). With --batch DIR, `vsynth synthesize COPY
--jobs J` tops up a fresh copy of DIR for each J, and the table shows the wall times and whether
every copy ended with the same files. With --lsp, a `vsynth lsp` daemon (fresh for each) tops up
the FILEs through `vsynth.topUp`, once one file after the other and once all at once, and the
table shows the wall time of each until every top-up finished (its edit sent). Extra arguments after `--` go
to every vsynth call of the first two (e.g. `-- --backend SPEC`). Exit 1 when a result differs.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def run(command):
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"bench-synthesize: {' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return seconds, done.stdout, done.stderr


def same_result(payload):
    """What must not depend on the parallelism: everything but timings."""
    data = json.loads(payload)
    return {key: data.get(key) for key in ("demonstrations", "generations", "parseRate", "drops", "labels")}


def bench_files(args, extra):
    identical = True
    print(f"| file | " + " | ".join(f"--parallel {p}" for p in args.parallel) + " | ratio | identical |")
    print("|---|" + "---|" * (len(args.parallel) + 2))
    for path in args.files:
        times, results = [], []
        for parallel in args.parallel:
            best = None
            for _ in range(args.runs):
                seconds, out, _ = run([args.vsynth, "synthesize", path, "--json", "--threads", str(args.threads),
                                       "--parallel", str(parallel)] + extra)
                best = seconds if best is None else min(best, seconds)
                results.append(same_result(out))
            times.append(best)
        same = all(result == results[0] for result in results)
        identical &= same
        ratios = " / ".join(f"{times[0] / t:.2f}x" for t in times[1:]) or "-"
        print(f"| {os.path.basename(path)} | " + " | ".join(f"{t:.1f} s" for t in times)
              + f" | {ratios} | {'yes' if same else 'NO'} |")
    return identical


def snapshot(directory):
    contents = {}
    for root, _, names in os.walk(directory):
        for name in sorted(names):
            full = os.path.join(root, name)
            with open(full, "rb") as handle:
                contents[os.path.relpath(full, directory)] = handle.read()
    return contents


def bench_batch(args, extra):
    times, snapshots = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for jobs in args.jobs:
            copy = os.path.join(scratch, f"jobs-{jobs}")
            shutil.copytree(args.batch, copy)
            seconds, _, err = run([args.vsynth, "synthesize", copy, "--jobs", str(jobs), "--threads", str(args.threads)] + extra)
            times.append(seconds)
            snapshots.append(snapshot(copy))
            print(f"--jobs {jobs}: {err.strip().splitlines()[-1] if err.strip() else ''}", file=sys.stderr)
    same = all(s == snapshots[0] for s in snapshots)
    print(f"\n| {args.batch} | " + " | ".join(f"--jobs {j}" for j in args.jobs) + " | ratio | identical files |")
    print("|---|" + "---|" * (len(args.jobs) + 2))
    ratios = " / ".join(f"{times[0] / t:.2f}x" for t in times[1:]) or "-"
    print("| wall time | " + " | ".join(f"{t:.1f} s" for t in times) + f" | {ratios} | {'yes' if same else 'NO'} |")
    return same


class Daemon:
    """`vsynth lsp` over stdio: requests, and the server's own requests answered (progress created,
    edits refused, so the daemon waits for no confirmation)."""

    def __init__(self, vsynth, settings):
        self.process = subprocess.Popen([vsynth, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.edits = []
        self.tokens = {}
        self.finished = set()
        self.request("initialize", {"processId": None, "capabilities": {"window": {"workDoneProgress": True},
                                    "workspace": {"applyEdit": True}}, "initializationOptions": {"vsynth": settings}})
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("bench-synthesize: the daemon exited")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message = json.loads(self.process.stdout.read(length))
        if message.get("method") == "$/progress" and message["params"]["value"].get("kind") == "end":
            uri = self.tokens.get(message["params"]["token"])
            if uri:
                self.finished.add(uri)
                if uri not in self.edits:
                    print(f"bench-synthesize: {uri}: {message['params']['value'].get('message')}", file=sys.stderr)
        if "method" in message and "id" in message:
            result = None
            if message["method"] == "workspace/applyEdit":
                edit = message["params"]["edit"]
                uris = list(edit.get("changes", {})) + [c["textDocument"]["uri"] for c in edit.get("documentChanges", [])]
                self.edits += uris
                result = {"applied": False, "failureReason": "benchmark"}
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        return message

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    sys.exit(f"bench-synthesize: {method}: {message['error']}")
                return message["result"]

    def top_up(self, uri):
        answer = self.request("workspace/executeCommand", {"command": "vsynth.topUp", "arguments": [{"uri": uri}]})
        if not answer.get("started") or "token" not in answer:
            sys.exit(f"bench-synthesize: {uri}: {answer}")
        self.tokens[answer["token"]] = uri

    def wait_until_finished(self, uris):
        while not set(uris) <= self.finished:
            self.receive()

    def close(self):
        self.request("shutdown", None)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        self.process.wait(timeout=30)


def bench_lsp(args):
    uris = [f"file:///tmp/vsynth-bench/{index}-{os.path.basename(path)}" for index, path in enumerate(args.files)]
    times = {}
    for mode in ("one after the other", "all at once"):
        daemon = Daemon(args.vsynth, {"threads": args.threads, "parallel": args.parallel[-1], "scale": args.lsp_scale})
        for uri, path in zip(uris, args.files):
            with open(path) as handle:
                daemon.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                    "uri": uri, "languageId": "prompt", "version": 1, "text": handle.read()}}})
        started = time.monotonic()
        if mode == "all at once":
            for uri in uris:
                daemon.top_up(uri)
            daemon.wait_until_finished(uris)
        else:
            for uri in uris:
                daemon.top_up(uri)
                daemon.wait_until_finished([uri])
        times[mode] = time.monotonic() - started
        daemon.close()
    files = ", ".join(os.path.basename(path) for path in args.files)
    print(f"\n| daemon, top-up of {files} (parallel {args.parallel[-1]}, scale {args.lsp_scale}) "
          "| one after the other | all at once | ratio |")
    print("|---|---|---|---|")
    print(f"| wall time | {times['one after the other']:.1f} s | {times['all at once']:.1f} s "
          f"| {times['one after the other'] / times['all at once']:.2f}x |")


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="prompt files synthesized at each --parallel")
    parser.add_argument("--vsynth", default=".build/release/vsynth")
    parser.add_argument("--parallel", default="1,8", help="parallelisms, comma-separated (the first is the baseline)")
    parser.add_argument("--jobs", default="1,2", help="--jobs values of the batch run, comma-separated")
    parser.add_argument("--batch", help="a directory topped up (on copies) at each --jobs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1, help="runs per setting; the fastest counts")
    parser.add_argument("--lsp", action="store_true", help="also top the FILEs up through the daemon, in turn and at once")
    parser.add_argument("--lsp-scale", type=int, default=8, help="the daemon's scale setting (its default: 8)")
    args = parser.parse_args(argv)
    args.parallel = [int(p) for p in args.parallel.split(",")]
    args.jobs = [int(j) for j in args.jobs.split(",")]
    if not args.files and not args.batch:
        parser.error("give prompt files, --batch DIR, or both")
    identical = True
    if args.files:
        identical &= bench_files(args, extra)
    if args.batch:
        identical &= bench_batch(args, extra)
    if args.lsp and args.files:
        bench_lsp(args)
    sys.exit(0 if identical else 1)


if __name__ == "__main__":
    main()

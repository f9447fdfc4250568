#!/usr/bin/env python3
"""Synthesis wall time at several parallelisms, in one run, and whether the results are identical.

    scripts/bench-synthesize.py [--vsynth .build/release/vsynth] [--parallel 1,8] [--jobs 1,2]
                                [--threads 2] [--runs 1] [FILE ...] [--batch DIR]

For each FILE, `vsynth synthesize FILE --json --parallel P` runs once per P (one after another, each
a fresh process with a fresh engine), and the table shows the wall time of each, its ratio to the
first P's, and whether every P gave the same demonstrations, generations, drops and label histogram
(the round plan promises they do; docs/method.md). With --batch DIR, `vsynth synthesize COPY
--jobs J` tops up a fresh copy of DIR for each J, and the table shows the wall times and whether
every copy ended with the same files. Extra arguments after `--` go to every vsynth call (e.g.
`-- --backend SPEC`). Exit 1 when a result differs.
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
    sys.exit(0 if identical else 1)


if __name__ == "__main__":
    main()

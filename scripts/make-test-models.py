#!/usr/bin/env python3
"""Requantizes the default model with llama.cpp's own quantizer into one file per weight type the engine
runs, for the tests that compare the engine with llama.cpp on real weights (K-quants, Q5_0, Q5_1).

    make-test-models.py SOURCE.gguf OUT_DIR [--check]

Writes OUT_DIR/SmolLM2-135M-Instruct.<TYPE>.gguf for each type in TYPES, skipping a file already there
(the quantizer is deterministic, so a cached file is the file this script would write: --check
requantizes into a temporary directory and compares bytes). Prints each file's tensor types. Needs
llama-cpp-python (scripts/test.sh installs it). SmolLM2-135M's width 576 is not a multiple of 256, so
llama.cpp stores its 576-column matrices in a fallback type (Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0,
Q2_K/Q3_K → Q4_0); only the FFN down projections (1536 columns) get the K-quant itself. The Q2_K mix
keeps none of them in Q2_K (they become Q3_K), so Q2_K-pure quantizes every tensor it can to Q2_K
(the quantizer's `pure`): its FFN down projections are the Q2_K matrices the tests compare on.
"""
import collections, ctypes, filecmp, os, struct, sys, tempfile

TYPES = ["Q4_K_M", "Q6_K", "Q5_0", "Q5_1", "Q5_K_M", "Q3_K_M", "Q2_K", "Q2_K-pure"]
GGML_NAMES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 10: "Q2_K", 11: "Q3_K",
              12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 20: "IQ4_NL", 30: "BF16"}


def quantize(source, target, ftype):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    name, _, variant = ftype.partition("-")
    params.ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + name)
    params.pure = variant == "pure"
    params.allow_requantize = True
    params.nthread = 2
    partial = target + ".partial"
    if llama_cpp.llama_model_quantize(source.encode(), partial.encode(), ctypes.byref(params)) != 0:
        sys.exit(f"make-test-models.py: llama_model_quantize failed for {ftype}")
    os.replace(partial, target)


def tensor_types(path):
    """{type name: count} from the GGUF header (v3: counts are u64, strings u64-length-prefixed)."""
    with open(path, "rb") as f:
        data = f.read(4 << 20)
    magic, version, tensors, kvs = struct.unpack_from("<4sIQQ", data, 0)
    assert magic == b"GGUF", path
    at = 24
    def string():
        nonlocal at
        (n,) = struct.unpack_from("<Q", data, at); at += 8 + n
    sizes = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
    def value(kind):
        nonlocal at
        if kind == 8: string()
        elif kind == 9:
            inner, count = struct.unpack_from("<IQ", data, at); at += 12
            for _ in range(count): value(inner)
        else: at += sizes[kind]
    for _ in range(kvs):
        string()
        (kind,) = struct.unpack_from("<I", data, at); at += 4
        value(kind)
    counts = collections.Counter()
    for _ in range(tensors):
        string()
        (dims,) = struct.unpack_from("<I", data, at); at += 4 + 8 * dims
        (kind,) = struct.unpack_from("<I", data, at); at += 4 + 8
        counts[GGML_NAMES.get(kind, str(kind))] += 1
    return dict(counts)


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    check = "--check" in sys.argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.basename(source).rsplit(".", 2)[0]   # SmolLM2-135M-Instruct
    for ftype in TYPES:
        target = os.path.join(out_dir, f"{stem}.{ftype}.gguf")
        if not os.path.exists(target):
            quantize(source, target, ftype)
        if check:
            with tempfile.TemporaryDirectory() as scratch:
                again = os.path.join(scratch, "again.gguf")
                quantize(source, again, ftype)
                if not filecmp.cmp(target, again, shallow=False):
                    sys.exit(f"make-test-models.py: requantizing to {ftype} gave different bytes than {target}")
        print(f"{target}: {tensor_types(target)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Differential fuzzing of the YAML parser against PyYAML (YAML 1.2 core schema): mutates the
documents of scripts/make-yaml-fixture.py, keeps those PyYAML reads, and writes them in the
fixture layout. Run the Swift side with
    VSYNTH_YAML_REFERENCE=OUT.json swift test --filter YAMLReferenceTests
Every value VSynth reads must equal PyYAML's; VSynth may refuse (it is stricter about duplicate
keys and indentation), and prints each refusal.

Usage: python3 scripts/yaml-differential.py OUT.json [COUNT] [SEED]
"""
import json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
source = open(os.path.join(here, "make-yaml-fixture.py"), encoding="utf-8").read()
namespace = {}
exec(compile(source[:source.index("out = []")], "make-yaml-fixture.py", "exec"), namespace)
import yaml
Loader = namespace["Core12Loader"]
keep = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:null")
Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] in keep] for k, v in Loader.yaml_implicit_resolvers.items()}
tag, cases = namespace["tag"], namespace["CASES"]

out_path = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
pieces = list(" \n-:#'\"[]{},|>\\0.5e+~") + ["  ", "\n  ", "- ", ": ", "|-\n  ", ">+\n  ", "\\n", "\\x41", "\\u00e9",
                                               "null", "true", "0x1F", ".inf", "'it''s'", "[a, b]", "{k: v}", "\n\n"]

def string_keys(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) for k in value) and all(string_keys(v) for v in value.values())
    if isinstance(value, list):
        return all(string_keys(v) for v in value)
    return True

out, tries = [], 0
while len(out) < count and tries < 100 * count:
    tries += 1
    text = rng.choice(cases)
    for _ in range(rng.randint(1, 4)):
        i = rng.randint(0, len(text))
        op = rng.random()
        if op < 0.45:
            text = text[:i] + rng.choice(pieces) + text[i:]
        elif op < 0.7:
            text = text[:i] + text[i + rng.randint(1, 4):]
        elif op < 0.85:
            lines = text.split("\n")
            j = rng.randrange(len(lines))
            lines[j] = " " * rng.randint(0, 4) + lines[j].lstrip(" ")
            text = "\n".join(lines)
        else:
            other = rng.choice(cases)
            j = rng.randint(0, len(other))
            text = text[:i] + other[j:j + rng.randint(1, 30)] + text[i:]
    if "\t" in text or "\r" in text:
        continue
    try:
        value = yaml.load(text, Loader=Loader)
        if not string_keys(value):
            continue
        out.append({"yaml": text, "value": tag(value)})
    except Exception:
        continue
with open(out_path, "w", encoding="utf-8") as f:
    json.dump({"cases": out}, f, ensure_ascii=False)
print(f"{len(out)} documents PyYAML reads, from {tries} mutations")

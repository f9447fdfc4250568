#!/usr/bin/env python3
"""Writes Tests/PromptFileTests/Fixtures/yaml-reference.json: YAML documents of the prompt-file
subset with the values PyYAML reads from them (made to follow the YAML 1.2 core schema), the
reference the Swift parser is tested against. Values are tagged so types compare exactly:
{"int": 3}, {"float": "1.5"}, {"str": "x"}, {"bool": true}, {"null": null}, {"seq": [...]},
{"map": [[key, value], ...]} (keys as strings, in order).

Usage: python3 scripts/make-yaml-fixture.py    (needs pyyaml)
"""
import json, math, os, re
import yaml

class Core12Loader(yaml.SafeLoader):
    pass

Core12Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+.0123456789"))

def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0x"):
        return int(text[2:], 16)
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 10)

def construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)

Core12Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", construct_float)

def tag(value):
    if value is None:
        return {"null": None}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, list):
        return {"seq": [tag(v) for v in value]}
    if isinstance(value, dict):
        return {"map": [[str(k), tag(v)] for k, v in value.items()]}
    raise TypeError(type(value))

CASES = [
    "name: sentiment\ncount: 3\nratio: 0.25\nflag: true\nnothing: ~\nempty:\n",
    "ints: [0, -7, +12, 0x1f, 0o17, 017]\nfloats: [1.5, -2.0e-3, .5, 1., 1e3, .inf, -.Inf]\n",
    "words: [yes, no, on, off, y, n, 'true', \"null\"]\n",
    "a:\n  b:\n    c: deep\n  d: [1, {e: f}]\ng: last\n",
    "list:\n- one\n- two\nmap:\n  - k: v\n    k2: v2\n  - - nested\n    - seq\n",
    "lit: |\n  line one\n    indented\n\n  after blank\n\nnext: 1\n",
    "fold: >\n  one\n  two\n\n  three\n    more\n  four\nnext: 2\n",
    "strip: |-\n  text\n\nkeep: |+\n  text\n\n\nclip: >\n  x\n",
    "ind: |2\n    two extra\n  base\nind2: >-1\n  x\n",
    "dq: \"tab\\there \\\"quoted\\\" \\u00e9\\U0001F600 \\x41 \\\\ \\/ \\N\\_\\L\\P \\0\\a\\b\\e\\f\\v\\r\\n\"\n",
    "dq: \"folded\n  lines\n\n  para \\\n  joined\"\nsq: 'it''s\n  folded'\n",
    "flow: {a: 1, 'b c': [x, y], d: {e: null}}\nseq: [a b, 'c, d', \"e]\"]\n",
    "multi: [\n  one,\n  two, # comment\n  three\n]\n",
    "plain: this is\n  a folded\n\n  plain scalar\nurl: http://example.com/a#b\ncolon: a:b\n",
    "# comment\nkey: value # trailing\n# another\n\nother: 'x' # c\n",
    "\"quoted key\": 1\n'single key': 2\nvsynth.count: 3\n",
    "task: >-\n  Classify the sentiment of the review as positive,\n  negative or neutral.\nlabels: [positive, negative, neutral]\n",
    "unicode: 東京 😀 e\u0301\nemoji_key_😀: [ß, \"\\u2603\"]\n",
    "seq_same_indent:\n- a\n- b\nafter: c\n",
    "nested:\n  - name: x\n    tags: [a, b]\n    config:\n      temperature: 0.7\n",
    "block_in_seq:\n  - |\n    literal\n  - >-\n    folded\n    text\n",
    # Found by differential fuzzing against PyYAML:
    "clip: >\n  ",
    "dq: \"para \\\n\n  joined\"\nnext: \"a \\\n\n\n  b\"\n",
    "crlf: one\r\nlist:\r\n  - a\r\n  - \"b\r\n    c\"\r\nlit: |\r\n  x\r\n  y\r\n",
]

out = []
for text in CASES:
    out.append({"yaml": text, "value": tag(yaml.load(text, Loader=Core12Loader))})
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "PromptFileTests", "Fixtures", "yaml-reference.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump({"generator": "scripts/make-yaml-fixture.py (PyYAML %s, YAML 1.2 core schema)" % yaml.__version__, "cases": out},
              f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {len(out)} cases to {os.path.normpath(path)}")

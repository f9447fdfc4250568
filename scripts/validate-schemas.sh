#!/usr/bin/env bash
# Validates VSynth's JSON Schemas (Draft 2020-12, Python `jsonschema`) against real data:
#   - every schema in schemas/ is itself a valid 2020-12 schema;
#   - the `vsynth` settings in every examples/* frontmatter (read with PyYAML, an independent
#     YAML parser, using YAML 1.2 booleans) against schemas/settings.schema.json, and the same
#     settings as `vsynth parse` reports them (a cross-check of our YAML parser);
#   - `vsynth parse examples/* --json` against schemas/parse-output.schema.json, and the JSON it
#     prints for a broken file (exit code 1, diagnostics with positions);
#   - the data set (default ../shared/data/dev-consistency.json, relative to the repository)
#     against schemas/dataset.schema.json;
#   - that the schemas reject wrong values (so the checks above can fail).
# Usage: scripts/validate-schemas.sh [DATASET.json]      (env VSYNTH: the vsynth binary to run)
# Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

dataset_given=1
dataset=${1:-}
if [ -z "$dataset" ]; then
    dataset_given=0
    dataset="$root/../shared/data/dev-consistency.json"
fi

if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    echo "validate-schemas: installing the Python packages jsonschema and pyyaml" >&2
    python3 -m pip install --quiet jsonschema pyyaml >&2 \
        || { echo "validate-schemas: cannot install jsonschema/pyyaml (no pip or no network); install them and rerun" >&2; exit 1; }
fi

vsynth=${VSYNTH:-}
if [ -z "$vsynth" ]; then
    vsynth="$(swift build --show-bin-path)/vsynth"
    if [ ! -x "$vsynth" ]; then
        echo "validate-schemas: building vsynth" >&2
        swift build --product vsynth >&2 || { echo "validate-schemas: swift build failed" >&2; exit 1; }
    fi
fi

exec python3 - "$root" "$vsynth" "$dataset" "$dataset_given" <<'PYTHON'
import json, os, re, subprocess, sys, tempfile
import jsonschema, yaml

root, vsynth, dataset, dataset_given = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
passed = failed = skipped = 0

def ok(name):
    global passed
    passed += 1
    print(f"ok    {name}")

def fail(name, why):
    global failed
    failed += 1
    print(f"FAIL  {name}: {why}")

def schema(name):
    with open(os.path.join(root, "schemas", name), encoding="utf-8") as f:
        return json.load(f)

def validate(name, instance, schema_name):
    validator = jsonschema.Draft202012Validator(schema(schema_name), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        fail(name, f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
    else:
        ok(name)

# YAML 1.2 core booleans (PyYAML follows YAML 1.1, where `off` would be false).
class Core12Loader(yaml.SafeLoader):
    pass
Core12Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                   re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

def frontmatter(path):
    text = open(path, encoding="utf-8").read()
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", text, re.S | re.M)
    if not match:
        raise ValueError("no frontmatter")
    return yaml.load(match.group(1), Loader=Core12Loader) or {}

def vsynth_settings(front):
    settings = {}
    for source in (front.get("vsynth") or {}, ((front.get("ext") or {}).get("vsynth") or {}),
                   {k[len("vsynth."):]: v for k, v in front.items() if k.startswith("vsynth.")}):
        settings.update({k: v for k, v in source.items() if v is not None})
    return settings

# 1. The schemas themselves.
for name in sorted(os.listdir(os.path.join(root, "schemas"))):
    if name.endswith(".json"):
        try:
            jsonschema.Draft202012Validator.check_schema(schema(name))
            ok(f"schemas/{name} is a valid 2020-12 schema")
        except Exception as error:
            fail(f"schemas/{name}", str(error).splitlines()[0])

# 2. Example settings, read by PyYAML.
examples = sorted(os.path.join("examples", n) for n in os.listdir(os.path.join(root, "examples"))
                  if n.endswith(".prompt") or n.endswith(".prompt.md"))
if len(examples) < 4:
    fail("examples", f"expected at least 4 prompt files, found {len(examples)}")
expected = {}
for path in examples:
    try:
        settings = vsynth_settings(frontmatter(os.path.join(root, path)))
    except Exception as error:
        fail(f"{path} frontmatter", str(error))
        continue
    expected[path] = settings
    validate(f"{path} vsynth settings", settings, "settings.schema.json")

# 3. vsynth parse --json on the examples.
run = subprocess.run([vsynth, "parse", *examples, "--json"], cwd=root, capture_output=True, text=True)
if run.returncode != 0:
    fail("vsynth parse examples/* --json", f"exit code {run.returncode}: {run.stderr.strip()}")
try:
    output = json.loads(run.stdout)
    validate("vsynth parse examples/* --json output", output, "parse-output.schema.json")
    for report in output.get("files", []):
        path = report["path"]
        mine = {k: v for k, v in (report.get("settings") or {}).items()}
        theirs = dict(expected.get(path, {}))
        if "task" in theirs:
            theirs["task"] = theirs["task"].strip()
        theirs.setdefault("input_label", "Input")
        theirs.setdefault("output_label", "Output")
        if isinstance(theirs.get("threshold"), int):
            theirs["threshold"] = float(theirs["threshold"])
        if mine == theirs:
            ok(f"{path} settings agree with PyYAML")
        else:
            fail(f"{path} settings agree with PyYAML", f"vsynth {mine} != pyyaml {theirs}")
except json.JSONDecodeError as error:
    fail("vsynth parse --json output is JSON", str(error))

# 4. The JSON for broken input: exit code 1 and valid output with positioned diagnostics.
with tempfile.TemporaryDirectory() as tmp:
    broken = os.path.join(tmp, "broken.prompt")
    with open(broken, "w", encoding="utf-8") as f:
        f.write("---\nvsynth:\n\ttask: x\n---\n{{!-- vsynth:demos --}}\n")
    run = subprocess.run([vsynth, "parse", broken, os.path.join(tmp, "missing.prompt"), tmp, "--json"],
                         capture_output=True, text=True)
    if run.returncode != 1:
        fail("vsynth parse on bad input exits 1", f"exit code {run.returncode}")
    else:
        ok("vsynth parse on bad input exits 1")
    if f"{broken}:3:1: error: yaml: tabs are not allowed for indentation" in run.stderr:
        ok("vsynth parse names file:line:column of a tab")
    else:
        fail("vsynth parse names file:line:column of a tab", run.stderr.strip())
    try:
        validate("vsynth parse --json output for bad input", json.loads(run.stdout), "parse-output.schema.json")
    except json.JSONDecodeError as error:
        fail("vsynth parse --json output for bad input is JSON", str(error))

# 5. The data set.
if os.path.exists(dataset):
    with open(dataset, encoding="utf-8") as f:
        validate(f"data set {os.path.relpath(dataset, root)}", json.load(f), "dataset.schema.json")
elif dataset_given:
    fail("data set", f"{dataset}: no such file")
else:
    skipped += 1
    print(f"skip  data set: {dataset} not found (pass its path as the argument)")

# 6. The schemas reject wrong values.
def rejects(name, instance, schema_name):
    if list(jsonschema.Draft202012Validator(schema(schema_name)).iter_errors(instance)):
        ok(f"{schema_name} rejects {name}")
    else:
        fail(f"{schema_name} rejects {name}", "accepted")
rejects("a negative count", {"count": -1}, "settings.schema.json")
rejects("a count over 1000", {"count": 9223372036854775807}, "settings.schema.json")
rejects("a threshold out of range", {"threshold": 1e300}, "settings.schema.json")
rejects("an unknown refresh mode", {"refresh": "sometimes"}, "settings.schema.json")
rejects("an unknown key", {"cuont": 3}, "settings.schema.json")
rejects("a task without demos", {"tasks": [{"id": "x", "definition": "d", "input_label": "a", "output_label": "b", "demos": []}]}, "dataset.schema.json")
rejects("a file report without ranges", {"files": [{"path": "p", "ok": True}]}, "parse-output.schema.json")

print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PYTHON

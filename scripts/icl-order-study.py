#!/usr/bin/env python3
"""How much the order of a task's own demonstrations moves in-context accuracy, with llama.cpp: the study
behind DemonstrationOrder (docs/prompt-files.md, "Order").

    icl-order-study.py MODEL.gguf DATA.json [ORDERS]

For each task of DATA.json (the layout of data/icl.json), prints zero-shot accuracy and then, for ORDERS
(default 24) orders of the task's `demos` drawn at random (seed 0), the accuracy on the `test` items and the
histogram of the answers, best first. The classifier is `vsynth eval icl`'s in the ChatML frame: the task as
the system turn, the demonstrations as turns, the item as a user turn, the answer the label whose assistant
turn has the highest ln p. Needs llama-cpp-python (scripts/test.sh installs it). Not run by the tests.
"""
import json, sys, itertools, random, numpy as np
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=2048, logits_all=True, verbose=False, n_threads=2, n_batch=512)
tok = lambda s: llm.tokenize(s.encode(), add_bos=False, special=True)
def lse(row):
    m=row.max(); return m+np.log(np.exp(row-m).sum())
def sysT(t): return f"<|im_start|>system\n{t}<|im_end|>\n"
def user(x): return f"<|im_start|>user\n{x}<|im_end|>\n<|im_start|>assistant\n"
def asst(y): return f"{y}<|im_end|>\n"
def label_scores(prefix_len, item_text, labels_toks):
    llm.n_tokens = prefix_len
    it = tok(item_text); llm.eval(it); n2 = llm.n_tokens
    out=[]
    for lt in labels_toks:
        llm.n_tokens = n2
        llm.eval(lt)
        rows = np.array(llm.scores[n2-1:n2-1+len(lt)], dtype=np.float64)
        out.append(sum(rows[i,t]-lse(rows[i]) for i,t in enumerate(lt)))
    return out
def run_prefix(prefix, items, task, probes=()):
    llm.reset(); p = tok(prefix); llm.eval(p)
    L = task['labels']; lt = [tok(asst(f"{task['output_label']}: {l}")) for l in L]
    pred=[]; 
    for it in items:
        s = label_scores(len(p), user(f"{task['input_label']}: {it}"), lt)
        pred.append(int(np.argmax(s)))
    return pred
data = json.load(open(sys.argv[2])); nperm=int(sys.argv[3]) if len(sys.argv)>3 else 24
res={}
for task in data['tasks']:
    L=task['labels']; items=[t['input'] for t in task['test']]; gold=[L.index(t['output']) for t in task['test']]
    demos=task['demos']
    zs = run_prefix(sysT(task['definition']), items, task)
    acc0 = np.mean([a==b for a,b in zip(zs,gold)])
    perms=list(itertools.permutations(range(len(demos))))
    random.Random(0).shuffle(perms); perms=perms[:nperm]
    rows=[]
    for perm in perms:
        prefix = sysT(task['definition']) + ''.join(user(f"{task['input_label']}: {demos[i]['input']}")+asst(f"{task['output_label']}: {demos[i]['output']}") for i in perm)
        pr = run_prefix(prefix, items, task)
        acc = np.mean([a==b for a,b in zip(pr,gold)])
        hist = np.bincount(pr, minlength=len(L))
        rows.append((acc, ','.join(demos[i]['output'] for i in perm), [int(h) for h in hist]))
    accs=[r[0] for r in rows]
    print(f"{task['id']}: zero {acc0:.3f} answers {[int(h) for h in np.bincount(zs, minlength=len(L))]} perms mean {np.mean(accs):.3f} min {min(accs):.3f} max {max(accs):.3f}", flush=True)
    for r in sorted(rows, key=lambda r:-r[0]): print("   ", f"{r[0]:.3f}", r[1], r[2], flush=True)

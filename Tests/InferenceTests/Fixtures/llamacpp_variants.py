#!/usr/bin/env python3
"""How far llama.cpp is from its own golden numbers when one setting changes (F32 KV cache, flash attention):
the noise floor of comparing any other engine with engine-golden.json.
  python3 llamacpp_variants.py   (paths below; writes /tmp/npref/variants.json)"""
import json, numpy as np, sys
from llama_cpp import Llama
g=json.load(open('/work/wt-inference/Tests/InferenceTests/Fixtures/engine-golden.json'))
M='/root/.cache/vsynth/models/SmolLM2-135M-Instruct.Q4_1.gguf'
out={}
for name,kw in [('type_kv=f32',dict(n_batch=512,type_k=0,type_v=0)),('flash_attn',dict(n_batch=512,flash_attn=True))]:
    llm=Llama(model_path=M,n_ctx=2048,logits_all=True,verbose=False,n_threads=2,**kw)
    res=[]; agree=0
    for c in g['score']:
        ctx=c['context_ids']; d=c['continuation_ids']
        llm.reset(); llm.eval(ctx+d)
        rows=np.array(llm.scores[len(ctx)-1:len(ctx)+len(d)-1],dtype=np.float64)
        m=rows.max(1,keepdims=True); lp=rows-(np.log(np.exp(rows-m).sum(1,keepdims=True))+m)
        res+= [abs(lp[i,t]-c['logprobs'][i]) for i,t in enumerate(d)]
        agree+=sum(int(lp[i].argmax())==c['top5'][i][0][0] for i in range(len(d)))
    out[name]={'mean':float(np.mean(res)),'max':float(np.max(res)),'top1':agree/len(res)}
    print(name,out[name],flush=True)
json.dump(out,open('/tmp/npref/variants.json','w'),indent=1)

#!/usr/bin/env python3
"""An independent float64 NumPy implementation of the Llama forward pass (GGUF reader, Q4_1/Q8_0/F32
dequantization, RMSNorm, llama.cpp's normal RoPE, grouped-query attention, SwiGLU), with no activation
quantization and no F16 rounding: the exact arithmetic the engine's reference mode computes.
  python3 numpy_reference.py MODEL.gguf engine-golden.json CASE... > numpy-reference.json
Writes ln p of each continuation token of the chosen score cases of the golden fixture."""
import numpy as np, struct, json, sys
path=sys.argv[1]
buf=open(path,'rb').read()
off=0
def rd(fmt):
    global off
    v=struct.unpack_from('<'+fmt,buf,off); off+=struct.calcsize('<'+fmt); return v[0]
def rstr():
    global off
    n=rd('Q'); s=buf[off:off+n].decode('utf-8','replace'); off+=n; return s
def rval(t):
    if t in (0,1,2,3,4,5,6,7,10,11,12):
        f={0:'B',1:'b',2:'H',3:'h',4:'I',5:'i',6:'f',7:'?',10:'Q',11:'q',12:'d'}[t]; return rd(f)
    if t==8: return rstr()
    if t==9:
        et=rd('I'); n=rd('Q'); return [rval(et) for _ in range(n)]
assert buf[:4]==b'GGUF'; off=4; ver=rd('I'); nt=rd('Q'); nkv=rd('Q')
meta={}
for _ in range(nkv):
    k=rstr(); t=rd('I'); meta[k]=rval(t)
infos=[]
for _ in range(nt):
    name=rstr(); nd=rd('I'); dims=[rd('Q') for _ in range(nd)]; typ=rd('I'); o=rd('Q'); infos.append((name,dims,typ,o))
align=meta.get('general.alignment',32); data=(off+align-1)//align*align
def f16(b): return np.frombuffer(b,dtype=np.float16).astype(np.float32)
def tensor(name):
    for n,dims,typ,o in infos:
        if n==name: break
    else: raise KeyError(name)
    cnt=int(np.prod(dims)); start=data+o
    if typ==0: a=np.frombuffer(buf,dtype=np.float32,count=cnt,offset=start)
    elif typ==1: a=np.frombuffer(buf,dtype=np.float16,count=cnt,offset=start).astype(np.float32)
    elif typ==8:
        nb=cnt//32; raw=np.frombuffer(buf,dtype=np.uint8,count=nb*34,offset=start).reshape(nb,34)
        d=raw[:,:2].copy().view(np.float16).astype(np.float32); q=raw[:,2:].view(np.int8).astype(np.float32); a=(q*d).reshape(-1)
    elif typ==3:
        nb=cnt//32; raw=np.frombuffer(buf,dtype=np.uint8,count=nb*20,offset=start).reshape(nb,20)
        d=raw[:,:2].copy().view(np.float16).astype(np.float32); m=raw[:,2:4].copy().view(np.float16).astype(np.float32)
        qs=raw[:,4:]; lo=(qs&15).astype(np.float32); hi=(qs>>4).astype(np.float32)
        a=(np.concatenate([lo,hi],axis=1)*d+m).reshape(-1)
    else: raise ValueError(typ)
    return a.reshape(list(reversed(dims))) if len(dims)>1 else a
A='llama.'
L=meta[A+'block_count']; D=meta[A+'embedding_length']; H=meta[A+'attention.head_count']; KVH=meta[A+'attention.head_count_kv']
hd=D//H; base=meta[A+'rope.freq_base']; eps=meta[A+'attention.layer_norm_rms_epsilon']; nrot=meta.get(A+'rope.dimension_count',hd)
emb=tensor('token_embd.weight')
W=[{k:tensor(f'blk.{l}.{k}.weight') for k in ['attn_norm','attn_q','attn_k','attn_v','attn_output','ffn_norm','ffn_gate','ffn_up','ffn_down']} for l in range(L)]
onorm=tensor('output_norm.weight')
try: out=tensor('output.weight')
except KeyError: out=emb
def rms(x,w): return x/np.sqrt((x*x).mean(-1,keepdims=True)+eps)*w
def rope(x,pos):  # x (n, heads, hd)
    i=np.arange(nrot//2); theta=pos[:,None]*(base**(-2*i/nrot))[None,:]
    c=np.cos(theta)[:,None,:]; s=np.sin(theta)[:,None,:]
    x=x.copy(); x0=x[...,0:nrot:2].copy(); x1=x[...,1:nrot:2].copy()
    x[...,0:nrot:2]=x0*c-x1*s; x[...,1:nrot:2]=x0*s+x1*c; return x
def forward(toks):
    n=len(toks); x=emb[toks].astype(np.float64); pos=np.arange(n,dtype=np.float64)
    for l in range(L):
        w=W[l]; xb=rms(x,w['attn_norm'])
        q=(xb@w['attn_q'].T).reshape(n,H,hd); k=(xb@w['attn_k'].T).reshape(n,KVH,hd); v=(xb@w['attn_v'].T).reshape(n,KVH,hd)
        q=rope(q,pos); k=rope(k,pos)
        g=H//KVH; o=np.zeros((n,H,hd))
        for h in range(H):
            s=q[:,h,:]@k[:,h//g,:].T/np.sqrt(hd); s=s+np.triu(np.full((n,n),-np.inf),1)
            s=np.exp(s-s.max(-1,keepdims=True)); s/=s.sum(-1,keepdims=True); o[:,h,:]=s@v[:,h//g,:]
        x=x+o.reshape(n,D)@w['attn_output'].T
        xb=rms(x,w['ffn_norm']); gt=xb@w['ffn_gate'].T; up=xb@w['ffn_up'].T
        x=x+((gt/(1+np.exp(-gt)))*up)@w['ffn_down'].T
    return rms(x,onorm)@out.T
g=json.load(open(sys.argv[2]))
result=[]
for ci in [int(a) for a in sys.argv[3:]]:
    c=g['score'][ci]; ctx=c['context_ids']; d=c['continuation_ids']
    lg=forward(ctx+d)[len(ctx)-1:len(ctx)+len(d)-1]
    m=lg.max(-1,keepdims=True); lp=lg-(np.log(np.exp(lg-m).sum(-1,keepdims=True))+m)
    result.append({"case": ci, "context_ids": ctx, "continuation_ids": d,
                   "logprobs": [float(lp[i,t]) for i,t in enumerate(d)], "top": [int(lp[i].argmax()) for i in range(len(d))]})
print(json.dumps({"model": path.rsplit("/",1)[-1], "score": result}, indent=1))

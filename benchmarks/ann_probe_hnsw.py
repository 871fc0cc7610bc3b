import time, numpy as np, faiss
rng=np.random.default_rng(0)
d=384; n=1_000_000
base=rng.standard_normal((300,d)).astype('float32'); base/=np.linalg.norm(base,axis=1,keepdims=True)
i=rng.integers(0,300,(n,2))
x=base[i[:,0]]*0.6+base[i[:,1]]*0.4+rng.standard_normal((n,d)).astype('float32')*0.03
x/=np.linalg.norm(x,axis=1,keepdims=True)
t=time.time()
idx=faiss.IndexHNSWFlat(d,32,faiss.METRIC_INNER_PRODUCT); idx.hnsw.efConstruction=64
idx.add(x); print('hnsw build',time.time()-t, flush=True)
q=x[rng.integers(0,n,100)]+rng.standard_normal((100,d)).astype('float32')*0.05
q/=np.linalg.norm(q,axis=1,keepdims=True)
flat=faiss.IndexFlatIP(d); flat.add(x)
t=time.time(); _,gt=flat.search(q,10); print('flat 100q',time.time()-t)
for ef in (64,128,256):
    idx.hnsw.efSearch=ef
    t=time.time(); _,r=idx.search(q,10); el=time.time()-t
    rec=np.mean([len(set(a)&set(b))/10 for a,b in zip(r,gt)])
    print('ef',ef,'recall',rec,'ms/q',el*10)

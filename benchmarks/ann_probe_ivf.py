import time, numpy as np, faiss
rng=np.random.default_rng(0)
d=384; n=1_000_000
base=rng.standard_normal((300,d)).astype('float32'); base/=np.linalg.norm(base,axis=1,keepdims=True)
i=rng.integers(0,300,(n,2))
x=base[i[:,0]]*0.6+base[i[:,1]]*0.4+rng.standard_normal((n,d)).astype('float32')*0.03
x/=np.linalg.norm(x,axis=1,keepdims=True)
q=x[rng.integers(0,n,100)]+rng.standard_normal((100,d)).astype('float32')*0.05
q/=np.linalg.norm(q,axis=1,keepdims=True)
flat=faiss.IndexFlatIP(d); flat.add(x)
t=time.time(); _,gt=flat.search(q,10); print('flat batched ms/q',(time.time()-t)*10, flush=True)
t=time.time()
for j in range(10): flat.search(q[j:j+1],10)
print('flat single ms/q',(time.time()-t)*100, flush=True)
del flat
t=time.time()
ivf=faiss.index_factory(d,"IVF4096,Flat",faiss.METRIC_INNER_PRODUCT)
ivf.train(x[rng.choice(n,120_000,replace=False)]); print('train',time.time()-t, flush=True)
ivf.add(x); print('ivf build',time.time()-t, flush=True)
for npb in (16,32,64,128):
    ivf.nprobe=npb
    ts=[]; rs=[]
    for j in range(100):
        t=time.time(); _,r=ivf.search(q[j:j+1],10); ts.append(time.time()-t)
        rs.append(len(set(r[0])&set(gt[j]))/10)
    print('nprobe',npb,'recall',np.mean(rs),'p50 ms',np.median(ts)*1000, flush=True)

# A25: text Pipeline (from_workdir of the text run): same request twice, batch prefix, a prompt repeated in a batch
import hashlib, sys, numpy as np
from eflow_jax.pipeline import Pipeline
def h(x): return hashlib.md5(np.ascontiguousarray(x).tobytes()).hexdigest()[:10]
p = Pipeline.from_workdir('/tmp/r29/runs/t2v')
P = ['clip number 2 moving', 'clip number 0 moving', 'clip number 5 moving']
a = p(prompts=P[:2], steps=2, seed=7); b = p(prompts=P[:2], steps=2, seed=7); c = p(prompts=P, steps=2, seed=7)
print('step', p.step, 'shape', a.shape, 'repeat same', h(a) == h(b), 'prefix same', h(c[:2]) == h(a), 'min/max/mean', a.min(), a.max(), round(float(a.mean()), 1))
d = p(prompts=[P[0], P[0]], steps=2, seed=7); print('same prompt twice: clips differ', h(d[0]) != h(d[1]), 'first == a[0]', h(d[0]) == h(a[0]))

# Part P: Pipeline repeat/prefix, and exports edited by hand (one process)
import hashlib, os, sys, numpy as np
from eflow_jax.pipeline import Pipeline
A = sys.argv[1]; EX = '/tmp/r29/runs/exp'
def h(x): return hashlib.md5(np.ascontiguousarray(x).tobytes()).hexdigest()[:10]
def tryit(label, f):
  try:
    r = f(); print(label, '->', r, flush=True); return r
  except Exception as e:
    print(label, '-> RAISED', type(e).__name__, str(e).splitlines()[0][:400], flush=True)
print('== A12 repeat / prefix')
p = Pipeline.from_pretrained(EX)
a = p(class_ids=[1, 2], steps=2, seed=3); b = p(class_ids=[1, 2], steps=2, seed=3)
print('repeat same', h(a) == h(b), a.shape, a.dtype, 'min/max/mean', a.min(), a.max(), round(float(a.mean()), 2))
c = p(class_ids=[1, 2, 3, 4], steps=2, seed=3)
print('prefix of 4 == 2?', h(c[:2]) == h(a), 'clip0 same?', h(c[0]) == h(a[0]))
p2 = Pipeline.from_pretrained(EX); d = p2(class_ids=[1, 2], steps=2, seed=3)
print('new Pipeline same request same?', h(d) == h(a))
print('== A13 export with README.md edited / extra files')
ref = a
for label in ['readme_edited', 'readme_deleted', 'extra_files', 'config_reindented']:
  tryit(label, lambda: (lambda q: (q.step, h(q(class_ids=[1, 2], steps=2, seed=3)) == h(ref)))(Pipeline.from_pretrained(f'{A}/{label}')))

# Part P: Pipeline loaders given link chains / relative links / '~' Paths, and calls with odd argument types (one process)
import hashlib, os, pathlib, sys, numpy as np
from eflow_jax.pipeline import Pipeline
A = sys.argv[1]; EX = '/tmp/r29/runs/exp'; B = '/tmp/r29/runs/base'
def h(x): return hashlib.md5(np.ascontiguousarray(x).tobytes()).hexdigest()[:10]
def tryit(label, f):
  try:
    r = f(); print(label, '->', r, flush=True); return r
  except Exception as e:
    print(label, '-> RAISED', type(e).__name__, str(e).splitlines()[0][:300], flush=True)
print('== Z11 loaders')
for label, arg in [('chain str', f'{A}/l2'), ('chain Path', pathlib.Path(f'{A}/l2')), ('relative link', f'{A}/rel'),
                   ('chain/..', f'{A}/l2b/../exp'), ('Path ~', pathlib.Path('~/exp')), ('bytes', EX.encode())]:
  tryit('from_pretrained ' + label, lambda: Pipeline.from_pretrained(arg).step)
for label, arg in [('chain str', f'{A}/w2'), ('relative link', f'{A}/wrel'), ('Path ~/run', pathlib.Path('~/run')),
                   ('chain/.. to run', f'{A}/l2b/../run')]:
  tryit('from_workdir ' + label, lambda: Pipeline.from_workdir(arg).step)
p = Pipeline.from_pretrained(EX)
print('== Z12 class_ids kinds')
ref = p(class_ids=[1, 2], steps=2, seed=3); print('ref list', ref.shape, h(ref))
for label, ci in [('tuple', (1, 2)), ('range(1,3)', range(1, 3)), ('generator', (i for i in [1, 2])),
                  ('np scalars list', [np.int64(1), np.uint8(2)]), ('np.int64 scalar', np.int64(1)),
                  ('dict_keys', {1: 0, 2: 0}.keys()), ('str "12"', '12'), ('np uint8 array', np.array([1, 2], np.uint8))]:
  tryit('class_ids ' + label, lambda: (lambda x: (x.shape, h(x), h(x) == h(ref)))(p(class_ids=ci, steps=2, seed=3)))
print('== Z13 steps/seed numpy kinds')
for label, kw in [('seed np.uint64(3)', dict(seed=np.uint64(3))), ('seed np.array([3])', dict(seed=np.array([3]))),
                  ('steps np.uint8(2)', dict(steps=np.uint8(2), seed=3)), ('steps np.array(2) 0-d', dict(steps=np.array(2), seed=3)),
                  ('seed np.float32(3.0)', dict(seed=np.float32(3.0))), ('seed -3', dict(seed=-3)), ('seed 2**64', dict(seed=2**64))]:
  kw.setdefault('steps', 2)
  tryit(label, lambda: (lambda x: (x.shape, h(x), h(x) == h(ref)))(p(class_ids=[1, 2], **kw)))

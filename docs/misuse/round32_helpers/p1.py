# B23: text Pipeline.from_pretrained(export): prompts as a numpy str array, a tuple, a generator, one str, bytes, a list of ints
import hashlib, sys, numpy as np
from eflow_jax.pipeline import Pipeline
def h(x): return hashlib.md5(np.ascontiguousarray(x).tobytes()).hexdigest()[:10]
p = Pipeline.from_pretrained(sys.argv[1])
P = ['clip number 2 moving', 'clip number 0 moving']
ref = p(prompts=P, steps=2, seed=7); print('list', ref.shape, ref.dtype, ref.min(), ref.max(), round(float(ref.mean()), 1), h(ref))
for name, v in [('np.array', np.array(P)), ('np.object', np.array(P, dtype=object)), ('tuple', tuple(P)), ('generator', (x for x in P)),
                ('str', P[0]), ('bytes list', [x.encode() for x in P]), ('np.bytes_', np.array([x.encode() for x in P])), ('ints', [1, 2]),
                ('empty list', []), ('2-D array', np.array([P])), ('dict', {P[0]: 1, P[1]: 2}), ('set', set(P))]:
  try:
    out = p(prompts=v, steps=2, seed=7)
    print(name, 'OK', out.shape, 'same as list' if out.shape == ref.shape and h(out) == h(ref) else ('first same' if h(out[0]) == h(ref[0]) else 'DIFFERENT'))
  except Exception as e:
    print(name, 'REFUSED', type(e).__name__, str(e)[:300])

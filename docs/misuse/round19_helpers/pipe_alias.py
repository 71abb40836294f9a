"""Does a Pipeline's returned array alias anything it reuses? v1 kept, a second call made, v1 written in place,
a third call with v1's arguments: md5 of each, and the writeable flag."""
import hashlib, sys
import numpy as np
import eflow_jax
md5 = lambda a: hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest()[:8]
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
v1 = pipe(class_ids=[1, 2], steps=2, seed=0)
print("v1", type(v1).__name__, v1.shape, v1.dtype, "writeable", getattr(getattr(v1, "flags", None), "writeable", None), md5(v1))
h1 = md5(v1)
v2 = pipe(class_ids=[3, 0], steps=2, seed=5)
print("v2", md5(v2), "v1 after second call", md5(v1), "unchanged" if md5(v1) == h1 else "CHANGED")
try:
  v1[...] = 0; print("v1 zeroed in place")
except Exception as e:
  print("v1 in-place write refused:", type(e).__name__, e)
v3 = pipe(class_ids=[1, 2], steps=2, seed=0)
print("v3 (v1's arguments)", md5(v3), "== v1 original" if md5(v3) == h1 else "DIFFERS from v1 original")
v4 = pipe(class_ids=[1], steps=2, seed=0); v5 = pipe(class_ids=[2, 1], steps=2, seed=0)
print("class 1 alone", md5(v4), "first of [1,2]", md5(np.asarray(v3)[:1]), "second of [2,1]", md5(np.asarray(v5)[1:]))

"""One Pipeline, odd-but-valid (and invalid) class_ids forms: each call's outcome and the clips' md5."""
import hashlib, sys
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
ref = None
cases = {"list": [1, 2, 3], "range": range(1, 4), "tuple": (1, 2, 3), "generator": (i for i in [1, 2, 3]),
         "np.int8": np.array([1, 2, 3], np.int8), "jax": __import__("jax").numpy.array([1, 2, 3]),
         "empty": [], "2d": np.array([[1, 2, 3]]), "float 2.0": [1, 2.0, 3], "float 2.5": [1, 2.5, 3], "str": ["1", "2", "3"]}
for name, ids in cases.items():
  try:
    v = np.asarray(pipe(class_ids=ids, steps=2, seed=0))
    h = hashlib.md5(v.tobytes()).hexdigest()[:10]; ref = ref or h
    print(f"{name:10s} ok {v.shape} md5 {h} same as list: {h == ref}")
  except Exception as e:
    print(f"{name:10s} {type(e).__name__}: {str(e)[:150]}")

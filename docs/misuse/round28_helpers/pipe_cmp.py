# X25: the same request to Pipeline.from_pretrained(export) and Pipeline.from_workdir(run it was exported from), bitwise
import sys, hashlib
import numpy as np
from eflow_jax.pipeline import Pipeline
a = Pipeline.from_pretrained(sys.argv[1]); b = Pipeline.from_workdir(sys.argv[2])
for kw in (dict(class_ids=[0, 1, 2, 3], steps=4, seed=0), dict(class_ids=[3], steps=1, seed=7, guidance=1.0)):
  x, y = a(**kw), b(**kw)
  print(kw, x.shape, y.shape, "equal" if np.array_equal(x, y) else f"DIFFER max {np.abs(x.astype(int) - y).max()}",
        hashlib.md5(x.tobytes()).hexdigest()[:8], "mean", round(float(x.mean()), 3))
c = a(class_ids=[0, 1], steps=4, seed=0); d = a(class_ids=[0, 1, 2, 3], steps=4, seed=0)
print("first 2 clips of a 2-clip vs 4-clip batch equal:", np.array_equal(c, d[:2]))

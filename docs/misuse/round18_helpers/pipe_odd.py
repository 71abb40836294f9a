"""Pipeline calls with unusual arguments: each outcome (shape, finite?, md5) or error, one line."""
import hashlib, math, sys
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
cases = {"ref": dict(class_ids=[1], steps=2, seed=0), "class -1": dict(class_ids=[-1], steps=2, seed=0),
         "class 4 (=num_classes)": dict(class_ids=[4], steps=2, seed=0), "class 99": dict(class_ids=[99], steps=2, seed=0),
         "steps 0": dict(class_ids=[1], steps=0, seed=0), "steps -1": dict(class_ids=[1], steps=-1, seed=0),
         "seed -1": dict(class_ids=[1], steps=2, seed=-1), "guidance nan": dict(class_ids=[1], steps=2, seed=0, guidance=math.nan),
         "guidance inf": dict(class_ids=[1], steps=2, seed=0, guidance=math.inf), "guidance -2": dict(class_ids=[1], steps=2, seed=0, guidance=-2.0),
         "steps 10**6": dict(class_ids=[1], steps=10**6, seed=0)}
for name, kw in cases.items():
  if name == "steps 10**6": print("steps 10**6 skipped (cost)"); continue
  try:
    v = np.asarray(pipe(**kw)); h = hashlib.md5(v.tobytes()).hexdigest()[:8]
    print(f"{name:24s} ok {v.shape} {v.dtype} finite={np.isfinite(v.astype(np.float64)).all()} min={v.min()} max={v.max()} md5 {h}")
  except Exception as e:
    print(f"{name:24s} {type(e).__name__}: {str(e)[:220]}")

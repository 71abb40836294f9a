# V06: Pipeline.from_workdir step values; V08: memory refusal for the text export and with many steps
import sys, hashlib, time
import numpy as np
from eflow_jax import Pipeline
B, T2VEX = sys.argv[1], sys.argv[2]
h = lambda o: hashlib.md5(o.tobytes()).hexdigest()[:10]
for s in (0, -1, "12", 12.0, True, 11, 10, 12, np.int64(12), None, 10**12):
  try:
    p = Pipeline.from_workdir(B, step=s); print("step", repr(s), "->", "loaded", h(p(class_ids=[1, 2], steps=2, seed=0)))
  except BaseException as e: print("step", repr(s), "->", type(e).__name__, str(e)[:400])
p = Pipeline.from_pretrained(T2VEX)
for n, st in ((100000, 1), (200000, 1), (30000, 64), (30000, 1000)):
  t = time.time()
  try:
    out = p(prompts=["clip number 1 moving"] * n, steps=st, seed=0); print("t2v", n, "steps", st, "ok", out.shape, round(time.time() - t, 1))
  except BaseException as e: print("t2v", n, "steps", st, type(e).__name__, str(e)[:500], round(time.time() - t, 1), "s")

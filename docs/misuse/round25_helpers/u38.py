import sys, time, hashlib
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
for n in (100000, 5000):
  t = time.time()
  try:
    out = p(class_ids=[1] * n, steps=1, seed=0); print(n, "ok", out.shape, round(time.time() - t, 1), "s")
    print("first two clips equal to a 2-clip call's:", (out[:2] == p(class_ids=[1, 1], steps=1, seed=0)).all())
  except BaseException as e:
    print(n, type(e).__name__, str(e)[:300], round(time.time() - t, 1), "s")

# U38 re-run: a Pipeline call with 100000 clips, then the count its refusal advises (steps=1)
import sys, time, re
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
t = time.time()
try:
  out = p(class_ids=[1] * 100000, steps=1, seed=0); print("100000 ok", out.shape, round(time.time() - t, 1), "s")
  advised = None
except BaseException as e:
  msg = str(e); print("100000:", type(e).__name__, msg, round(time.time() - t, 1), "s", flush=True)
  m = re.search(r"about (\d+) clips or fewer", msg); print("match", m and m.group(0))
  advised = int(next(g for g in m.groups() if g)) if m else None
if advised:
  t = time.time()
  try:
    out = p(class_ids=[1] * advised, steps=1, seed=0); print(advised, "ok", out.shape, out.dtype, round(time.time() - t, 1), "s")
    print("first two clips equal to a 2-clip call's:", (out[:2] == p(class_ids=[1, 1], steps=1, seed=0)).all())
  except BaseException as e:
    print(advised, type(e).__name__, str(e)[:600], round(time.time() - t, 1), "s")

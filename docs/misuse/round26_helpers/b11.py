# V28: the Pipeline's memory refusal with the euler_cfg sampler (two network passes per step) and its advised count
import sys, time, re
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
n = 100000
for _ in range(2):
  t = time.time()
  try:
    out = p(class_ids=[1] * n, steps=1, seed=0, sampler="euler_cfg"); print(n, "ok", out.shape, round(time.time() - t, 1), "s"); break
  except BaseException as e:
    msg = str(e); print(n, type(e).__name__, msg[:600], round(time.time() - t, 1), "s", flush=True)
    m = re.search(r"about (\d+) clips or fewer|at most (\d+) clips", msg)
    if not m: break
    n = int(m.group(1) or m.group(2))

# V08b: the count the text export's refusal advises (4265), steps=1; then whatever it advises next
import sys, time, re
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
n = int(sys.argv[2])
for _ in range(2):
  t = time.time()
  try:
    out = p(prompts=["clip number 1 moving"] * n, steps=1, seed=0); print(n, "ok", out.shape, round(time.time() - t, 1), "s"); break
  except BaseException as e:
    msg = str(e); print(n, type(e).__name__, msg[:600], round(time.time() - t, 1), "s", flush=True)
    m = re.search(r"about (\d+) clips or fewer|at most (\d+) clips", msg)
    if not m: break
    n = int(m.group(1) or m.group(2))

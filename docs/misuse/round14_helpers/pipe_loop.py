"""Load Pipeline.from_workdir(RUN) N times while a trainer writes and prunes it; each load's step and outcome."""
import sys, time
import eflow_jax
ok = 0
for i in range(int(sys.argv[2])):
  try:
    pipe = eflow_jax.Pipeline.from_workdir(sys.argv[1])
    v = pipe(class_ids=[1], steps=1, seed=0)
    print(i, "ok step", getattr(pipe, "step", "?"), v.shape, flush=True); ok += 1
  except Exception as e:
    print(i, type(e).__name__, str(e)[:200], flush=True)
print("ok", ok)

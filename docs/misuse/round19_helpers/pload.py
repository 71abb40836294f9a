import sys, hashlib, numpy as np, eflow_jax
for p in sys.argv[1:]:
  try:
    pipe = eflow_jax.Pipeline.from_pretrained(p)
    v = np.asarray(pipe(class_ids=[1], steps=2, seed=0))
    print(p, "ok", v.shape, hashlib.md5(v.tobytes()).hexdigest()[:8])
  except Exception as e:
    print(p, type(e).__name__, str(e)[:300])

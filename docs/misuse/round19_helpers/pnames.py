import sys, hashlib, numpy as np, eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
for ids in (["dog"], ["cat", "dog"], [1], ["1"]):
  try:
    v = np.asarray(pipe(class_ids=ids, steps=2, seed=0)); print(ids, "ok", v.shape, hashlib.md5(v.tobytes()).hexdigest()[:8])
  except Exception as e:
    print(ids, type(e).__name__, str(e)[:250])

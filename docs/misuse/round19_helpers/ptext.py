import sys, hashlib, numpy as np, eflow_jax
try:
  pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
  v = np.asarray(pipe(prompts=["clip number 2 moving"], steps=2, seed=0)); print("ok", v.shape, hashlib.md5(v.tobytes()).hexdigest()[:8])
except Exception as e:
  print(type(e).__name__, str(e)[:400])

# C27 check: the exported blown-up model loaded and called as its card says
import sys, eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
try:
  v = pipe(class_ids=[1], steps=4); print("returned", v.dtype, v.shape, v.min(), v.max())
except Exception as e:
  print(type(e).__name__, str(e)[:300])

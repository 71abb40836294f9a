"""Text export: prompts given as one string, a tuple, with class_ids, and class_ids alone."""
import hashlib, sys
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
cases = {"list": dict(prompts=["digit 3 moving up"]), "str": dict(prompts="digit 3 moving up"),
         "tuple": dict(prompts=("digit 3 moving up",)), "gen": dict(prompts=(p for p in ["digit 3 moving up"])),
         "both": dict(prompts=["digit 3 moving up"], class_ids=[3]), "class only": dict(class_ids=[3]),
         "empty str": dict(prompts=[""]), "none": dict()}
for name, kw in cases.items():
  try:
    v = np.asarray(pipe(steps=1, seed=0, **kw))
    print(f"{name:10s} ok {v.shape} md5 {hashlib.md5(v.tobytes()).hexdigest()[:10]}")
  except Exception as e:
    print(f"{name:10s} {type(e).__name__}: {str(e)[:160]}")

"""A Pipeline loaded with x64 off, then x64 switched on in the program, then called again."""
import sys
import numpy as np
import jax
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
a = pipe(class_ids=[1, 2], steps=2, seed=0)
jax.config.update("jax_enable_x64", True)
try:
  b = pipe(class_ids=[1, 2], steps=2, seed=0)
  print("x64 call:", b.dtype, b.shape, "equal to x64-off call:", np.array_equal(a, b),
        "max abs diff", int(np.abs(a.astype(int) - b.astype(int)).max()))
except Exception as e:
  print("x64 call refused:", type(e).__name__, str(e)[:300])
try:
  p2 = eflow_jax.Pipeline.from_pretrained(sys.argv[1]); print("load under x64: loaded")
except Exception as e:
  print("load under x64 refused:", type(e).__name__, str(e)[:300])

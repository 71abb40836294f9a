"""Pipeline.from_pretrained(export)(class_ids=...) with strings and nested arrays as class ids."""
import sys
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
for ids in ["7", "12", b"\x01\x02", np.array([[0, 1], [2, 3]]), {3, 1}, (i for i in [1, 2])]:
  try:
    out = pipe(class_ids=ids, steps=1, seed=0)
    print(repr(ids)[:40], "->", out.shape)
  except Exception as e:  # pylint: disable=broad-except
    print(repr(ids)[:40], "->", type(e).__name__, str(e).splitlines()[0][:200])

import hashlib, sys
import numpy as np
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
h = lambda o: hashlib.md5(o.tobytes()).hexdigest()[:10]
for name, pr in [("dict", {"scene1": "clip number 1 moving"}), ("set", {"clip number 1 moving"}),
                 ("list", ["clip number 1 moving"]), ("dict.values()", {"scene1": "clip number 1 moving"}.values()),
                 ("tuple", ("clip number 1 moving",)), ("np.array", np.array(["clip number 1 moving"])),
                 ("generator", (s for s in ["clip number 1 moving"])), ("generator of ints", (i for i in [1, 2])),
                 ("frozenset", frozenset(["clip number 1 moving"])), ("dict_keys", {"clip number 1 moving": 1}.keys()),
                 ("np 2-D array", np.array([["clip number 1 moving"]])), ("np object array", np.array(["clip number 1 moving"], dtype=object)),
                 ("range", range(2)), ("str subclass list", [np.str_("clip number 1 moving")])]:
  try: print(name, "->", h(p(prompts=pr, steps=2, seed=3)))
  except BaseException as e: print(name, "->", type(e).__name__, str(e)[:400])

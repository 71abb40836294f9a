"""Pipeline.from_workdir(argv[1]) on the text run with an empty prompt, a whitespace prompt and an over-long one."""
import sys, numpy as np
from eflow_jax import pipeline
p = pipeline.Pipeline.from_workdir(sys.argv[1])
for prompts in ([""], ["   "], ["clip number 0 moving " * 20]):
  try:
    out = p(prompts=prompts, steps=2, seed=0)
    v = np.asarray(out if not isinstance(out, (tuple, list)) else out[0])
    print("prompts", [q[:20] for q in prompts], "-> OK", v.shape, float(v.mean()))
  except Exception as e:
    print("prompts", [q[:20] for q in prompts], "->", type(e).__name__, str(e)[:300])

"""Pipeline.from_pretrained(argv[1]) (a text run's export) and two prompts; prints the clips' shape and mean."""
import sys, numpy as np
from eflow_jax import pipeline
p = pipeline.Pipeline.from_pretrained(sys.argv[1])
out = p(prompts=["clip number 0 moving", "clip number 1 moving"], steps=2, seed=0)
v = np.asarray(out if not isinstance(out, (tuple, list)) else out[0])
print("OK", v.shape, float(v.mean()))

"""Load a Pipeline (export or run) and print a short digest of one call: pipe_load.py SRC [KWARGS_JSON]"""
import hashlib, json, os, sys
import numpy as np
import eflow_jax
src = sys.argv[1]
kw = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"class_ids": [0, 1], "steps": 2, "seed": 0}
pipe = (eflow_jax.Pipeline.from_pretrained if os.path.exists(os.path.join(src, "model.safetensors")) else eflow_jax.Pipeline.from_workdir)(src)
v = np.asarray(pipe(**kw))
print("shape", v.shape, "mean", round(float(v.mean()), 4), "md5", hashlib.md5(v.tobytes()).hexdigest()[:12])

# D12 redone with the model's own channel count (1: Moving MNIST): example_shape edited, weights unchanged;
# and D10's comparison: guidance=-1.0 passed as an argument (the value config.json's w_inf was edited to)
import json, os, shutil, sys
import numpy as np
from eflow_jax import Pipeline
EX, W = os.environ["EX"], "/tmp/r34/work/p2"; shutil.rmtree(W, ignore_errors=True); os.makedirs(W)
base = Pipeline.from_pretrained(EX)
try: base(class_ids=[0], guidance=-1.0); print("guidance=-1.0 argument: OK")
except Exception as e: print("guidance=-1.0 argument:", type(e).__name__, e)
try: base(class_ids=[0], guidance=40.0); print("guidance=40.0 argument: OK")
except Exception as e: print("guidance=40.0 argument:", type(e).__name__, e)
for shape in ([8, 16, 16, 1], [4, 32, 32, 1], [2, 8, 8, 1]):
  for drop in (False, True):
    d = f"{W}/s{shape[0]}_{shape[1]}{drop}"; shutil.copytree(EX, d)
    c = json.load(open(f"{d}/config.json")); c["example_shape"] = shape
    if drop: c.pop("checksums", None); c.pop("written_sha256", None)
    json.dump(c, open(f"{d}/config.json", "w"))
    try:
      p = Pipeline.from_pretrained(d); print(f"example_shape={shape} checksums_dropped={drop}: loaded, example_shape {p.example_shape}")
      v = p(class_ids=[0, 1], seed=0); print("   call:", v.shape, v.dtype, float(v.mean()))
    except Exception as e:
      print(f"example_shape={shape} checksums_dropped={drop}:", type(e).__name__, str(e)[:300])

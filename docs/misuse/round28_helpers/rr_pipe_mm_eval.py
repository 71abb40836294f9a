# X19 nearby (re-run): the same with data.eval_path instead of data.path
import sys
from eflow_jax.pipeline import Pipeline
from eflow_jax import schema
import ml_collections
run, rs = sys.argv[1], sys.argv[2]
cfg = schema.load_config("tests/tiny_config.py:steps=12")
cfg.data.eval_path = rs
try:
  p = Pipeline.from_workdir(run, config=cfg)
  v = p(class_ids=[0, 1], steps=2, seed=0)
  print("loaded and sampled:", v.shape, v.dtype, float(v.mean()))
except Exception as e:
  print("refused:", type(e).__name__, e)

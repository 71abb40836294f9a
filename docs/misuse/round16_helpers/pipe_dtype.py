"""Pipeline.from_workdir(RUN, config=<its config with model.dtype changed>) against the float32 Pipeline:
the clips' largest uint8 difference, and whether a float64 / float16 / unknown dtype is refused: pipe_dtype.py RUN"""
import sys
import numpy as np
import eflow_jax
run = sys.argv[1]
base = eflow_jax.Pipeline.from_workdir(run)
ref = np.asarray(base(class_ids=[1, 2, 3], steps=2, seed=0)).astype(int)
for dtype in ("bfloat16", "float16", "float64", "int8", "bf16"):
  cfg = base.config.copy_and_resolve_references()
  try:
    cfg.model.dtype = dtype
    v = np.asarray(eflow_jax.Pipeline.from_workdir(run, config=cfg)(class_ids=[1, 2, 3], steps=2, seed=0)).astype(int)
    d = np.abs(v - ref)
    print(f"{dtype:9s} ok {v.shape} max |diff| {d.max()} mean |diff| {d.mean():.3f} identical {bool((d == 0).all())}")
  except Exception as e:
    print(f"{dtype:9s} {type(e).__name__}: {str(e)[:200]}")

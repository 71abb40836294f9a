# E22-E25: the Pipeline API: from_workdir with another config; pickle / deepcopy; use after its export folder is deleted / rewritten
import copy, os, pickle, shutil, subprocess, sys, traceback
import numpy as np
from eflow_jax import Pipeline, schema
W = "/tmp/r35/work/p1"; B = "/tmp/r34/runs/base"; EX = "/tmp/r34/runs/exp"
shutil.rmtree(W, ignore_errors=True); os.makedirs(W)
def tiny(**kw):
  sys.path.insert(0, "tests"); import tiny_config; cfg = tiny_config.get_config("steps=12")
  return cfg
def case(name, fn):
  print(f"== {name}", flush=True)
  try:
    out = fn(); print(f"-- {name}: ok {out}", flush=True)
  except Exception as e:
    print(f"-- {name}: {type(e).__name__}: {str(e)[:600]}", flush=True)
def e22():
  cfg = tiny(); cfg.data.size = 32
  p = Pipeline.from_workdir(B, config=cfg); v = p(class_ids=[1], steps=2); return v.shape
def e23():
  cfg = tiny(); cfg.flow.inference_steps = 8; cfg.flow.sampler = "chain"; cfg.flow.w_inf = 1.5
  p = Pipeline.from_workdir(B, config=cfg); ref = Pipeline.from_workdir(B)
  a = p(class_ids=[1], seed=0); b = ref(class_ids=[1], seed=0, steps=8, sampler="chain", guidance=1.5)
  c = ref(class_ids=[1], seed=0)
  return (p.config.flow.sampler, p.config.flow.inference_steps, "same as explicit:", bool(np.array_equal(a, b)), "differs from default:", not np.array_equal(a, c))
def e24():
  p = Pipeline.from_pretrained(EX); a = p(class_ids=[3], seed=1, steps=2)
  q = copy.deepcopy(p); b = q(class_ids=[3], seed=1, steps=2)
  r = []
  try:
    s = pickle.dumps(p); r.append(f"pickled {len(s)} bytes"); t = pickle.loads(s); c = t(class_ids=[3], seed=1, steps=2); r.append(f"unpickled equal {np.array_equal(a, c)}")
  except Exception as e:
    r.append(f"pickle: {type(e).__name__}: {str(e)[:300]}")
  return ("deepcopy equal", bool(np.array_equal(a, b)), r)
def e25():
  shutil.copytree(EX, W + "/exp"); p = Pipeline.from_pretrained(W + "/exp"); a = p(class_ids=[2], seed=0, steps=2)
  shutil.rmtree(W + "/exp"); b = p(class_ids=[2], seed=0, steps=2)
  return ("after delete equal", bool(np.array_equal(a, b)), b.shape)
for n, f in (("e22", e22), ("e23", e23), ("e24", e24), ("e25", e25)):
  case(n, f)

"""Round 23 Pipeline calls: loaders given the wrong kind of folder or step, seeds of odd types, two Pipelines
in one process (interleaved calls vs each alone). pipe_r23.py BASE_RUN EXPORT OTHER_EXPORT. One line each."""
import hashlib, sys
import numpy as np
from eflow_jax import Pipeline

run, exp, other = sys.argv[1:4]
def h(x): return hashlib.md5(np.asarray(x).tobytes()).hexdigest()[:10]
def attempt(name, f):
  try:
    out = f()
    print(f"{name}: OK {h(out) if isinstance(out, np.ndarray) else type(out).__name__}", flush=True)
    return out
  except Exception as e:  # noqa: BLE001
    print(f"{name}: {type(e).__name__}: {str(e)[:300]}", flush=True)

attempt("from_pretrained(run workdir)", lambda: Pipeline.from_pretrained(run))
attempt("from_workdir(export)", lambda: Pipeline.from_workdir(exp))
attempt("from_workdir(run, step=11)", lambda: Pipeline.from_workdir(run, step=11))
attempt("from_workdir(run, step=np.int64(10))", lambda: Pipeline.from_workdir(run, step=np.int64(10)))
p = Pipeline.from_pretrained(exp)
w = Pipeline.from_workdir(run)
a = attempt("export seed 0", lambda: p(class_ids=[1, 2], steps=2, seed=0))
attempt("run (step 12) seed 0 (same weights as export?)", lambda: w(class_ids=[1, 2], steps=2, seed=0))
attempt("class_ids tuple (1, 2)", lambda: p(class_ids=(1, 2), steps=2, seed=0))
attempt("class_ids np.array([1,2], np.int8)", lambda: p(class_ids=np.array([1, 2], np.int8), steps=2, seed=0))
attempt("seed=np.random.default_rng(0)", lambda: p(class_ids=[1, 2], steps=2, seed=np.random.default_rng(0)))
attempt("seed=(0, 1)", lambda: p(class_ids=[1, 2], steps=2, seed=(0, 1)))
attempt("seed=-5", lambda: p(class_ids=[1, 2], steps=2, seed=-5))
attempt("seed=2**64", lambda: p(class_ids=[1, 2], steps=2, seed=2**64))
attempt("seed=2**63-1", lambda: p(class_ids=[1, 2], steps=2, seed=2**63 - 1))
attempt("seed=0.0", lambda: p(class_ids=[1, 2], steps=2, seed=0.0))
attempt("seed='0'", lambda: p(class_ids=[1, 2], steps=2, seed='0'))
q = Pipeline.from_pretrained(other)
b = attempt("other export seed 0", lambda: q(class_ids=[0, 1], steps=2, seed=0))
a2 = attempt("export seed 0 again after other", lambda: p(class_ids=[1, 2], steps=2, seed=0))
print("same as first:", a is not None and a2 is not None and np.array_equal(a, a2))

"""Pipeline arguments of odd types: booleans for steps / seed / guidance, pathlib and bytes paths, a numpy
uint32 seed; each call's outcome and whether its clips equal the plain call's: pipe_odd_args.py EXPORT RUN"""
import hashlib, pathlib, sys
import numpy as np
import eflow_jax
exp, run = sys.argv[1], sys.argv[2]
pipe = eflow_jax.Pipeline.from_pretrained(exp)
md5 = lambda v: hashlib.md5(np.asarray(v).tobytes()).hexdigest()[:10]
plain = {"steps1": md5(pipe(class_ids=[1, 2], steps=1, seed=1)), "seed1": md5(pipe(class_ids=[1, 2], steps=2, seed=1)),
         "g1": md5(pipe(class_ids=[1, 2], steps=2, seed=0, guidance=1.0)), "g0": md5(pipe(class_ids=[1, 2], steps=2, seed=0, guidance=0.0))}
cases = {"steps=True": (dict(steps=True, seed=1), "steps1"), "seed=True": (dict(steps=2, seed=True), "seed1"),
         "guidance=True": (dict(steps=2, guidance=True), "g1"), "guidance=False": (dict(steps=2, guidance=False), "g0"),
         "seed=np.uint32(1)": (dict(steps=2, seed=np.uint32(1)), "seed1"), "seed=1.0": (dict(steps=2, seed=1.0), "seed1"),
         "steps=2.0": (dict(steps=2.0, seed=1), None), "seed=2**32": (dict(steps=2, seed=2**32), None)}
for name, (kw, ref) in cases.items():
  try:
    h = md5(pipe(class_ids=[1, 2], **kw))
    print(f"{name:18s} ok md5 {h}" + (f" equal to the plain call ({ref}): {h == plain[ref]}" if ref else ""))
  except Exception as e:
    print(f"{name:18s} {type(e).__name__}: {str(e)[:160]}")
for name, load in {"from_pretrained(Path)": lambda: eflow_jax.Pipeline.from_pretrained(pathlib.Path(exp)),
                   "from_workdir(Path)": lambda: eflow_jax.Pipeline.from_workdir(pathlib.Path(run)),
                   "from_pretrained(bytes)": lambda: eflow_jax.Pipeline.from_pretrained(exp.encode())}.items():
  try:
    p = load(); print(f"{name:22s} ok step {p.step}, clips equal: {md5(p(class_ids=[1, 2], steps=2, seed=1)) == plain['seed1']}")
  except Exception as e:
    print(f"{name:22s} {type(e).__name__}: {str(e)[:160]}")

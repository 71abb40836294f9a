"""Call a Pipeline with argument values of odd types; one line per call: the outcome or the error.
pipe_odd.py CLASS_EXPORT TEXT_EXPORT RUN"""
import hashlib, pathlib, sys
import numpy as np
import eflow_jax

cls_dir, txt_dir, run = sys.argv[1:4]

def attempt(label, make):
  try:
    v = np.asarray(make())
    print(f"{label}: shape {v.shape} md5 {hashlib.md5(v.tobytes()).hexdigest()[:10]}")
  except Exception as e:  # the point is to see which error a user gets
    print(f"{label}: {type(e).__name__}: {str(e)[:300]}")

attempt("from_pretrained(pathlib.Path)", lambda: eflow_jax.Pipeline.from_pretrained(pathlib.Path(cls_dir))(class_ids=[1], steps=2))
pipe = eflow_jax.Pipeline.from_pretrained(cls_dir)
attempt("class_ids=[1] steps=2 (reference)", lambda: pipe(class_ids=[1], steps=2))
attempt("steps=np.int64(2)", lambda: pipe(class_ids=[1], steps=np.int64(2)))
attempt("seed=np.uint32(0)", lambda: pipe(class_ids=[1], steps=2, seed=np.uint32(0)))
attempt("seed=2**40", lambda: pipe(class_ids=[1], steps=2, seed=2**40))
attempt("seed=2**40+0 vs seed=0 same?", lambda: pipe(class_ids=[1], steps=2, seed=2**32))
attempt("seed=-1", lambda: pipe(class_ids=[1], steps=2, seed=-1))
attempt("guidance=float('nan')", lambda: pipe(class_ids=[1], steps=2, guidance=float("nan")))
attempt("guidance=np.float32(1.5)", lambda: pipe(class_ids=[1], steps=2, guidance=np.float32(1.5)))
attempt("sampler='EULER'", lambda: pipe(class_ids=[1], steps=2, sampler="EULER"))
attempt("class_ids=np.array([], int)", lambda: pipe(class_ids=np.array([], int), steps=2))
attempt("class_ids=range(2)", lambda: pipe(class_ids=range(2), steps=2))
attempt("class_ids=[1] and prompts=None explicitly", lambda: pipe(class_ids=[1], prompts=None, steps=2))
attempt("from_workdir(step=np.int64(12))", lambda: eflow_jax.Pipeline.from_workdir(run, step=np.int64(12))(class_ids=[1], steps=2))
attempt("from_workdir(step=11) (no such step)", lambda: eflow_jax.Pipeline.from_workdir(run, step=11)(class_ids=[1], steps=2))
tp = eflow_jax.Pipeline.from_pretrained(txt_dir)
attempt("text prompts=['clip number 2 moving'] (reference)", lambda: tp(prompts=["clip number 2 moving"], steps=2))
attempt("text prompts='clip number 2 moving' (a str)", lambda: tp(prompts="clip number 2 moving", steps=2))
attempt("text prompts=('clip number 2 moving',) (a tuple)", lambda: tp(prompts=("clip number 2 moving",), steps=2))
attempt("text prompts=np.array(['clip number 2 moving'])", lambda: tp(prompts=np.array(["clip number 2 moving"]), steps=2))
attempt("text prompts=[b'clip number 2 moving']", lambda: tp(prompts=[b"clip number 2 moving"], steps=2))
attempt("text prompts=['']", lambda: tp(prompts=[""], steps=2))
attempt("text prompts=[None]", lambda: tp(prompts=[None], steps=2))
attempt("text prompts=[]", lambda: tp(prompts=[], steps=2))

"""Y07/Y08: Pipeline loaders given lnk/.. as str and as pathlib.Path, and '~' paths. a3.py A_FOLDER HOME"""
import os, pathlib, sys
import numpy as np
import eflow_jax
A, home = sys.argv[1], sys.argv[2]
def tryit(label, f):
  try:
    p = f()
    v = np.asarray(p(class_ids=[1, 2], steps=2, seed=3))
    print(f"{label}: step {p.step} source {p.source} sum {int(v.sum())}")
  except Exception as e:
    print(f"{label}: {type(e).__name__}: {str(e).splitlines()[0][:400]}")
W = f"{A}/lnk/../run"
tryit("from_workdir(str lnk/../run)", lambda: eflow_jax.Pipeline.from_workdir(W))
tryit("from_workdir(Path lnk/../run)", lambda: eflow_jax.Pipeline.from_workdir(pathlib.Path(W)))
tryit("from_pretrained(str lnk/../exp)", lambda: eflow_jax.Pipeline.from_pretrained(f"{A}/lnk/../exp"))
tryit("from_pretrained(Path lnk/../exp)", lambda: eflow_jax.Pipeline.from_pretrained(pathlib.Path(f"{A}/lnk/../exp")))
os.environ["HOME"] = home
tryit("from_workdir('~/run')", lambda: eflow_jax.Pipeline.from_workdir("~/run"))
tryit("from_pretrained('~/exp')", lambda: eflow_jax.Pipeline.from_pretrained("~/exp"))
tryit("from_pretrained(Path('~/exp'))", lambda: eflow_jax.Pipeline.from_pretrained(pathlib.Path("~/exp")))
# re-run addition: Path('~/run') for from_workdir, and a '~' path that does not exist (message)
tryit("from_workdir(Path('~/run'))", lambda: eflow_jax.Pipeline.from_workdir(pathlib.Path("~/run")))
tryit("from_pretrained('~/nosuch')", lambda: eflow_jax.Pipeline.from_pretrained("~/nosuch"))

"""Pipeline clips against the GIF clips --mode=sample wrote: pipe_vs_gif.py RUN_OR_EXPORT CLIPDIR KWARGS_JSON"""
import json, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(__file__))
from gif_frames import frames
import eflow_jax
src, clipdir, kw = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
pipe = (eflow_jax.Pipeline.from_pretrained if os.path.exists(os.path.join(src, "model.safetensors")) else eflow_jax.Pipeline.from_workdir)(src)
v = np.asarray(pipe(**kw))
names = sorted(n for n in os.listdir(clipdir) if n.endswith(".gif"))
print("pipeline", v.shape, "clips", names)
for i, n in enumerate(names):
  g = frames(os.path.join(clipdir, n))
  k = g.shape[1] // v[i].shape[1]
  g = g[:, ::k, ::k] if k > 1 else g
  if g.shape != v[i].shape:
    print(n, "shape", g.shape, "vs", v[i].shape); continue
  d = np.abs(g.astype(int) - v[i].astype(int))
  print(n, "max |gif - pipeline|", d.max(), "equal", bool((d == 0).all()))
if os.path.exists(os.path.join(clipdir, "captions.txt")):
  print("captions.txt:", open(os.path.join(clipdir, "captions.txt")).read().splitlines())

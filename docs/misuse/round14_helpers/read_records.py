"""Read a prepared record set back: per record (manifest order), its label/caption and each frame's mean grey."""
import json, os, sys
import numpy as np
from eflow_jax.data import records
d = sys.argv[1]
man = records.read_manifest(d)
print("manifest:", {k: man[k] for k in man if k in ("num_examples", "num_classes", "class_names", "fps", "latent_shape")},
      "shards", [(s["file"], s.get("num_examples", s.get("count"))) for s in man["shards"]])
src = records.data_source(d, man)
for i in range(len(src)):
  ex = records.decode_example(src[i])
  lat = np.asarray(ex["latent"], np.float32)
  g = [round(float((lat[t].mean() + 1) * 127.5), 1) for t in range(lat.shape[0])]
  meta = {k: (v.tolist() if hasattr(v, "tolist") and np.size(v) < 5 else type(v).__name__) for k, v in ex.items() if k != "latent"}
  print(i, meta, "shape", lat.shape, "frames grey", g)

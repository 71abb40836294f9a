# print a record set's manifest summary and, per record, label / caption and a digest of its text embedding and latent
import hashlib, json, os, sys
import numpy as np
from eflow_jax.data import records
path = sys.argv[1]
m = records.read_manifest(path)
print('manifest:', {k: m.get(k) for k in ('num_examples', 'num_classes', 'class_names', 'text_length', 'kind')}, 'shards', [(s['file'], s['num_examples']) for s in m['shards']])
src = records.data_source(path, m)
for i in range(len(src)):
  ex = records.decode_example(src[i])
  out = {}
  for k, v in ex.items():
    a = np.asarray(v)
    out[k] = (a.tolist() if a.size < 4 else f"{a.dtype}{list(a.shape)} md5 {hashlib.md5(a.tobytes()).hexdigest()[:8]}")
  print(i, out)

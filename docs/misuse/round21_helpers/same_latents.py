"""Which records of set A hold latents byte-identical to a record of set B: same_latents.py A B
(evidence that an 'eval set' scores the very clips a run trained on)."""
import hashlib, sys
import numpy as np
from eflow_jax.data import records

def digests(path):
  src = records.data_source(path, records.read_manifest(path))
  return [hashlib.sha256(np.asarray(records.decode_example(src[i])["latent"]).tobytes()).hexdigest()[:12]
          for i in range(len(src))]

a, b = digests(sys.argv[1]), digests(sys.argv[2])
for i, d in enumerate(a):
  print(f"A[{i}] {d} ->", f"B[{b.index(d)}]" if d in b else "not in B")

"""Two text record sets of the same list: for each record, whether its caption and text embedding are equal."""
import sys
import numpy as np
from eflow_jax.data import records
def load(d):
  man = records.read_manifest(d); src = records.data_source(d, man)
  return [records.decode_example(src[i]) for i in range(len(src))]
a, b = load(sys.argv[1]), load(sys.argv[2])
for i, (x, y) in enumerate(zip(a, b)):
  print(i, repr(x["caption"]), "caption equal", x["caption"] == y["caption"], "text equal", bool(np.array_equal(x["text"], y["text"])),
        "latent equal", bool(np.array_equal(x["latent"], y["latent"])))

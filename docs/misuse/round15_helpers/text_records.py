"""A text record set read back: each record's caption, text-embedding shape, frame greys; with --dup, whether
records 0 and 1 are identical (latent and text); then the tokens the T5 tokenizer at TOKENIZER gives each caption."""
import sys
import numpy as np
from eflow_jax.data import records
d, tok_dir = sys.argv[1], sys.argv[2]
man = records.read_manifest(d); src = records.data_source(d, man)
ex = [records.decode_example(src[i]) for i in range(len(src))]
for i, e in enumerate(ex):
  lat = np.asarray(e["latent"])
  print(i, repr(e["caption"]), np.asarray(e["text"]).shape, [round(float((lat[t].mean() + 1) * 127.5), 1) for t in range(lat.shape[0])])
if "--dup" in sys.argv:
  print("record0 == record1: latent", np.array_equal(ex[0]["latent"], ex[1]["latent"]), "text", np.array_equal(ex[0]["text"], ex[1]["text"]))
from transformers import T5Tokenizer
tok = T5Tokenizer.from_pretrained(tok_dir)
for e in ex:
  print(repr(e["caption"]), tok(e["caption"]).input_ids)
print("'' ->", tok("").input_ids)

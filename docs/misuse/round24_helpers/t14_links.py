"""Round 24 T14: Pipeline loaders reached through a symbolic link and with a trailing slash."""
import hashlib, os, sys
import numpy as np
from eflow_jax import Pipeline
O = '/tmp/r24/out'; EX = '/tmp/r24/runs/exp'; B = '/tmp/r24/runs/base'
os.makedirs(f'{O}/t14', exist_ok=True)
for name, target in (('exlink', EX), ('runlink', B)):
  if not os.path.islink(f'{O}/t14/{name}'): os.symlink(target, f'{O}/t14/{name}')
def h(x): return hashlib.md5(np.asarray(x).tobytes()).hexdigest()[:10]
for label, f in (("from_pretrained(EX)", lambda: Pipeline.from_pretrained(EX)),
                 ("from_pretrained(EX + '/')", lambda: Pipeline.from_pretrained(EX + '/')),
                 ("from_pretrained(link)", lambda: Pipeline.from_pretrained(f'{O}/t14/exlink')),
                 ("from_pretrained(link + '/')", lambda: Pipeline.from_pretrained(f'{O}/t14/exlink/')),
                 ("from_pretrained(EX + '/./')", lambda: Pipeline.from_pretrained(EX + '/./')),
                 ("from_workdir(B + '/')", lambda: Pipeline.from_workdir(B + '/')),
                 ("from_workdir(runlink/)", lambda: Pipeline.from_workdir(f'{O}/t14/runlink/'))):
  try:
    p = f(); out = p(class_ids=[1, 2], steps=2, seed=0)
    print(f"{label}: OK {h(out)} step={p.step}", flush=True)
  except Exception as e:  # noqa: BLE001
    print(f"{label}: {type(e).__name__}: {str(e)[:300]}", flush=True)

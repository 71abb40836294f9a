"""R18: Pipeline calls a notebook user makes by accident: booleans for numbers, empty condition lists,
both kinds of condition, none. pipe_edge.py EXPORT_DIR. Prints each call's outcome in one line."""
import sys
import numpy as np
from eflow_jax import Pipeline

pipe = Pipeline.from_pretrained(sys.argv[1])
calls = {
    "steps=True": dict(class_ids=[1], steps=True),
    "seed=True": dict(class_ids=[1], steps=2, seed=True),
    "guidance=False": dict(class_ids=[1], steps=2, guidance=False),
    "class_ids=[True, False]": dict(class_ids=[True, False], steps=2),
    "class_ids=[]": dict(class_ids=[], steps=2),
    "class_ids=np.array([], int)": dict(class_ids=np.array([], int), steps=2),
    "no condition": dict(steps=2),
    "prompts=['a cat'] on a class model": dict(prompts=["a cat"], steps=2),
}
for name, kw in calls.items():
  try:
    out = pipe(**kw)
    print(f"{name}: returned {type(out).__name__} {getattr(out, 'shape', '')} {getattr(out, 'dtype', '')}")
  except Exception as e:  # noqa: BLE001  (the outcome is what is recorded)
    print(f"{name}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")

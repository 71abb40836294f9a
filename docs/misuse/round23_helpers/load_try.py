"""Round 23: load each export given with Pipeline.from_pretrained and sample one clip (class 1, 2 steps,
seed 0); prints the outcome in one line per folder (md5 of the clip's bytes, or the exception)."""
import hashlib, sys, warnings
from eflow_jax import Pipeline

for d in sys.argv[1:]:
  try:
    with warnings.catch_warnings(record=True) as w:
      warnings.simplefilter("always")
      pipe = Pipeline.from_pretrained(d)
      kw = dict(prompts=["clip number 1 moving"]) if not pipe.config.model.num_classes else dict(class_ids=[1])
      out = pipe(steps=2, seed=0, **kw)
    print(f"{d}: OK {out.shape} md5 {hashlib.md5(out.tobytes()).hexdigest()[:12]} w_inf={pipe.config.flow.w_inf} "
          f"warnings={[str(x.message)[:150] for x in w]}", flush=True)
  except Exception as e:  # noqa: BLE001
    print(f"{d}: {type(e).__name__}: {str(e)[:400]}", flush=True)

"""Before an export is written, one clip is drawn from its EMA weights with the recipe's own sampler,
steps and guidance, as the model card tells its reader to call it. Weights that draw NaN or inf (an
EMA blown up by a huge learning rate; a run whose every update after the first was skipped by
nan_policy=skip, train/step.py) are refused rather than handed on as a model whose card reads like
a normal run's. One clip of the example shape, latents only (the autoencoder is not needed to tell
NaN); its compile is cached as every sampler program's is (inference.py)."""
from __future__ import annotations

import os

import numpy as np

from eflow_jax.checkpoint import Checkpointer


def probe_condition(config) -> dict:
  """One clip's condition: class 0 (guided toward it) for a class model; for a text model the null
  text, as a dropped caption trains (models/per_example.py, null_condition_fn)."""
  m = config.model
  if m.num_classes:
    return {"y": np.zeros((1,), np.int32)}
  return {"text": np.zeros((1, config.data.text_length, m.text_dim), np.float32),
          "text_mask": np.ones((1, config.data.text_length), np.int32)}


def recorded_skips(meta: dict) -> int | None:
  """How many of a checkpoint's updates were skipped for a non-finite loss or gradient (its meta's
  nonfinite_steps, train/fault_tolerance.py); None for a checkpoint that does not record it."""
  value = meta.get("nonfinite_steps")
  return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def check_samples_finite(pipe, workdir: str, meta: dict) -> None:
  """ValueError (one line) when a clip drawn from `pipe` (a Pipeline of checkpoint `meta`) is not finite."""
  print(f"drawing one clip from step {pipe.step}'s weights to check that they sample...", flush=True)  # a pause
  latents = np.asarray(pipe.latents(probe_condition(pipe.config), seed=0))
  bad = int(np.size(latents) - np.sum(np.isfinite(latents)))
  if not bad:
    return
  skipped, earlier = recorded_skips(meta), kept_steps_before(workdir, pipe.step)
  why = f"; {skipped} of its {pipe.step} updates were skipped for a non-finite loss (nan_policy)" if skipped else ""
  instead = (f"export an earlier step (--step=N; kept: {', '.join(map(str, earlier))})" if earlier else
             "no earlier checkpoint is kept")
  raise ValueError(f"--workdir={workdir} step {pipe.step}: a clip drawn from its EMA weights with the recipe's "
                   f"sampler has {bad} of {np.size(latents)} values that are not finite (NaN or inf){why}: the weights "
                   f"are blown up; nothing was exported. Train again with a lower LR, or {instead}.")


def kept_steps_before(workdir: str, step: int) -> list[int]:
  """The run's checkpoint steps older than `step`, for the refusal's advice (none: say so)."""
  ckpt = Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
  try:
    return sorted(s for s in ckpt.all_steps() if s < step)
  finally:
    ckpt.close()

"""`config.curriculum`: the stages of a run (paper App. C), each stage's fields and their checks.

Each stage gives its length as `steps` (> 0) or as a `fraction` of `config.total_steps`, and:

  name         shown in logs and stored in checkpoints
  drop_ratio   SPRINT token-drop ratio of the middle stack (0 = dense)
  dense_every  0, or N: every N-th step of the stage is dense (T2V stage 1: one in ten)
  ratio_fm / ratio_scm / ratio_mva   the batch split (MVA off = ratio_mva 0)
  lr           learning rate of the stage (times config.lr_schedule's warm-up / decay shape)
  data_path    '' = config.data.path; else the shards of this stage's resolution (T2V 256p -> 480p)
  batch_size   0 = config.data.batch_size; else this stage's global batch (T2V: 2048 -> 1024)

How a step finds its stage: train/curriculum.py.
"""
import math

import ml_collections


def stage_config(name: str, *, fraction: float = 0.0, steps: int = 0, drop_ratio: float = 0.0,
                 dense_every: int = 0, ratio_fm: float = 0.75, ratio_scm: float = 0.25,
                 ratio_mva: float = 0.0, lr: float = 1e-4, data_path: str = "",
                 batch_size: int = 0) -> ml_collections.ConfigDict:
  """One stage; the defaults are the paper's stage 1 split (FM : SCM = 0.75 : 0.25, no MVA)."""
  return ml_collections.ConfigDict(dict(
      name=name, fraction=fraction, steps=steps, drop_ratio=drop_ratio, dense_every=dense_every,
      ratio_fm=ratio_fm, ratio_scm=ratio_scm, ratio_mva=ratio_mva, lr=lr, data_path=data_path,
      batch_size=batch_size))


def curriculum_config(*stages: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
  """`config.curriculum`: the stages in order, as stage1, stage2, ..."""
  return ml_collections.ConfigDict({f"stage{i + 1}": stage for i, stage in enumerate(stages)})


def validate_ratios(ratios) -> tuple[float, float, float]:
  """Checks a stage's (fm, scm, mva) split and returns it as floats."""
  if len(ratios) != 3:
    raise ValueError(f"ratios must be (fm, scm, mva); got {ratios!r}.")
  r = tuple(float(x) for x in ratios)
  if any(x < 0 or not math.isfinite(x) for x in r):
    raise ValueError(f"ratios (fm, scm, mva) must be finite and >= 0; got {r}.")
  if abs(sum(r) - 1.0) > 1e-6:
    raise ValueError(f"ratios (fm, scm, mva) must sum to 1; got {r} (sum {sum(r):.6g}).")
  return r

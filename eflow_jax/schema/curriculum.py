"""`config.curriculum`: the stages of a run (paper App. C), each stage's fields and their checks.

Each stage gives its length as `steps` (> 0) or as a `fraction` of `config.total_steps` (the fractions
and steps / total_steps add up to 1; the last fractional stage takes the rounding), and:

  name         shown in logs and stored in checkpoints
  drop_ratio   SPRINT token-drop ratio of the middle stack (0 = dense)
  dense_every  0, or N: every N-th step of the stage is dense (T2V stage 1: one in ten)
  ratios       the batch split {term: share}: fm, scm, mva (0 = off) and any term registered in
               flow/terms.py (which also checks it: registered names, shares summing to 1)
  lr           learning rate of the stage (times config.lr_schedule's warm-up / decay shape)
  data_path    '' = config.data.path; else the shards of this stage's resolution (T2V 256p -> 480p;
               data.source='array_record' only)
  batch_size   0 = config.data.batch_size; else this stage's global batch (T2V: 2048 -> 1024)

How a step finds its stage: train/curriculum.py.
"""
import ml_collections

# The paper's terms (flow/terms.py registers them): every stage has a share for each, 0 when unused,
# so that any of them can be set from the command line (--config.curriculum.stage2.ratios.mva=0.25).
PAPER_TERMS = ("fm", "scm", "mva")


def stage_config(name: str, *, fraction: float = 0.0, steps: int = 0, drop_ratio: float = 0.0,
                 dense_every: int = 0, ratios=None, lr: float = 1e-4, data_path: str = "",
                 batch_size: int = 0) -> ml_collections.ConfigDict:
  """One stage; `ratios` defaults to the paper's stage 1 split (FM : SCM = 0.75 : 0.25, no MVA)."""
  shares = {term: 0.0 for term in PAPER_TERMS}
  shares.update({term: float(share) for term, share in (ratios or dict(fm=0.75, scm=0.25)).items()})
  return ml_collections.ConfigDict(dict(
      name=name, fraction=fraction, steps=steps, drop_ratio=drop_ratio, dense_every=dense_every,
      ratios=shares, lr=lr, data_path=data_path, batch_size=batch_size))


def curriculum_config(*stages: ml_collections.ConfigDict) -> ml_collections.ConfigDict:
  """`config.curriculum`: the stages in order, as stage1, stage2, ..."""
  return ml_collections.ConfigDict({f"stage{i + 1}": stage for i, stage in enumerate(stages)})

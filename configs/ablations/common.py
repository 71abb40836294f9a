"""The fixed CPU budget every ablation row shares, and how a row (a few choices) becomes a config.

Not a run config itself: `table2.py`, `table3.py` and `table4.py` import it by path (config files
are loaded by path, not as a package). Budget: the demo's model, data and batch (16), LR 1e-3,
trained for BUDGET_STEPS steps; only the row's choices differ.

A row is: attention type, objective (fm | sfm | pdg_sfm | soflow), token drop (SPRINT curriculum: 80% of
the steps with 75% drop, then dense) or dense throughout, MVA in the dense stage or not, and the
sampler used to evaluate it (FM rows: Euler with CFG, 2 NFE per step; SoFlow rows: Alg. 2).
"""
import os

import ml_collections

from eflow_jax import config_lib
from eflow_jax.train.curriculum import stage_config

BUDGET_STEPS = 4000
HERE = os.path.dirname(os.path.abspath(__file__))
OBJECTIVES = {                     # (ratios (fm, scm) without MVA, flow.guidance_target)
    "fm": ((1.0, 0.0), "none"),    # plain FM; path-dropped examples learn the null label (for CFG)
    "sfm": ((0.75, 0.25), "cfg"),  # SoFlow: guided targets from the full net on the null label
    "pdg_sfm": ((0.75, 0.25), "pdg"),  # EFlow: guided targets from the weak (path-dropped) net
    "soflow": ((0.75, 0.25), "cfg"),   # sfm with SoFlow's own label drop and guidance fade
}
# What `soflow` changes on top of `sfm`: SoFlow's imagenet.yaml / models.py rules (cfg_drop_rate
# 0.1 as one Bernoulli coin per example in the FM and the SCM group, cfg_decay_time 0.8). The
# guidance-scale input w ~ U(2.5, 4.5) stays, as in every row (SoFlow trains at a fixed w = 3
# without a w input), so that all rows are sampled alike.
SOFLOW_RULES = dict(p_drop=0.1, path_drop_mode="bernoulli", scm_label_drop=0.1,
                    guidance_decay_time=0.8)


def row_config(*, attention: str, objective: str, token_drop: bool, mva: bool, sampler: str,
               sample_steps: int):
  config = config_lib.load_config(os.path.join(HERE, "..", "demo.py"))
  config.total_steps = BUDGET_STEPS
  config.data.batch_size = 16
  config.sample_every = BUDGET_STEPS
  config.model.attention = attention
  if attention == "sana":
    config.model.softmax_every = 0   # the Sana-Video baseline has no interleaved softmax blocks
  (fm, scm), guidance = OBJECTIVES[objective]
  config.flow.guidance_target = guidance
  # The recipe every row was measured with (the demo's before it was re-tuned for ten minutes, docs/notebook/2026-11-29-demo-retuning.md):
  # constant LR 1e-3, Adam b2 0.999, no warm-up or decay.
  lr = 1e-3
  config.optimizer.b2 = 0.999
  config.lr_schedule.update(warmup_steps=0, decay="constant", final_fraction=0.0)
  config.flow.guidance_decay_time = 1.0      # no guidance fade (SoFlow's), as measured
  if objective == "soflow":
    config.flow.update(SOFLOW_RULES)
  if mva and objective == "fm":
    raise ValueError("ablation rows add MVA to SoFlow objectives only (sfm, pdg_sfm).")
  dense_ratios = dict(ratio_fm=0.5, ratio_scm=0.25, ratio_mva=0.25) if mva else \
      dict(ratio_fm=fm, ratio_scm=scm, ratio_mva=0.0)
  config.curriculum = ml_collections.ConfigDict()
  if token_drop:
    config.curriculum.stage1 = stage_config("sparse", fraction=0.8, drop_ratio=0.75, ratio_fm=fm,
                                            ratio_scm=scm, ratio_mva=0.0, lr=lr)
    config.curriculum.stage2 = stage_config("dense", fraction=0.2, lr=lr, **dense_ratios)
  else:
    config.curriculum.stage1 = stage_config("dense", fraction=1.0, lr=lr, **dense_ratios)
  config.flow.sampler = sampler
  config.flow.inference_steps = sample_steps
  return config


def table_config(rows: dict, arg: str | None, config_file: str):
  """`configs/ablations/tableN.py:row` -> that row's config; an unknown row is a one-line error."""
  return row_config(**rows[config_lib.parse_options(arg, config_file, one_of=("row", tuple(rows)))["row"]])

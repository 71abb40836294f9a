"""The fixed CPU budget every ablation row shares, and how a row (a few choices) becomes a config.

Not a run config itself: the row files (`table2.py` ... `attention_baselines.py`) import it by path
(config files are loaded by path, not as a package). The base recipe is written out below (BASE):
the demo's model and data (configs/demo.py) at batch 16, constant LR 1e-3, trained for BUDGET_STEPS
steps; a row's file gives only its choices, so a row reads in two files.

A row is: attention type, objective (fm | sfm | pdg_sfm | soflow), token drop (SPRINT curriculum: 80% of
the steps with 75% drop, then dense) or dense throughout, MVA in the dense stage or not, and the
sampler used to evaluate it (FM rows: Euler with CFG, 2 NFE per step; SoFlow rows: Alg. 2).
"""
from eflow_jax import schema

BUDGET_STEPS = 4000
# A row's objective is one of schema/objectives.py's: fm, sfm, pdg_sfm or soflow (its flow fields and
# the split of its stages). For soflow, the guidance-scale input w ~ U(2.5, 4.5) stays, as in every
# row (SoFlow trains at a fixed w = 3 without a w input), so that all rows are sampled alike.
LR = 1e-3

# The base every row shares: the demo's model and data (configs/demo.py) with the recipe every row
# was measured with (the demo's before it was re-tuned for ten minutes,
# docs/notebook/2026-11-29-demo-retuning.md): constant LR 1e-3, Adam b2 0.999 (the schema's
# defaults: no warm-up or decay), batch 16.
BASE_MODEL = dict(num_classes=10, latent_channels=1, hidden=96, mlp_hidden=384, num_heads=4,
                  encoder_blocks=1, middle_blocks=3, decoder_blocks=1, softmax_every=3,
                  window_frames=2, patch=(2, 4, 4))
BASE_FLOW = dict(t_shift=1.0, mva_shift=1.0, inference_shift=1.0)   # 32x32 pixels: no shift
NO_FADE = dict(guidance_decay_time=1.0)     # no guidance fade, but in the soflow rows (SoFlow's rule)
BASE = dict(
    model_size="tiny", video=(8, 32, 32, 1),
    data=dict(batch_size=16, digit_size=20, max_speed=2),
    ema_decay=0.995, log_every=25, sample_every_minutes=5.0, num_samples=20, sample_columns=10,
    checkpoint=dict(every_steps=200),
)


def row_config(*, attention: str, objective: str, token_drop: bool, mva: bool, sampler: str,
               sample_steps: int, total_steps: int = BUDGET_STEPS, mva_from_start: bool = False,
               model=None, flow=None, eval=None):
  """A row: the base with the row's attention, objective, token-drop curriculum, MVA and sampler;
  `model` / `flow` / `eval` are the row's further changes to those sections."""
  if mva and objective == "fm":
    raise ValueError("ablation rows add MVA to SoFlow objectives only (sfm, pdg_sfm).")
  no_mva = dict(ratios=schema.objective_split(objective))
  with_mva = dict(ratios=schema.objective_split(objective, mva=True)) if mva or mva_from_start else {}
  dense = dict(name="dense", lr=LR, **(with_mva if mva else no_mva))
  if token_drop:
    stages = [dict(name="sparse", fraction=0.8, drop_ratio=0.75, lr=LR,
                   **(with_mva if mva_from_start else no_mva)),
              dict(dense, fraction=0.2)]
  else:
    stages = [dict(dense, fraction=1.0)]
  # The Sana-Video baseline has no interleaved softmax blocks.
  row_model = dict(BASE_MODEL, attention=attention, **({"softmax_every": 0} if attention == "sana" else {}))
  row_flow = dict(BASE_FLOW, objective=objective, **({} if objective == "soflow" else NO_FADE))
  return schema.run_config(
      **BASE, total_steps=total_steps, sample_every=BUDGET_STEPS, stages=stages,
      model=dict(row_model, **(model or {})),
      flow=dict(row_flow, sampler=sampler, inference_steps=sample_steps, **(flow or {})),
      eval=dict(dict(score_at_end=200), **(eval or {})))


def table_config(rows: dict, arg: str | None, config_file: str):
  """`configs/ablations/tableN.py:row` -> that row's config; an unknown row is a one-line error."""
  return row_config(**rows[schema.parse_options(arg, config_file, one_of=("row", tuple(rows)))["row"]])

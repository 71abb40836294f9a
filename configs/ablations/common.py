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
LR = 1e-3

# The base every row shares: the demo's model and data (configs/demo.py) with the recipe every row
# was measured with (the demo's before it was re-tuned for ten minutes,
# docs/notebook/2026-11-29-demo-retuning.md): constant LR 1e-3, Adam b2 0.999 (the schema's
# defaults: no warm-up or decay), batch 16.
BASE_MODEL = dict(num_classes=10, latent_channels=1, hidden=96, mlp_hidden=384, num_heads=4,
                  encoder_blocks=1, middle_blocks=3, decoder_blocks=1, softmax_every=3,
                  window_frames=2, patch=(2, 4, 4))
BASE_FLOW = dict(t_shift=1.0, mva_shift=1.0, inference_shift=1.0,   # 32x32 pixels: no shift
                 guidance_decay_time=1.0)                           # no guidance fade (SoFlow's)
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
  (fm, scm), guidance = OBJECTIVES[objective]
  no_mva = dict(ratio_fm=fm, ratio_scm=scm, ratio_mva=0.0)
  with_mva = dict(ratio_fm=0.5, ratio_scm=0.25, ratio_mva=0.25)
  dense = dict(name="dense", lr=LR, **(with_mva if mva else no_mva))
  if token_drop:
    stages = [dict(name="sparse", fraction=0.8, drop_ratio=0.75, lr=LR,
                   **(with_mva if mva_from_start else no_mva)),
              dict(dense, fraction=0.2)]
  else:
    stages = [dict(dense, fraction=1.0)]
  # The Sana-Video baseline has no interleaved softmax blocks.
  row_model = dict(BASE_MODEL, attention=attention, **({"softmax_every": 0} if attention == "sana" else {}))
  row_flow = dict(BASE_FLOW, guidance_target=guidance, **(SOFLOW_RULES if objective == "soflow" else {}))
  return schema.run_config(
      **BASE, total_steps=total_steps, sample_every=BUDGET_STEPS, stages=stages,
      model=dict(row_model, **(model or {})),
      flow=dict(row_flow, sampler=sampler, inference_steps=sample_steps, **(flow or {})),
      eval=dict(dict(score_at_end=200), **(eval or {})))


def table_config(rows: dict, arg: str | None, config_file: str):
  """`configs/ablations/tableN.py:row` -> that row's config; an unknown row is a one-line error."""
  return row_config(**rows[schema.parse_options(arg, config_file, one_of=("row", tuple(rows)))["row"]])

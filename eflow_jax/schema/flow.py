"""`config.flow`: the solution-flow objective and samplers, every field's default and its check
(docs/method.md §2, §3, §6).

Every switch the paper (or SoFlow, which it builds on) ablates is a field here, so that each row of
an ablation table is a `--config.flow.x=y` override. `validate_flow_config` is the single place that
turns a bad combination into a one-line ValueError saying what to change. The batch split FM : SCM :
MVA is a curriculum stage's (schema/curriculum.py), not a flow field.
"""
from __future__ import annotations

import types

import ml_collections

from eflow_jax.schema.fields import build
from eflow_jax.schema.objectives import objective_flow, validate_objective

GUIDANCE_TARGETS = ("pdg", "pdg_cond", "pdg_label", "cfg", "none")
WEAK_PATH_TARGETS = ("pdg", "pdg_cond", "pdg_label")   # the reference comes from the weak path
LABELLED_WEAK_TARGETS = ("pdg_cond", "pdg_label")       # ... at the example's own condition too
PATH_DROP_LABELS = ("null", "independent")
R_SCHEDULES = ("exponential", "constant", "linear", "cosine")
MVA_TARGETS = ("ema", "online")
SCM_FORMS = ("surrogate", "explicit")
SCM_TIME_ORDERS = ("sort", "clamp")
PATH_DROP_MODES = ("static", "bernoulli")
W_SAMPLING = ("batch", "example")
SAMPLERS = ("alg2", "one_step", "chain", "euler_cfg")


def flow_config(objective: str = "custom", **fields) -> ml_collections.ConfigDict:
  """The objective/sampler config: the docs/method.md defaults (Kinetics stage 1), then the fields
  of the named `objective` (schema/objectives.py), then `fields`."""
  c = types.SimpleNamespace(objective="custom")
  _time_sampling(c)
  _scm_schedule(c)
  _guidance(c)
  _loss_weights(c)
  _mva_target(c)
  _inference(c)
  return build("flow", vars(c), {**objective_flow(objective), **fields})


def _time_sampling(c) -> None:
  """docs/method.md §2: the times t, s of FM / SCM and the MVA grid."""
  # --- §2 time sampling: t = shift(sigmoid(u)), u ~ N(mu, sigma^2) (paper Tab. 5). ---
  c.t_mu = 0.0
  c.t_sigma = 1.0
  c.t_shift = 3.0
  c.s_mu = -1.0
  c.s_sigma = 0.8
  c.s_shift = 1.0
  # How an SCM pair (t, s) is ordered: 'sort' = t is the larger of the two draws and s the other,
  # clamped to t - min_gap (docs/method.md §2); 'clamp' = SoFlow's t = draw_t,
  # s = min(draw_s, t - min_gap).
  c.scm_time_order = "sort"
  c.min_gap = 1e-4  # smallest allowed t - s and t - l (SoFlow).
  # MVA: grid of `mva_grid_size` points uniform on [0, 1] (endpoints included), shifted.
  c.mva_grid_size = 64
  c.mva_shift = 3.0
  # N > 0: the grid also holds the times of an N-step sampler (at inference_shift below), so MVA
  # trains the very jumps such a sampler makes (an N-step grid holds those of its divisors); the
  # paper's grid is the 64 points alone (0). A training field: inference_steps stays free.
  c.mva_grid_sampler_steps = 0


def _scm_schedule(c) -> None:
  """docs/method.md §3: SCM's intermediate time l."""
  # --- §3 SCM intermediate time l = t + (s - t) * r(k). ---
  c.r_schedule = "exponential"  # exponential | constant | linear | cosine
  c.r_init = 0.1  # SoFlow ImageNet; the CIFAR recipe uses 1.0 -> 1e-3.
  c.r_end = 0.002


def _guidance(c) -> None:
  """docs/method.md §3: the guided target (Eq. 11), path drop, label drop."""
  # --- §3 guided target (paper Eq. 11) and velocity mix. ---
  # pdg (weak path, null cond) | pdg_cond (weak path, own cond: autoguidance-style, needs
  # path_drop_label='independent') | pdg_label (v + (w - 1)(F_weak(c) - F_weak(∅)): the weak path's
  # own class direction, needs path_drop_label='independent') | cfg (full net, null cond) | none (plain v)
  # PDG needs the token-drop stage: it is what makes the weak path a good unconditional model. Dense
  # throughout, PDG fell 31 points behind cfg; with 80% of the steps token-dropped it was level in
  # FVD (docs/results.md, Tab. 4).
  c.guidance_target = "pdg"
  c.w_min = 2.5
  c.w_max = 4.5
  c.w_sampling = "batch"  # one w per batch (paper) | one per example
  c.unguided_w = 0.0  # the guidance input of the unconditional / path-dropped passes (paper: w=0)
  # SoFlow's cfg_decay_time: above it the target's guidance fades out (targets.guidance_decay) in
  # the FM and SCM targets, pdg and cfg alike; 1.0 = full guidance at every t (paper Eq. 11 as written).
  c.guidance_decay_time = 0.8
  # Guidance only for t in [lo, hi] (a guidance interval, as SPRINT's sampler and Kynkaanniemi et
  # al. 2024 apply at inference; here in the target): outside it the target is the plain v.
  c.guidance_interval = (0.0, 1.0)
  c.velocity_mix = 0.25  # m in v_tgt = m * v_guided + (1 - m) * sg(F(x_t, t, t, c, w))
  c.p_drop = 0.2  # path-drop probability within the FM group
  # 'static': exactly round(p_drop * n_fm) examples of the FM group are path-dropped (the batch is
  # i.i.d., so a fixed slice is a random subset); each sub-group runs only the pass it needs.
  # 'bernoulli': an independent coin per example; every FM example runs both passes and selects.
  c.path_drop_mode = "static"
  # Which condition a path-dropped example sees. 'null': Alg. 1, always the null condition (the
  # weak path learns only the unconditional velocity). 'independent': SPRINT's scheme (its sit.py:
  # path drop and label drop are separate coins), so the weak path also trains on labels; then
  # `path_drop_null_share` of the path-dropped examples (a coin each) see the null condition, and
  # `label_drop` of the other FM examples (round-half-up, a fixed slice like path drop) train the
  # full net at the null condition with target v. Static path drop only.
  c.path_drop_label = "null"
  c.label_drop = 0.1   # SPRINT's class_dropout_prob; read only with path_drop_label='independent'
  c.path_drop_null_share = 0.1   # SPRINT: its one label-drop coin, so equal to label_drop
  # SoFlow also drops labels in the SCM group (its cfg_drop_rate, 0.1, in both losses): a dropped
  # example's two passes see the null condition and the Euler step uses the plain v. EFlow's
  # Alg. 1 drops in the FM group only (p_drop above), hence 0.0 here; the ablations' SoFlow rows
  # can set it.
  c.scm_label_drop = 0.0


def _loss_weights(c) -> None:
  """docs/method.md §3: the adaptive weight and the SCM loss form."""
  # --- §3 adaptive weight w_ad = sg(1 / (mse + eps)^p) (SoFlow). ---
  c.weight_p = 1.0
  c.weight_eps = 0.01
  # SCM loss form: SoFlow's surrogate -mean(F_t * sg(dq * w_ad)) or the paper's explicit
  # w_ad * mse(f_t, f_l) / ((t - l)(t - s)); the explicit gradient is exactly 2x the surrogate's.
  c.scm_form = "surrogate"


def _mva_target(c) -> None:
  """docs/method.md §3: MVA's target network."""
  c.mva_target = "ema"  # ema | online (both under stop-gradient)
  c.mva_adaptive_weight = False  # Eq. 12 has no weight; True applies w_ad to the MVA residual too.


def _inference(c) -> None:
  """docs/method.md §6: the sampler."""
  # --- §6 inference. ---
  c.sampler = "alg2"  # alg2 | one_step | chain | euler_cfg (FM baseline, 2 NFE / step)
  c.inference_steps = 4
  c.inference_shift = 3.0
  c.w_inf = 4.0  # guidance input of the solution map (alg2/chain/one_step) or CFG scale (euler_cfg)


def _one_of(cfg, name, allowed):
  value = cfg[name]
  if value not in allowed:
    raise ValueError(f"flow.{name}={value!r} is unknown; use one of {', '.join(allowed)}.")


def flow_type_problem(description: dict) -> str | None:
  """Why an export description's flow section cannot be sampled with (a number typed as text, a
  null where a number goes: an edit of config.json by hand), or None. Checked against the types
  of flow_config()'s defaults, before anything is built."""
  flow, defaults = (description.get("config") or {}).get("flow") or {}, flow_config()
  for key, value in flow.items():
    default = defaults.get(key)
    if isinstance(default, bool) or default is None:
      wrong = isinstance(default, bool) and not isinstance(value, bool)
    elif isinstance(default, (int, float)):
      wrong = isinstance(value, bool) or not isinstance(value, (int, float))
    else:
      wrong = isinstance(default, str) and not isinstance(value, str)
    if wrong:
      return f"config.flow.{key}={value!r} is a {type(value).__name__}; it takes a {type(default).__name__}"
  return None


def validate_flow_config(cfg) -> None:
  """Raises ValueError (one line, naming the field to change) for an invalid flow config."""
  validate_objective(cfg)
  _one_of(cfg, "guidance_target", GUIDANCE_TARGETS)
  _one_of(cfg, "r_schedule", R_SCHEDULES)
  _one_of(cfg, "mva_target", MVA_TARGETS)
  _one_of(cfg, "scm_form", SCM_FORMS)
  _one_of(cfg, "scm_time_order", SCM_TIME_ORDERS)
  _one_of(cfg, "path_drop_mode", PATH_DROP_MODES)
  _one_of(cfg, "path_drop_label", PATH_DROP_LABELS)
  if cfg.path_drop_label == "independent":
    if cfg.guidance_target not in WEAK_PATH_TARGETS or cfg.path_drop_mode != "static":
      raise ValueError("flow.path_drop_label='independent' (SPRINT's coins) needs the weak path and "
                       "static path drop: set guidance_target=pdg, pdg_cond or pdg_label and "
                       "path_drop_mode=static.")
  if cfg.guidance_target in LABELLED_WEAK_TARGETS and cfg.path_drop_label != "independent":
    raise ValueError(f"flow.guidance_target={cfg.guidance_target!r} guides with the weak path at the "
                     f"example's own condition, which Alg. 1 never trains: set "
                     f"flow.path_drop_label=independent.")
  _one_of(cfg, "w_sampling", W_SAMPLING)
  _one_of(cfg, "sampler", SAMPLERS)
  if cfg.w_min > cfg.w_max:
    raise ValueError(f"flow.w_min={cfg.w_min} > flow.w_max={cfg.w_max}; set w_min <= w_max.")
  for name in ("w_min", "w_inf"):    # below 0 a guidance scale is neither guided nor unguided (docs/method.md §3)
    if cfg[name] < 0:
      raise ValueError(f"flow.{name}={cfg[name]} must be >= 0, as --guidance must (1 = no guidance; the paper "
                       f"trains on U(2.5, 4.5)).")
  for name in ("t_sigma", "s_sigma"):
    if not cfg[name] > 0:
      raise ValueError(f"flow.{name}={cfg[name]} must be > 0.")
  for name in ("t_shift", "s_shift", "mva_shift", "inference_shift"):
    if not cfg[name] > 0:
      raise ValueError(f"flow.{name}={cfg[name]} must be > 0.")
  if not 0.0 < cfg.guidance_decay_time <= 1.0:
    raise ValueError(f"flow.guidance_decay_time={cfg.guidance_decay_time} must lie in (0, 1] (1 = no decay).")
  interval = tuple(cfg.guidance_interval)
  if len(interval) != 2 or not 0.0 <= interval[0] < interval[1] <= 1.0:
    raise ValueError(f"flow.guidance_interval={interval} must be (lo, hi) with 0 <= lo < hi <= 1.")
  for name in ("velocity_mix", "p_drop", "scm_label_drop", "label_drop", "path_drop_null_share"):
    if not 0.0 <= cfg[name] <= 1.0:
      raise ValueError(f"flow.{name}={cfg[name]} must lie in [0, 1].")
  if cfg.weight_p < 0 or cfg.weight_eps <= 0:
    raise ValueError(f"flow.weight_p must be >= 0 and flow.weight_eps > 0; got "
                     f"{cfg.weight_p}, {cfg.weight_eps}.")
  if not 0 < cfg.min_gap < 0.5:
    raise ValueError(f"flow.min_gap={cfg.min_gap} must lie in (0, 0.5).")
  if cfg.mva_grid_sampler_steps < 0:
    raise ValueError(f"flow.mva_grid_sampler_steps={cfg.mva_grid_sampler_steps} must be >= 0 (0 = off).")
  if cfg.mva_grid_size < 3:
    raise ValueError(f"flow.mva_grid_size={cfg.mva_grid_size} must be >= 3 to draw t > l > s.")
  if cfg.inference_steps < 1:
    raise ValueError(f"flow.inference_steps={cfg.inference_steps} must be >= 1.")
  if cfg.r_schedule == "exponential" and not (cfg.r_init > 0 and cfg.r_end > 0):
    raise ValueError("flow.r_init and flow.r_end must be > 0 for r_schedule='exponential'.")
  for name in ("r_init", "r_end"):
    if not 0.0 <= cfg[name] <= 1.0:
      raise ValueError(f"flow.{name}={cfg[name]} must lie in [0, 1].")

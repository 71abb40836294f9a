"""FM, SCM and MVA losses (paper Eqs. 3, 4, 12; docs/method.md §3), registered as the objective's
terms (flow/terms.py), and the batch-split total loss over whichever terms a stage names.

Each term is written for ONE example and `vmap`ped over its group, so a group runs only the network
passes its term needs (FM: 1-2, SCM: 2-4, MVA: 3). Networks are callables
`net(x, t, s, cond, w, weak) -> F` (no batch dim); the solution map is f = x + (s - t) F.

Networks the train step passes to `total_loss`:
  net      online params, differentiated.
  net_sg   online params under stop-gradient: SCM targets, guidance / mix passes. Defaults to
           `stop_gradient(net(...))`; pass a separate callable to skip building its backward pass
           or to use a different token-drop rng.
  net_ema  EMA params: the MVA target when `mva_target='ema'` (required then).
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import chex
import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax.schema.flow import LABELLED_WEAK_TARGETS, validate_flow_config
from eflow_jax.flow import targets
from eflow_jax.flow import timesteps
from eflow_jax.flow.terms import TERMS, GroupContext, Term, register_term, split_of

sg = jax.lax.stop_gradient
Net = Callable[..., jax.Array]


# ----------------------------------------------------------------------------------------------
# Building blocks.
# ----------------------------------------------------------------------------------------------
def call_net(net: Net, x, t, s, cond, w, weak: bool):
  """net(...) with the contract checked: scalar f32 times, output of x's shape."""
  t, s, w = (jnp.asarray(a, jnp.float32) for a in (t, s, w))
  chex.assert_rank([t, s, w], 0)
  out = net(x, t, s, cond, w, weak)
  chex.assert_shape(out, x.shape)
  return out


def solution_map(net: Net, x, t, s, cond, w, weak: bool = False):
  """f(x, t, s) = x + (s - t) F(x, t, s): the boundary f(x, t, t) = x holds by construction."""
  return x + (s - t) * call_net(net, x, t, s, cond, w, weak)


def adaptive_weight(mse, p: float = 1.0, eps: float = 0.01):
  """sg(1 / (mse + eps)^p): SoFlow's robust weighting, which keeps hard examples from dominating."""
  return sg(1.0 / (mse + eps) ** p)


def _mse(a, b):
  return jnp.mean(jnp.square(a - b))


def guidance_input(w, cfg):
  """The guidance input fed to the network: the sampled w, or `unguided_w` when guidance is off."""
  return jnp.asarray(cfg.unguided_w if cfg.guidance_target == "none" else w, jnp.float32)


def _select(flag, when_true, when_false):
  """Per-example where() over a pytree (a condition) or an array."""
  return jax.tree.map(lambda a, b: jnp.where(flag, a, b), when_true, when_false)


# ----------------------------------------------------------------------------------------------
# Per-example losses. Each returns (loss, aux) with aux = {'mse', 'weight', 'dropped'}.
# ----------------------------------------------------------------------------------------------
def fm_example(net: Net, x0, eps, t, cond, w, *, drop, null_cond: Callable, cfg,
               net_sg: Net | None = None, label_drop=None):
  """Flow matching (Eq. 3) with the guided, mixed target and path drop, for one example.

  drop: Python bool (only the needed pass runs) or traced bool (both passes run, then select).
  A path-dropped example trains the unconditional model: null condition, weak path under PDG
  (full path otherwise), guidance input `unguided_w`, plain target v (Alg. 1 lines 7-8).
  label_drop: None = Alg. 1 (a path-dropped example is also label-dropped, no other example is).
  SPRINT's independent coins (`flow.path_drop_label='independent'`, static drop only): on a
  path-dropped example a (traced) bool choosing the null condition or the label for the weak
  pass; on a kept one a Python bool, True = the full network at the null condition, target v.
  """
  net_sg = net_sg or (lambda *a: sg(net(*a)))
  x_t, v = targets.interpolate(x0, eps, t)
  guidance = guidance_input(w, cfg)
  unguided = jnp.asarray(cfg.unguided_w, jnp.float32)
  weak = targets.uses_weak_path(cfg.guidance_target)

  def path_dropped_pred():
    if label_drop is None:
      dropped_cond = null_cond(cond)
    else:   # SPRINT: the weak path also trains on labels
      dropped_cond = _select(jnp.asarray(label_drop, bool), null_cond(cond), cond)
    return call_net(net, x_t, t, t, dropped_cond, unguided, weak)

  def guided_target(pred, v_ref=None):
    return targets.velocity_target(net_sg, x_t, t, v, cond, guidance, null_cond=null_cond, cfg=cfg,
                                   v_pred=pred, v_ref=v_ref)

  if isinstance(drop, bool):
    if drop:
      pred, target = path_dropped_pred(), v
    elif label_drop is True:     # SPRINT's label-only drop: the full net learns the null label
      pred, target = call_net(net, x_t, t, t, null_cond(cond), unguided, False), v
    else:
      pred = call_net(net, x_t, t, t, cond, guidance, False)
      target = guided_target(pred)
  else:  # traced coin: the dropped pass doubles as the (stop-gradient) unconditional velocity.
    if label_drop is not None or cfg.guidance_target in LABELLED_WEAK_TARGETS:
      raise ValueError("path_drop_mode='bernoulli' is Alg. 1's scheme only; use 'static' for "
                       "path_drop_label='independent' or guidance_target='pdg_cond' / 'pdg_label'.")
    dropped_pred = path_dropped_pred()
    kept_pred = call_net(net, x_t, t, t, cond, guidance, False)
    drop = jnp.asarray(drop, bool)
    pred = jnp.where(drop, dropped_pred, kept_pred)
    target = jnp.where(drop, v, guided_target(kept_pred, dropped_pred))
  mse = _mse(pred, target)
  weight = adaptive_weight(sg(mse), cfg.weight_p, cfg.weight_eps)
  # v_mse: error against the plain conditional velocity. The mixed target partly follows the
  # prediction itself, so its mse stays small; this one is the learning curve to watch.
  return weight * mse, {"mse": sg(mse), "weight": weight, "dropped": jnp.asarray(drop, jnp.float32),
                        "v_mse": sg(_mse(pred, v))}


def scm_example(net: Net, x0, eps, t, l, s, cond, w, *, null_cond: Callable, cfg,
                net_sg: Net | None = None, drop=False):
  """Solution consistency matching (Eq. 4) for one example, s < l < t.

  Target f_l = sg(f(x_l, l, s)) at the Euler step x_l = x_t + v_tgt (l - t), with the online
  weights (SoFlow: no EMA). dq = (f_t - f_l) / (t - l) is a finite-difference estimate of the
  PDE residual; w_ad = sg(1 / (mean(dq^2) + eps)^p).
  'surrogate': -mean(F_t * sg(dq * w_ad)) (SoFlow; sign(s - t) = -1, no division of tiny numbers).
  'explicit':  w_ad * mse(f_t, f_l) / ((t - l)(t - s)) (paper's w_SCM); its gradient is exactly
               2x the surrogate's.
  drop: (traced) bool, SoFlow's label drop in the consistency loss (`flow.scm_label_drop`): both
  passes see the null condition and guidance input `unguided_w`, and the Euler step to x_l uses
  the plain v (SoFlow `models.py`, get_consistency_loss). The full path runs either way, so the
  coin only selects inputs: no extra pass.
  """
  net_sg = net_sg or (lambda *a: sg(net(*a)))
  x_t, v = targets.interpolate(x0, eps, t)
  guidance = guidance_input(w, cfg)
  v_tgt = targets.velocity_target(net_sg, x_t, t, v, cond, guidance, null_cond=null_cond, cfg=cfg)
  if drop is not False:      # a traced coin (or True): both passes see the selected inputs
    drop = jnp.asarray(drop, bool)
    cond = _select(drop, null_cond(cond), cond)
    guidance = jnp.where(drop, jnp.asarray(cfg.unguided_w, jnp.float32), guidance)
    v_tgt = jnp.where(drop, v, v_tgt)
  f_t_vel = call_net(net, x_t, t, s, cond, guidance, False)
  f_t = x_t + (s - t) * f_t_vel
  x_l = x_t + v_tgt * (l - t)
  f_l = sg(solution_map(net_sg, x_l, l, s, cond, guidance))
  dq = sg(f_t - f_l) / (t - l)
  mse = jnp.mean(jnp.square(dq))
  weight = adaptive_weight(mse, cfg.weight_p, cfg.weight_eps)
  if cfg.scm_form == "surrogate":
    loss = -jnp.mean(f_t_vel * sg(dq * weight))
  elif cfg.scm_form == "explicit":
    loss = weight * _mse(f_t, f_l) / ((t - l) * (t - s))
  else:
    raise ValueError(f"flow.scm_form={cfg.scm_form!r} is unknown; use surrogate or explicit.")
  return loss, {"mse": mse, "weight": weight, "dropped": jnp.asarray(drop, jnp.float32)}


def mva_residual(net: Net, net_target: Net, x_t, t, l, s, cond, w):
  """f(x_t, t, s) - f⁻(f⁻(x_t, t, l), l, s): the semigroup defect (App. A, Lemma 1)."""
  direct = solution_map(net, x_t, t, s, cond, w)
  x_l = sg(solution_map(net_target, x_t, t, l, cond, w))
  return direct - sg(solution_map(net_target, x_l, l, s, cond, w))


def mva_example(net: Net, net_target: Net, x0, eps, t, l, s, cond, w, *, cfg):
  """Mean-velocity additivity (Eq. 12) for one example on grid times s < l < t."""
  x_t, _ = targets.interpolate(x0, eps, t)
  r = mva_residual(net, net_target, x_t, t, l, s, cond, guidance_input(w, cfg))
  mse = jnp.mean(jnp.square(r))
  weight = (adaptive_weight(sg(mse), cfg.weight_p, cfg.weight_eps) if cfg.mva_adaptive_weight
            else jnp.float32(1.0))
  return weight * mse, {"mse": sg(mse), "weight": weight, "dropped": jnp.float32(0.0)}


# ----------------------------------------------------------------------------------------------
# Batch split and total loss.
# ----------------------------------------------------------------------------------------------
def _round_half_up(x: float) -> int:
  return int(math.floor(x + 0.5 + 1e-9))


def group_sizes(batch_size: int, ratios) -> dict[str, int]:
  """Static {term: examples} summing to batch_size, by largest remainder, for the terms with a
  positive share (registry order: flow/terms.py).

  Each term gets floor(share * B); the leftover examples go one each to the terms with the largest
  fractional parts (ties: registry order, fm before scm before mva). A positive share that would
  get 0 examples raises ValueError.
  """
  split = split_of(ratios)
  raw = [share * batch_size for _, share in split]
  sizes = [int(math.floor(x + 1e-9)) for x in raw]
  order = sorted(range(len(split)), key=lambda i: (-(raw[i] - sizes[i]), i))
  for i in order[: batch_size - sum(sizes)]:
    sizes[i] += 1
  for (name, share), n in zip(split, sizes):
    if n == 0:
      raise ValueError(f"batch size {batch_size} gives the {name} group (ratio {share}) no "
                       "example; raise the batch size or set that ratio to 0.")
  return {name: n for (name, _), n in zip(split, sizes)}


def num_path_dropped(n_fm: int, p_drop: float) -> int:
  """Examples of the FM group path-dropped in 'static' mode: round-half-up(p_drop * n_fm)."""
  return min(n_fm, _round_half_up(p_drop * n_fm))


def aligned_split(batch_size: int, ratios, p_drop: float, multiple: int) -> tuple[dict[str, int], int]:
  """({term: examples}, FM's path-dropped count), every slice boundary a multiple of `multiple` if
  possible.

  With the batch sharded over `multiple` devices, a group whose size is not a multiple of it
  forces XLA to reshard the group (measured: 8 CPU devices ran at 0.5x of one device). So the
  split is made in units of `multiple` examples (same largest-remainder rule), provided every
  positive share (and a positive p_drop) still gets at least one unit; otherwise the exact
  per-example split is kept. multiple = 1 is exactly `group_sizes` + `num_path_dropped`.
  """
  exact = group_sizes(batch_size, ratios)
  exact_split = (exact, num_path_dropped(exact.get("fm", 0), p_drop))
  if multiple <= 1 or batch_size % multiple:
    return exact_split
  try:
    units = group_sizes(batch_size // multiple, ratios)
  except ValueError:                  # a positive share would get no unit
    return exact_split
  dropped = num_path_dropped(units.get("fm", 0), p_drop)
  if p_drop > 0 and units.get("fm", 0) and dropped == 0:
    return exact_split
  return {name: n * multiple for name, n in units.items()}, dropped * multiple


def _take(tree, lo, hi):
  return jax.tree.map(lambda a: a[lo:hi], tree)


def _group_metrics(name, losses, aux):
  metrics = {f"{name}/loss": jnp.mean(losses), f"{name}/mse": jnp.mean(aux["mse"]),
             f"{name}/weight": jnp.mean(aux["weight"]), f"{name}/dropped": jnp.mean(aux["dropped"])}
  if "v_mse" in aux:
    metrics[f"{name}/v_mse"] = jnp.mean(aux["v_mse"])
  return metrics


class Nets(NamedTuple):
  """The callables a loss group may run (module doc) and the null-condition map."""
  net: Net
  net_sg: Net
  net_ema: Net | None
  null_cond: Callable


# Each term: (nets, cfg, x0, cond, w, key, context) -> (per-example losses, aux), for its slice of
# the batch (flow/terms.py). `key` is the term's own; each draws its noise and times from it.
def fm_group(nets: Nets, cfg, x, cond, w, key, context: GroupContext):
  """FM (Eq. 3) over a slice: path-dropped examples first (static), or a coin each (bernoulli)."""
  k_noise, k_time, k_drop = jax.random.split(key, 3)
  eps = jax.random.normal(k_noise, x.shape, x.dtype)
  t = timesteps.sample_fm_time(k_time, (x.shape[0],), cfg)
  kw = dict(null_cond=nets.null_cond, cfg=cfg, net_sg=nets.net_sg)
  if cfg.path_drop_mode == "bernoulli":
    coins = jax.random.bernoulli(k_drop, cfg.p_drop, (x.shape[0],))
    return jax.vmap(lambda x_, e_, t_, c_, w_, d_: fm_example(nets.net, x_, e_, t_, c_, w_, drop=d_, **kw)
                    )(x, eps, t, cond, w, coins)

  def run(lo, hi, drop, label_drop, coins=None):   # examples lo:hi; `coins`: their label drops
    return jax.vmap(lambda x_, e_, t_, c_, w_, l_: fm_example(
        nets.net, x_, e_, t_, c_, w_, drop=drop, label_drop=label_drop if l_ is None else l_, **kw))(
            x[lo:hi], eps[lo:hi], t[lo:hi], _take(cond, lo, hi), w[lo:hi], coins)

  n, nd = x.shape[0], context.n_dropped
  if cfg.path_drop_label == "independent":   # SPRINT: [path-dropped | label-dropped | kept]
    nl = min(n - nd, _round_half_up(cfg.label_drop * (n - nd)))
    coins = jax.random.bernoulli(jax.random.fold_in(k_drop, 1), cfg.path_drop_null_share, (nd,))
    slices = [(0, nd, True, None, coins), (nd, nd + nl, False, True), (nd + nl, n, False, False)]
  else:                                       # Alg. 1: [path-dropped | kept]
    slices = [(0, nd, True, None), (nd, n, False, None)]
  parts = [run(*piece) for piece in slices if piece[1] > piece[0]]
  return (jnp.concatenate([p[0] for p in parts]),
          jax.tree.map(lambda *a: jnp.concatenate(a), *[p[1] for p in parts]))


def scm_group(nets: Nets, cfg, x, cond, w, key, context: GroupContext):
  """SCM (Eq. 4) over a slice, with SoFlow's per-example label drop when flow.scm_label_drop > 0."""
  k_noise, k_time = jax.random.split(key)
  eps = jax.random.normal(k_noise, x.shape, x.dtype)
  t, l, s = timesteps.sample_scm_times(k_time, (x.shape[0],), cfg, context.step, context.total_steps)
  # One coin per example (SoFlow's cfg_drop_rate); off (0.0), no coin is drawn. fold_in leaves
  # k_noise and k_time, and so every run without the drop, unchanged.
  p_label = cfg.scm_label_drop
  coins = (jax.random.bernoulli(jax.random.fold_in(key, 1), p_label, (x.shape[0],)) if p_label
           else np.zeros((x.shape[0],), bool))
  return jax.vmap(lambda x_, e_, t_, l_, s_, c_, w_, d_: scm_example(
      nets.net, x_, e_, t_, l_, s_, c_, w_, null_cond=nets.null_cond, cfg=cfg, net_sg=nets.net_sg,
      drop=d_ if p_label else False))(x, eps, t, l, s, cond, w, coins)


def mva_group(nets: Nets, cfg, x, cond, w, key, context: GroupContext):  # pylint: disable=unused-argument
  """MVA (Eq. 12) over a slice, on grid triples, against the EMA (or online, stop-gradient) net."""
  k_noise, k_time = jax.random.split(key)
  eps = jax.random.normal(k_noise, x.shape, x.dtype)
  grid = timesteps.mva_grid(cfg.mva_grid_size, cfg.mva_shift, cfg.mva_grid_sampler_steps,
                            cfg.inference_shift)
  t, l, s = timesteps.sample_mva_times(k_time, (x.shape[0],), grid)
  target = nets.net_ema if cfg.mva_target == "ema" else nets.net_sg
  return jax.vmap(lambda *a: mva_example(nets.net, target, *a, cfg=cfg))(x, eps, t, l, s, cond, w)


def total_loss(net: Net, batch, key, step, total_steps, *, cfg, null_cond: Callable,
               ratios, net_sg: Net | None = None, net_ema: Net | None = None,
               group_multiple: int = 1):
  """L = sum_g (n_g / B) * mean_g(loss) over disjoint slices of the batch, one per term of `ratios`.

  Args:
    net, net_sg, net_ema: per-example callables (see module doc).
    batch: (x0, cond): x0 (B, ...) float, cond a pytree with leading dim B.
    key: PRNG key; split here into guidance scale, per-group noise, times and path-drop coins.
    step, total_steps: k and K of the r(k) schedule (step may be traced).
    cfg: `flow_config()` ConfigDict (static).
    null_cond: cond of one example -> the null cond of one example.
    ratios: static {term: share} (or its (term, share) pairs): the split of the curriculum stage
      (schema/curriculum.py; terms: flow/terms.py).
    group_multiple: make group (and static path-drop) boundaries multiples of this when the
      ratios allow (`aligned_split`); the train step passes its data-parallel size.
  Returns:
    (loss, metrics): metrics has '<term>/{loss,mse,weight,dropped}' for each term of the split,
    'w' (mean guidance scale), 'r' (SCM gap fraction) and 'loss'.
  The weight n_g / B equals the ratio when ratio * B is an integer, and makes L the batch mean of
  the per-example losses.
  """
  validate_flow_config(cfg)
  x0, cond = batch
  bsz = x0.shape[0]
  jax.tree.map(lambda a: chex.assert_axis_dimension(a, 0, bsz), cond)
  sizes, n_dropped = aligned_split(bsz, ratios, cfg.p_drop, group_multiple)
  for name in sizes:
    if TERMS[name].needs_ema(cfg) and net_ema is None:
      raise ValueError("flow.mva_target='ema' needs net_ema; pass it or set mva_target='online'.")
  nets = Nets(net, net_sg or (lambda *a: sg(net(*a))), net_ema, null_cond)
  # One key for the guidance scale and one per registered term (fm, scm, mva: split(key, 4)).
  keys = dict(zip(["w", *TERMS], jax.random.split(key, 1 + len(TERMS))))
  if cfg.w_sampling == "batch":
    w_all = jnp.full((bsz,), targets.sample_guidance_scale(keys["w"], (), cfg.w_min, cfg.w_max))
  else:
    w_all = targets.sample_guidance_scale(keys["w"], (bsz,), cfg.w_min, cfg.w_max)

  context = GroupContext(step, total_steps, n_dropped)
  metrics, total, lo = {}, jnp.float32(0.0), 0
  for name, n in sizes.items():
    losses, aux = TERMS[name].loss(nets, cfg, x0[lo:lo + n], _take(cond, lo, lo + n), w_all[lo:lo + n],
                                   keys[name], context)
    metrics.update(_group_metrics(name, losses, aux))
    total = total + jnp.sum(losses) / bsz
    lo += n
  r = timesteps.r_schedule(step, total_steps, cfg.r_schedule, cfg.r_init, cfg.r_end)
  metrics.update({"loss": total, "w": jnp.mean(guidance_input(w_all, cfg)), "r": r})
  return total, metrics


# The paper's three terms, in the order the batch is cut (Alg. 1: FM, then SCM, then MVA).
register_term("fm", Term(fm_group, shown="v_mse"))       # the FM error against the plain v
register_term("scm", Term(scm_group))
register_term("mva", Term(mva_group, needs_ema=lambda cfg: cfg.mva_target == "ema"))

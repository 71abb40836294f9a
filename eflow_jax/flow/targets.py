"""Regression targets: conditional velocity, guided targets (pdg | pdg_cond | pdg_label | cfg | none),
velocity mix.

Everything here is written for ONE example. The network is a callable
`net(x, t, s, cond, w, weak) -> F` with F of x's shape; every network output used inside a target
is wrapped in `stop_gradient`, so targets never carry gradient whichever callable is passed.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from eflow_jax.schema.flow import WEAK_PATH_TARGETS

sg = jax.lax.stop_gradient


def interpolate(x0, eps, t):
  """x_t = (1 - t) x0 + t eps and the conditional velocity v = eps - x0 (docs/method.md §0)."""
  return (1.0 - t) * x0 + t * eps, eps - x0


def sample_guidance_scale(key, shape, w_min: float, w_max: float):
  """w ~ U(w_min, w_max); varying w in training lets inference pick any scale in the range."""
  return jax.random.uniform(key, shape, jnp.float32, w_min, w_max)


def guided_velocity(v, v_uncond, w):
  """Eq. 11: w * v + (1 - w) * v_uncond (CFG folded into the target, so sampling needs 1 NFE)."""
  return w * v + (1.0 - w) * v_uncond


def guidance_decay(t, decay_time: float):
  """SoFlow's fade of guidance near pure noise (its `cfg_decay_time`; docs/method.md §3): 1 for
  t <= decay_time, then 1 - exp(-0.025 u / (1 - u)) with u = clamp((1 - t) / (1 - decay_time), 0,
  1 - 1e-6), which reaches 0 at t = 1. At high noise the guided target's (w - 1)(v - v_uncond) is
  mostly noise; fading it keeps that variance out of the target. decay_time >= 1: no fade."""
  t = jnp.asarray(t, jnp.float32)
  if decay_time >= 1.0:
    return jnp.ones_like(t)
  u = jnp.clip((1.0 - t) / (1.0 - decay_time), 0.0, 1.0 - 1e-6)
  return jnp.where(t <= decay_time, 1.0, 1.0 - jnp.exp(-0.025 * u / (1.0 - u)))


def decayed_scale(w, t, decay_time: float, interval=(0.0, 1.0)):
  """The guidance scale of the target at time t: v + d (w - 1)(v - v_u) = w' v + (1 - w') v_u
  with w' = 1 + d(t) (w - 1), so Eq. 11 applies unchanged with w'. `interval` (lo, hi): guidance
  only for lo <= t <= hi, w' = 1 (the plain conditional v) outside, as guidance-interval samplers
  do at inference (SPRINT's guidance_low / guidance_high). decay_time >= 1 and the full interval
  (0, 1): w itself (bit for bit, so runs without either are exactly Eq. 11)."""
  lo, hi = (float(a) for a in interval)
  if decay_time >= 1.0 and lo <= 0.0 and hi >= 1.0:
    return w
  gate = guidance_decay(t, decay_time)
  if lo > 0.0 or hi < 1.0:
    gate = gate * ((t >= lo) & (t <= hi))
  return 1.0 + gate * (w - 1.0)


def mix_velocity(v_guided, v_pred, m: float):
  """SoFlow's velocity mix m * v_guided + (1 - m) * sg(v_pred): damps the guided target's variance
  by leaning on the model's own current estimate."""
  return m * v_guided + (1.0 - m) * sg(v_pred)


def uses_weak_path(guidance_target: str) -> bool:
  """Whether the unconditional velocity (and hence path drop) uses the weak path.

  PDG trains the weak path as the unconditional model ('pdg_cond': as a conditional "bad model";
  'pdg_label': at both conditions); 'cfg' (SFM) and 'none' (plain FM, guided only at sampling time
  by Euler+CFG) need the full network's unconditional velocity instead.
  """
  return guidance_target in WEAK_PATH_TARGETS


def reference_condition(cond, null_cond, guidance_target: str):
  """The condition of the velocity the guided target pushes away from: the null condition, or
  for 'pdg_cond' the example's own (autoguidance, Karras et al. 2024: guide with a weaker model of
  the same condition, here the weak path, w v + (1 - w) v_weak(c))."""
  return cond if guidance_target == "pdg_cond" else null_cond(cond)


def uncond_velocity(net, x_t, t, null, unguided_w: float, guidance_target: str):
  """sg(F(x_t, t, t, null, unguided_w)) on the weak path (pdg, pdg_cond) or the full path (cfg).

  `null` is the condition itself (not the `null_cond` callable): the null condition, or the
  example's own for 'pdg_cond' (`reference_condition`).
  """
  w = jnp.asarray(unguided_w, jnp.float32)
  return sg(net(x_t, t, t, null, w, uses_weak_path(guidance_target)))


def weak_label_direction(net, x_t, t, cond, null, unguided_w: float):
  """sg(F_weak(c) - F_weak(∅)), both at the unguided w: the weak path's own estimate of the class
  direction v(c) - v(∅). Both terms come from one network, so what the weak path lacks against the
  full one (the capacity gap that dominates PDG's direction here, docs/results.md, Tab. 4)
  cancels, as it does in CFG's same-network difference."""
  w = jnp.asarray(unguided_w, jnp.float32)
  return sg(net(x_t, t, t, cond, w, True) - net(x_t, t, t, null, w, True))


def velocity_target(net, x_t, t, v, cond, w, *, null_cond, cfg, v_pred=None, v_ref=None):
  """The target velocity v_tgt of a non-dropped example (docs/method.md §3): Eq. 11 and SoFlow's mix,
  written once for the FM and the SCM group.

  - 'none': plain v.
  - 'pdg' / 'pdg_cond' / 'cfg': m * (w' v + (1 - w') v_ref) + (1 - m) * sg(F(x_t, t, t, c, w)),
    where v_ref is the weak path at the null condition (pdg) or at c (pdg_cond), or the full
    network at the null condition (cfg), at the unguided w; w' = decayed_scale(w, t, ...) (= w
    by default) and m = cfg.velocity_mix.
  - 'pdg_label': the same with v_ref = v - (F_weak(c) - F_weak(∅)), i.e. the guided velocity is
    v + (w' - 1)(F_weak(c) - F_weak(∅)): CFG's target with the class direction read from the weak
    path at both conditions (`weak_label_direction`), so no full-network pass is added.
  `v_pred` is F(x_t, t, t, c, w) and `v_ref` the reference velocity if the caller already has them
  (the FM pass; a traced path-drop coin's unconditional pass); else a stop-gradient pass makes each.
  """
  kind = cfg.guidance_target
  if kind == "none":
    return v
  if kind not in ("pdg", "pdg_cond", "pdg_label", "cfg"):
    raise ValueError(f"flow.guidance_target={kind!r} is unknown; use pdg, pdg_cond, pdg_label, cfg "
                     f"or none.")
  if kind == "pdg_label":
    v_ref = v - weak_label_direction(net, x_t, t, cond, null_cond(cond), cfg.unguided_w)
  elif v_ref is None:
    v_ref = uncond_velocity(net, x_t, t, reference_condition(cond, null_cond, kind),
                            cfg.unguided_w, kind)
  scale = decayed_scale(w, t, cfg.guidance_decay_time, cfg.guidance_interval)
  v_guided = guided_velocity(v, sg(v_ref), scale)
  if cfg.velocity_mix >= 1.0:
    return sg(v_guided)
  if v_pred is None:
    v_pred = net(x_t, t, t, cond, w, False)
  return sg(mix_velocity(v_guided, v_pred, cfg.velocity_mix))

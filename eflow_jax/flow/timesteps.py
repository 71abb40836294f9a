"""Time samplers and schedules (docs/method.md §2, paper App. B.2/B.3).

Convention: t=0 is data, t=1 is noise. All samplers are pure functions of an explicit PRNG key.
The shift `t' = a t / (1 + (a - 1) t)` with a > 1 moves mass towards noise, where a few-step
generator has to make its largest (hardest) jumps.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import ndtr


def shift_time(t, shift):
  """Time shift t -> shift*t / (1 + (shift-1)*t); monotone bijection of [0, 1] fixing 0 and 1."""
  return shift * t / (1.0 + (shift - 1.0) * t)


def unshift_time(t, shift):
  """Inverse of `shift_time`."""
  return t / (shift - (shift - 1.0) * t)


def logit_normal(key, shape, mu: float, sigma: float, shift: float = 1.0):
  """Draws shift(sigmoid(u)), u ~ N(mu, sigma^2) (SoFlow's time distribution, Tab. 5)."""
  u = mu + sigma * jax.random.normal(key, shape, jnp.float32)
  return shift_time(jax.nn.sigmoid(u), shift)


def logit_normal_cdf(t, mu: float, sigma: float, shift: float = 1.0):
  """Closed-form CDF of `logit_normal` (used by the tests' KS checks and by anyone plotting it)."""
  t = jnp.clip(unshift_time(jnp.asarray(t, jnp.float32), shift), 1e-12, 1 - 1e-7)
  return ndtr((jnp.log(t) - jnp.log1p(-t) - mu) / sigma)


def sample_fm_time(key, shape, cfg):
  """FM time t ~ shifted logit-normal with (t_mu, t_sigma, t_shift)."""
  return logit_normal(key, shape, cfg.t_mu, cfg.t_sigma, cfg.t_shift)


def sample_ts_pair(key, shape, cfg):
  """(t, s) with t - s >= min_gap: the two SoFlow draws ordered by `cfg.scm_time_order`.

  'sort': t = max(a, b), s = min(other, t - min_gap) (docs/method.md §2), so both parameter sets contribute
  whichever is larger; 'clamp': t = a, s = min(b, t - min_gap) (SoFlow's train.py).
  t is clamped to >= min_gap so that s >= 0.
  """
  ka, kb = jax.random.split(key)
  a = logit_normal(ka, shape, cfg.t_mu, cfg.t_sigma, cfg.t_shift)
  b = logit_normal(kb, shape, cfg.s_mu, cfg.s_sigma, cfg.s_shift)
  if cfg.scm_time_order == "sort":
    t, other = jnp.maximum(a, b), jnp.minimum(a, b)
  elif cfg.scm_time_order == "clamp":
    t, other = a, b
  else:
    raise ValueError(f"flow.scm_time_order={cfg.scm_time_order!r} is unknown; use sort or clamp.")
  t = jnp.maximum(t, cfg.min_gap)
  s = jnp.minimum(other, t - cfg.min_gap)
  return t, s


def r_schedule(step, total_steps, kind: str = "exponential", r_init: float = 0.1,
               r_end: float = 0.002):
  """SCM gap fraction r(k): l = t + (s - t) r(k). Shrinks over training so SCM becomes local.

  step may be a traced scalar; total_steps a positive int or scalar. Progress k/K is clipped to
  [0, 1] so a run resumed past K keeps r_end.
  """
  frac = jnp.clip(jnp.asarray(step, jnp.float32) / jnp.maximum(jnp.asarray(total_steps,
                                                                           jnp.float32), 1.0),
                  0.0, 1.0)
  if kind == "exponential":
    return r_init * (r_end / r_init) ** frac
  if kind == "constant":
    return jnp.full_like(frac, r_end)  # SoFlow's 'Const' uses the end ratio.
  if kind == "linear":
    return r_init + (r_end - r_init) * frac
  if kind == "cosine":
    return r_end + (r_init - r_end) * 0.5 * (1.0 + jnp.cos(jnp.pi * frac))
  raise ValueError(f"flow.r_schedule={kind!r} is unknown; use exponential, constant, linear or "
                   "cosine.")


def intermediate_time(t, s, r, min_gap: float = 1e-4):
  """l = t + (s - t) r, clamped so that l <= t - min_gap (and l >= s)."""
  l = t + (s - t) * r
  return jnp.maximum(jnp.minimum(l, t - min_gap), s)


def sample_scm_times(key, shape, cfg, step, total_steps):
  """(t, l, s) for the SCM group: t > l >= s with t - l >= min_gap."""
  t, s = sample_ts_pair(key, shape, cfg)
  r = r_schedule(step, total_steps, cfg.r_schedule, cfg.r_init, cfg.r_end)
  return t, intermediate_time(t, s, r, cfg.min_gap), s


def mva_grid(size: int = 64, shift: float = 3.0, inference_steps: int = 0,
             inference_shift: float = 3.0):
  """`size` points uniform on [0, 1] (both ends included), shifted; ascending float32.

  inference_steps > 0 adds the times of that many sampler steps (`inference_grid` at
  inference_shift), so that MVA trains exactly the jumps such a sampler makes (the 64-point grid
  holds them only when the step count divides 63 and the shifts agree). Duplicates are merged.
  """
  grid = shift_time(np.linspace(0.0, 1.0, size), shift)
  if inference_steps:
    steps = shift_time(np.linspace(0.0, 1.0, inference_steps + 1), inference_shift)
    grid = np.union1d(np.round(grid, 7), np.round(steps, 7))
  return jnp.asarray(grid, jnp.float32)


def sample_mva_times(key, shape, grid):
  """(t, l, s) from the grid: three distinct points, uniform over all C(n, 3) triples, sorted.

  Uniform triples make long jumps the common case (E[t - s] covers half the grid), which is what
  MVA is for; s = 0 and t = 1 (the 1-step jump) are included.
  """
  n = grid.shape[0]
  keys = jax.random.split(key, math.prod(shape) or 1)
  idx = jax.vmap(lambda k: jnp.sort(jax.random.choice(k, n, (3,), replace=False)))(keys)
  idx = idx[: math.prod(shape)].reshape(*shape, 3)
  s, l, t = grid[idx[..., 0]], grid[idx[..., 1]], grid[idx[..., 2]]
  return t, l, s


def inference_grid(steps: int, shift: float = 3.0):
  """Descending times 1 = t_N > ... > t_0 = 0: N+1 points uniform on [0, 1], shifted (App. B.3)."""
  if steps < 1:
    raise ValueError(f"inference steps must be >= 1, got {steps}.")
  return jnp.asarray(shift_time(np.linspace(1.0, 0.0, steps + 1), shift), jnp.float32)

"""Where a guided target goes wrong, per noise level: the parts of Eq. 11, measured (docs/results.md, Tab. 4).

With each unconditional velocity written out, the PDG target is the CFG target plus
`(w - 1) (v_full(∅) - v_weak(∅))`: whatever the weak path gets wrong about the unconditional
velocity is amplified by w - 1 (1.5-3.5 in training). What CFG amplifies is the class signal
`v(c) - v(∅)`. So the questions are: how far is the weak path from the full network at the null
condition (`path_gap`), and how large is that next to the class signal (`gap_to_signal`); and how
well does each pass fit the plain velocity v (`*_mse`, all with the same irreducible floor, so
their differences are what the networks have learned). Pure functions of a per-example network
`net(x, t, s, cond, w, weak)` (flow/losses.py); the train loop and `--mode=eval` call them.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from eflow_jax.flow import targets as tg

# Five equal bins of t (t = 1 is pure noise); at the demo's shift 1 every bin is trained on.
T_BIN_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
TERMS = ("cond_mse", "full_uncond_mse", "weak_uncond_mse", "class_signal", "path_gap",
         "weak_class_signal")


def _mse(a, b):
  return jnp.mean(jnp.square(a - b))


def _rms(a):
  return jnp.sqrt(jnp.mean(jnp.square(a)))


def example_terms(net: Callable, x0, eps, t, cond, w, *, null_cond: Callable, cfg):
  """The diagnostics of one example at time t (no gradient; four network passes).

  cond_mse         mse(F(x_t, t, t, c, w), v): the conditional pass against the plain velocity.
  full_uncond_mse  mse(F(x_t, t, t, ∅, w_u), v): the full network's unconditional velocity.
  weak_uncond_mse  mse(F_weak(x_t, t, t, ∅, w_u), v): the weak path's (what PDG subtracts).
  class_signal     rms(F(c, w) - F_ref(∅, w_u)) / w': the conditional-minus-unconditional velocity
                   per unit of guidance, against the run's own unconditional model F_ref (the weak
                   path under pdg / pdg_cond, which is what path drop trains there; the full
                   network otherwise). A guided run learns F(c, w) ≈ F_ref(∅) + w' (v(c) - v(∅)),
                   w' the (decayed) scale of its target; an unguided run (target 'none') learns
                   v(c) at w_u, so w' = 1 there.
  path_gap         rms(F(∅, w_u) - F_weak(∅, w_u)): PDG's extra target term divided by (w - 1).
  weak_class_signal  rms(F_weak(c, w_u) - F_weak(∅, w_u)): the weak path's own class direction,
                   what 'pdg_label' amplifies (meaningful where the weak path trains on labels:
                   flow.path_drop_label='independent').
  """
  sg = jax.lax.stop_gradient
  x_t, v = tg.interpolate(x0, eps, t)
  null = null_cond(cond)
  w_u = jnp.asarray(cfg.unguided_w, jnp.float32)
  guided = cfg.guidance_target != "none"
  w_in = jnp.asarray(w if guided else cfg.unguided_w, jnp.float32)
  v_cond = sg(net(x_t, t, t, cond, w_in, False))
  v_full_u = sg(net(x_t, t, t, null, w_u, False))
  v_weak_u = sg(net(x_t, t, t, null, w_u, True))
  v_weak_c = sg(net(x_t, t, t, cond, w_u, True))
  scale = (tg.decayed_scale(w_in, t, cfg.guidance_decay_time, cfg.guidance_interval) if guided
           else jnp.float32(1.0))
  v_ref = v_weak_u if tg.uses_weak_path(cfg.guidance_target) else v_full_u
  return {"cond_mse": _mse(v_cond, v), "full_uncond_mse": _mse(v_full_u, v),
          "weak_uncond_mse": _mse(v_weak_u, v), "class_signal": _rms(v_cond - v_ref) / scale,
          "path_gap": _rms(v_full_u - v_weak_u), "weak_class_signal": _rms(v_weak_c - v_weak_u)}


def bin_label(lo: float, hi: float) -> str:
  return f"t{lo:.1f}-{hi:.1f}"


def guidance_diagnostics(net: Callable, x0, cond, key, *, null_cond: Callable, cfg,
                         edges=T_BIN_EDGES):
  """Per-t-bin means of `example_terms` over a batch, and `gap_to_signal` = path_gap / class_signal
  per bin (a ratio of the bin means, so one tiny signal does not blow it up).

  t is stratified over [0, 1) (example i in [i/B, (i+1)/B)), so every bin gets about B / 5 examples;
  w ~ U(w_min, w_max) and the noise come from `key`. Returns {'<term>/<bin>': mean, ...} and the
  number of examples per bin as 'count/<bin>' (empty bins: NaN means).
  """
  n = x0.shape[0]
  k_t, k_e, k_w = jax.random.split(key, 3)
  t = (jnp.arange(n) + jax.random.uniform(k_t, (n,))) / n
  eps = jax.random.normal(k_e, x0.shape, x0.dtype)
  w = tg.sample_guidance_scale(k_w, (n,), cfg.w_min, cfg.w_max)
  terms = jax.vmap(lambda *a: example_terms(net, *a, null_cond=null_cond, cfg=cfg))(x0, eps, t, cond, w)
  out = {}
  for lo, hi in zip(edges[:-1], edges[1:]):
    label = bin_label(lo, hi)
    inside = (t >= lo) & ((t < hi) | (hi >= edges[-1]))
    count = jnp.sum(inside)
    for name in TERMS:     # an empty bin (batch < 5) is NaN: no data, not zero
      mean = jnp.sum(jnp.where(inside, terms[name], 0.0)) / jnp.maximum(count, 1)
      out[f"{name}/{label}"] = jnp.where(count > 0, mean, jnp.nan)
    out[f"gap_to_signal/{label}"] = out[f"path_gap/{label}"] / out[f"class_signal/{label}"]
    out[f"count/{label}"] = count.astype(jnp.float32)
  return out


def pool(results: list[dict]) -> dict:
  """Per-bin means over several `guidance_diagnostics` results (host floats), weighted by their
  counts, with gap_to_signal recomputed from the pooled means and the counts summed."""
  pooled = {}
  labels = [k.split("/", 1)[1] for k in results[0] if k.startswith("count/")]
  for label in labels:
    counts = [r[f"count/{label}"] for r in results]
    total = sum(counts)
    for name in TERMS:
      key = f"{name}/{label}"
      pooled[key] = (sum(c * r[key] for c, r in zip(counts, results) if c > 0) / total if total
                     else float("nan"))
    pooled[f"gap_to_signal/{label}"] = pooled[f"path_gap/{label}"] / pooled[f"class_signal/{label}"]
    pooled[f"count/{label}"] = total
  return pooled

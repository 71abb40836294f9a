"""Samplers (paper Alg. 2, App. B.3; docs/method.md §6).

`net(x, t, s, cond, w, weak) -> F` is the per-example network (as in losses.py); samplers vmap it
over the batch. `cond` is a batched pytree (leading dim B); `shape` is one example's shape.
Step loops are `lax.scan`s, so a sampler jits into one small program whatever the step count.

NFE per sample: alg2 / chain = N, one_step = 1, euler_cfg = 2N.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp

from eflow_jax.flow import timesteps as ts
from eflow_jax.flow.losses import solution_map, call_net


def _batch_size(cond, batch_size):
  leaves = jax.tree.leaves(cond)
  if leaves:
    return leaves[0].shape[0]
  if batch_size is None:
    raise ValueError("cond has no arrays; pass batch_size.")
  return batch_size


def _init(key, cond, shape, noise, batch_size):
  k0, key = jax.random.split(key)
  if noise is None:
    noise = jax.random.normal(k0, (_batch_size(cond, batch_size), *shape), jnp.float32)
  return noise, key


def _batched_map(net, x, t, s, cond, w):
  """f(x_b, t, s, c_b, w_b) for every example b."""
  w = jnp.broadcast_to(jnp.asarray(w, jnp.float32), x.shape[:1])
  return jax.vmap(lambda xb, cb, wb: solution_map(net, xb, t, s, cb, wb))(x, cond, w)


def alg2_sample(net: Callable, key, cond, *, shape=(), steps: int = 4, shift: float = 3.0,
                w: float = 4.0, noise=None, batch_size=None):
  """Algorithm 2: jump to 0, re-noise to the next time, repeat; 1 NFE per step.

  For n = N..1: x0 = f(x, t_n, 0, c, w); x = t_{n-1} z + (1 - t_{n-1}) x0 with fresh z (at
  t_0 = 0 this is x0 itself). Re-noising resets accumulated error, as in consistency models.
  """
  x, key = _init(key, cond, shape, noise, batch_size)
  times = ts.inference_grid(steps, shift)
  keys = jax.random.split(key, steps)

  def body(x, inp):
    t_cur, t_next, k = inp
    x0 = _batched_map(net, x, t_cur, jnp.float32(0.0), cond, w)
    z = jax.random.normal(k, x.shape, x.dtype)
    return t_next * z + (1.0 - t_next) * x0, None

  x, _ = jax.lax.scan(body, x, (times[:-1], times[1:], keys))
  return x


def chain_sample(net: Callable, key, cond, *, shape=(), steps: int = 4, shift: float = 3.0,
                 w: float = 4.0, noise=None, batch_size=None):
  """Deterministic any-step sampler x <- f(x, t_n, t_{n-1}): composes the solution map, no noise."""
  x, _ = _init(key, cond, shape, noise, batch_size)
  times = ts.inference_grid(steps, shift)

  def body(x, inp):
    t_cur, t_next = inp
    return _batched_map(net, x, t_cur, t_next, cond, w), None

  x, _ = jax.lax.scan(body, x, (times[:-1], times[1:]))
  return x


def one_step_sample(net: Callable, key, cond, *, shape=(), w: float = 4.0, noise=None,
                    batch_size=None):
  """x0 = f(x1, 1, 0, c, w) with x1 ~ N(0, I)."""
  return chain_sample(net, key, cond, shape=shape, steps=1, w=w, noise=noise,
                      batch_size=batch_size)


def euler_cfg_sample(net: Callable, key, cond, *, null_cond: Callable, shape=(), steps: int = 50,
                     shift: float = 3.0, cfg_scale: float = 4.0, w_net: float = 0.0, noise=None,
                     batch_size=None):
  """Baseline for FM-trained models: Euler on v = g F(x,t,t,c) + (1 - g) F(x,t,t,null), 2 NFE/step.

  `w_net` is the network's guidance input (the 'unguided' value an FM model was trained with);
  `cfg_scale` g = 1 is no guidance.
  """
  x, _ = _init(key, cond, shape, noise, batch_size)
  times = ts.inference_grid(steps, shift)
  wn = jnp.float32(w_net)

  def velocity(xb, t, cb):
    v_c = call_net(net, xb, t, t, cb, wn, False)
    v_u = call_net(net, xb, t, t, null_cond(cb), wn, False)
    return cfg_scale * v_c + (1.0 - cfg_scale) * v_u

  def body(x, inp):
    t_cur, t_next = inp
    v = jax.vmap(lambda xb, cb: velocity(xb, t_cur, cb))(x, cond)
    return x + (t_next - t_cur) * v, None

  x, _ = jax.lax.scan(body, x, (times[:-1], times[1:]))
  return x


def sample(net: Callable, key, cond, *, cfg, shape=(), null_cond: Callable | None = None,
           steps: int | None = None, sampler: str | None = None, noise=None, batch_size=None):
  """Dispatches on cfg.sampler (or `sampler`) with cfg.inference_steps / inference_shift / w_inf."""
  sampler = sampler or cfg.sampler
  steps = steps or cfg.inference_steps
  kw = dict(shape=shape, noise=noise, batch_size=batch_size)
  if sampler == "alg2":
    return alg2_sample(net, key, cond, steps=steps, shift=cfg.inference_shift, w=cfg.w_inf, **kw)
  if sampler == "chain":
    return chain_sample(net, key, cond, steps=steps, shift=cfg.inference_shift, w=cfg.w_inf, **kw)
  if sampler == "one_step":
    return one_step_sample(net, key, cond, w=cfg.w_inf, **kw)
  if sampler == "euler_cfg":
    if null_cond is None:
      raise ValueError("sampler 'euler_cfg' needs null_cond.")
    return euler_cfg_sample(net, key, cond, null_cond=null_cond, steps=steps,
                            shift=cfg.inference_shift, cfg_scale=cfg.w_inf,
                            w_net=cfg.unguided_w, **kw)
  raise ValueError(f"flow.sampler={sampler!r} is unknown; use alg2, one_step, chain or euler_cfg.")

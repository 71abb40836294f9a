"""The VideoDiT as the objective and the samplers see it: one example at a time.

`net(x, t, s, cond, w, weak) -> F` for one example (no batch dimension), the null condition of an
example, and the conditioning pytree of a data batch. Token-drop randomness is per example: every
example's condition carries its own key, so all passes of one example (prediction, SCM target,
guidance) see the same kept tokens, and different examples see different ones. The weak path never
drops (it has no middle stack to drop from). When the model carries a mesh with a `context` axis
larger than 1, each call splits the example's frames over it (models/context_parallel.py).
"""
import functools

import jax
import jax.numpy as jnp

from eflow_jax.models import context_parallel
from eflow_jax.models.video_dit import VideoDiT

MODEL_INPUT_KEYS = ("y", "text", "text_mask")


def per_example_net(model: VideoDiT, params, drop_ratio: float = 0.0):
  """net(x, t, s, cond, w, weak) -> F for one example, as the objective and samplers expect."""
  mesh = getattr(model, "context_mesh", None)     # stand-in networks (tests' toys) have no mesh field
  if mesh is not None and mesh.shape.get(context_parallel.AXIS, 1) > 1:
    # Built once per net, so every pass through it shares one parameter-gradient all-reduce.
    apply = context_parallel.sharded_apply(model.clone(context_mesh=None), mesh, {"params": params})
  else:
    apply = functools.partial(model.apply, {"params": params})

  def net(x, t, s, cond, w, weak):
    inputs = {k: v[None] for k, v in cond.items() if k in MODEL_INPUT_KEYS}
    drop = 0.0 if weak else drop_ratio
    out = apply(x[None], t[None], s[None], w[None], **inputs,
                drop_ratio=drop, rng=cond.get("drop_key") if drop else None, weak=weak)
    return out[0]
  return net


def null_condition_fn(model: VideoDiT):
  """cond of one example -> its null condition (keeps the example's token-drop key)."""
  def null_cond(cond):
    if model.num_classes:
      return {**cond, "y": jnp.asarray(model.num_classes, jnp.int32)}
    return {**cond, "text": jnp.zeros_like(cond["text"]), "text_mask": jnp.ones_like(cond["text_mask"])}
  return null_cond


def batch_condition(batch, drop_key=None):
  """The conditioning pytree of a data batch (leading dim B), with per-example drop keys."""
  cond = {k: jnp.asarray(batch[k]) for k in MODEL_INPUT_KEYS if k in batch}
  if drop_key is not None:
    cond["drop_key"] = jax.random.split(drop_key, batch["x"].shape[0])
  return cond

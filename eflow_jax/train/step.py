"""The jitted train step: one optimizer update on the EFlow objective.

The objective (`eflow_jax.flow.losses.total_loss`) sees the network as a per-example callable;
this file builds those callables from the VideoDiT and the three parameter sets it needs (online,
online under stop-gradient, EMA). Token-drop randomness is per example: every example's condition
carries its own key, so all passes of one example (prediction, SCM target, guidance) see the same
kept tokens, and different examples see different ones. The weak path never drops (it has no
middle stack to drop from).
"""
import functools

import jax
import jax.numpy as jnp
import optax

from eflow_jax.flow import losses as flow_losses
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train.curriculum import StepSettings
from eflow_jax.train.state import TrainState, ema_decay_at

MODEL_INPUT_KEYS = ("y", "text", "text_mask")


def per_example_net(model: VideoDiT, params, drop_ratio: float = 0.0):
  """net(x, t, s, cond, w, weak) -> F for one example, as the objective and samplers expect."""
  def net(x, t, s, cond, w, weak):
    inputs = {k: v[None] for k, v in cond.items() if k in MODEL_INPUT_KEYS}
    drop = 0.0 if weak else drop_ratio
    out = model.apply({"params": params}, x[None], t[None], s[None], w[None], **inputs,
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


def train_step(state: TrainState, batch, *, model: VideoDiT, optimizer, flow_config, settings: StepSettings,
               total_steps: int, ema_decay: float, lr_schedule, group_multiple: int = 1):
  """One update. Returns (new_state, metrics); metrics are device scalars (no host sync here)."""
  rng, loss_key, drop_key = jax.random.split(state.rng, 3)
  x0 = jnp.asarray(batch["x"], jnp.float32)
  cond = batch_condition(batch, drop_key)
  null_cond = null_condition_fn(model)
  drop = settings.drop_ratio

  def loss_fn(params):
    return flow_losses.total_loss(
        per_example_net(model, params, drop), (x0, cond), loss_key, state.step, total_steps,
        cfg=flow_config, null_cond=null_cond,
        net_sg=per_example_net(model, jax.lax.stop_gradient(params), drop),
        net_ema=per_example_net(model, state.ema_params, drop), ratios=settings.ratios,
        group_multiple=group_multiple)

  (loss, metrics), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  params = optax.apply_updates(state.params, updates)
  decay = ema_decay_at(state.step, ema_decay)
  ema = jax.tree.map(lambda e, p: decay * e + (1.0 - decay) * p, state.ema_params, params)
  metrics = {**metrics, "grad_norm": optax.global_norm(grads), "lr": lr_schedule(state.step),
             "drop_ratio": jnp.float32(drop)}
  new_state = state.replace(step=state.step + 1, params=params, ema_params=ema, opt_state=opt_state, rng=rng)
  return new_state, metrics


def make_train_step(model, optimizer, flow_config, settings: StepSettings, total_steps: int,
                    ema_decay: float, lr_schedule, *, state_shardings=None, batch_sharding=None,
                    metrics_sharding=None, group_multiple: int = 1):
  """jit of train_step for one StepSettings (the curriculum compiles one per distinct setting).

  With shardings (eflow_jax/sharding.py) the step is compiled for the mesh: the state keeps its
  FSDP layout in and out (donated, so params and optimizer state are updated in place), the batch
  is split over ('data', 'fsdp') and the metrics come back replicated. `batch_sharding` is one
  NamedSharding applied to every batch array (its spec names only the leading batch axis).
  `group_multiple` (the data-parallel size, when config.sharding.align_groups) aligns the FM / SCM
  / MVA slices to the batch shards (flow.losses.aligned_split).
  """
  fn = functools.partial(train_step, model=model, optimizer=optimizer, flow_config=flow_config,
                         settings=settings, total_steps=total_steps, ema_decay=ema_decay,
                         lr_schedule=lr_schedule, group_multiple=group_multiple)
  if state_shardings is None:
    return jax.jit(fn, donate_argnums=(0,))
  return jax.jit(fn, in_shardings=(state_shardings, batch_sharding),
                 out_shardings=(state_shardings, metrics_sharding), donate_argnums=(0,))

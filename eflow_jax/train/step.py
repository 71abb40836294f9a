"""The train state and the jitted train step: one optimizer update on the EFlow objective.

TrainState holds params, EMA params, AdamW state, step and rng. The objective
(`eflow_jax.flow.losses.total_loss`) sees the network as a per-example callable
(`eflow_jax/models/per_example.py`); the step passes it the three parameter sets it needs (online,
online under stop-gradient, EMA), takes the optimizer step and guards it against non-finite values.
"""
import functools
from typing import Any

import flax
import jax
import jax.numpy as jnp
import numpy as np
import optax

from eflow_jax.flow import losses as flow_losses
from eflow_jax.flow.terms import TERMS
from eflow_jax.models.init import init_params
from eflow_jax.models.per_example import batch_condition, null_condition_fn, per_example_net
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train.curriculum import StepSettings


@flax.struct.dataclass
class TrainState:
  step: jax.Array            # int32 scalar: number of updates applied
  params: Any
  ema_params: Any
  opt_state: Any
  rng: jax.Array             # raw uint32 key, split every step
  nonfinite_steps: jax.Array  # int32: updates skipped for a non-finite loss or gradient (nan_policy)
  nonfinite_groups: jax.Array  # int32 bit mask (step.NONFINITE_BITS) of the latest such step; 0 = none


def make_optimizer(optimizer_config, lr_schedule) -> optax.GradientTransformation:
  """AdamW with global-norm clipping; the learning rate follows the curriculum's stages."""
  o = optimizer_config
  return optax.chain(
      optax.clip_by_global_norm(o.grad_clip) if o.grad_clip > 0 else optax.identity(),
      optax.adamw(lr_schedule, b1=o.b1, b2=o.b2, eps=o.eps, weight_decay=o.weight_decay),
  )


def create_train_state(model: VideoDiT, optimizer, rng, example_shape, text_length: int = 1) -> TrainState:
  """Fresh state: parameters initialised, EMA equal to them, optimizer state zero."""
  init_rng, state_rng = jax.random.split(rng)
  params = init_params(model, init_rng, example_shape, text_length)
  return TrainState(step=jnp.zeros((), jnp.int32), params=params,
                    ema_params=jax.tree.map(jnp.copy, params), opt_state=optimizer.init(params),
                    rng=state_rng, nonfinite_steps=jnp.zeros((), jnp.int32),
                    nonfinite_groups=jnp.zeros((), jnp.int32))


def ema_decay_at(step, decay: float):
  """EMA decay with the usual warm-up (1 + k) / (10 + k), so early averages are not stuck at init."""
  step = jnp.asarray(step, jnp.float32)
  return jnp.minimum(decay, (1.0 + step) / (10.0 + step))


NAN_POLICIES = ("skip", "halt")
GRADIENTS_BIT = 8


def nonfinite_flags() -> tuple[tuple[str, int], ...]:
  """Bits of TrainState.nonfinite_groups: which part of the objective went non-finite. The terms
  in registry order (flow/terms.py) take 1, 2, 4 (fm, scm, mva), then 16, 32, ...; the gradients
  keep 8, as in checkpoints written before more terms could be registered."""
  bits = [1 << (i if i < 3 else i + 1) for i in range(len(TERMS))]
  return (*zip(TERMS, bits), ("gradients", GRADIENTS_BIT))


def nonfinite_names(bits: int) -> list[str]:
  """Decodes TrainState.nonfinite_groups for messages: e.g. 10 -> ['scm', 'gradients']."""
  return [name for name, bit in nonfinite_flags() if int(bits) & bit]


def host_count(count) -> int:
  """A replicated int32 counter of the state (step, nonfinite_steps) as a Python int, read from this
  host's own copy: int() of a global array fails when other hosts hold parts of it."""
  return int(np.asarray(count.addressable_data(0) if isinstance(count, jax.Array) else count))


def skipped_updates(state, nan_policy: str) -> int | None:
  """Updates skipped among the state's `step` updates: nonfinite_steps, less the step a halt froze on
  (counted by guarded_update, but not one of the state's steps: a resume redoes it). Under halt a
  non-zero nonfinite_groups marks that frozen state (a resume clears it). None: not a TrainState."""
  if not isinstance(state, TrainState):
    return None
  frozen = nan_policy == "halt" and host_count(state.nonfinite_groups) != 0
  return host_count(state.nonfinite_steps) - int(frozen)


def healthy_again(state: TrainState, skipped) -> TrainState:
  """A frozen state (a halt's, or the last skip's bits) made healthy to resume, its count of skipped
  updates set to `skipped`, the checkpoint's (skipped_updates: a halting step is redone, not
  skipped); None (a checkpoint from before that count) keeps the state's."""
  count = state.nonfinite_steps if skipped is None else jnp.full_like(state.nonfinite_steps, skipped)
  return state.replace(nonfinite_groups=jnp.zeros_like(state.nonfinite_groups), nonfinite_steps=count)


def nonfinite_bits(metrics, grad_norm):
  """int32 mask of the loss groups (and the gradient) that are not finite this step."""
  bits = jnp.int32(0)
  for name, bit in nonfinite_flags()[:-1]:
    if f"{name}/loss" in metrics:
      bits = bits | jnp.where(jnp.isfinite(metrics[f"{name}/loss"]), 0, bit)
  return bits | jnp.where(jnp.isfinite(grad_norm), 0, GRADIENTS_BIT)


def guarded_update(state: TrainState, updated: TrainState, bits, nan_policy: str) -> TrainState:
  """Applies `updated` only if this step is finite (and, for 'halt', no earlier step failed).

  skip: a bad step leaves params / EMA / optimizer as they were, still consumes its batch and rng,
        and is counted. halt: the first bad step freezes the whole state (step counter and rng
        included), so the state the host saves when it notices is exactly the last good one.
  No host sync: the choice is a `where` on device.
  """
  if nan_policy not in NAN_POLICIES:
    raise ValueError(f"config.nan_policy={nan_policy!r} is unknown; use one of {', '.join(NAN_POLICIES)}.")
  bad = bits != 0
  select = lambda apply, new, old: jax.tree.map(lambda a, b: jnp.where(apply, a, b), new, old)
  if nan_policy == "skip":
    return updated.replace(
        params=select(~bad, updated.params, state.params),
        ema_params=select(~bad, updated.ema_params, state.ema_params),
        opt_state=select(~bad, updated.opt_state, state.opt_state),
        nonfinite_steps=state.nonfinite_steps + bad.astype(jnp.int32),
        nonfinite_groups=jnp.where(bad, bits, state.nonfinite_groups))
  healthy = state.nonfinite_groups == 0
  frozen = select(healthy & ~bad, updated, state)
  return frozen.replace(nonfinite_steps=state.nonfinite_steps + (healthy & bad).astype(jnp.int32),
                        nonfinite_groups=jnp.where(healthy, bits, state.nonfinite_groups))


def train_step(state: TrainState, batch, *, model: VideoDiT, optimizer, flow_config, settings: StepSettings,
               total_steps: int, ema_decay: float, lr_schedule, group_multiple: int = 1,
               nan_policy: str = "halt", grad_accum_steps: int = 1):
  """One update. Returns (new_state, metrics); metrics are device scalars (no host sync here).

  grad_accum_steps = N > 1: the batch is N strided micro-batches (rows i, i + N, ...: each one spread
  over every data-parallel device), each an objective batch of its own (its FM / SCM / MVA split and
  loss key fold_in(loss_key, i); per-example token-drop keys as in the whole batch), run one after
  another under lax.scan; the update uses the mean of their gradients, the metrics are their means.
  Only one micro-batch's activations live at a time.
  A non-finite loss or gradient is handled on device by `guarded_update` (config.nan_policy).
  """
  rng, loss_key, drop_key = jax.random.split(state.rng, 3)
  x0 = jnp.asarray(batch["x"], jnp.float32)
  cond = batch_condition(batch, drop_key)
  null_cond = null_condition_fn(model)
  drop = settings.drop_ratio

  def loss_fn(params, x0, cond, key):
    return flow_losses.total_loss(
        per_example_net(model, params, drop), (x0, cond), key, state.step, total_steps,
        cfg=flow_config, null_cond=null_cond,
        net_sg=per_example_net(model, jax.lax.stop_gradient(params), drop),
        net_ema=per_example_net(model, state.ema_params, drop), ratios=settings.ratios,
        group_multiple=group_multiple)

  grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
  if grad_accum_steps == 1:
    (_, metrics), grads = grad_fn(state.params, x0, cond, loss_key)
  else:
    grads, metrics = accumulated_gradients(grad_fn, state.params, x0, cond, loss_key, grad_accum_steps)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  params = optax.apply_updates(state.params, updates)
  decay = ema_decay_at(state.step, ema_decay)
  ema = jax.tree.map(lambda e, p: decay * e + (1.0 - decay) * p, state.ema_params, params)
  grad_norm = optax.global_norm(grads)
  bits = nonfinite_bits(metrics, grad_norm)
  updated = state.replace(step=state.step + 1, params=params, ema_params=ema, opt_state=opt_state, rng=rng)
  new_state = guarded_update(state, updated, bits, nan_policy)
  metrics = {**metrics, "grad_norm": grad_norm, "lr": lr_schedule(state.step), "drop_ratio": jnp.float32(drop),
             "nonfinite_steps": new_state.nonfinite_steps, "nonfinite_groups": new_state.nonfinite_groups}
  return new_state, metrics


def accumulated_gradients(grad_fn, params, x0, cond, loss_key, steps: int):
  """(mean gradient, mean metrics) of `steps` strided micro-batches (rows i::steps) under lax.scan."""
  micro = lambda a: jnp.swapaxes(a.reshape(a.shape[0] // steps, steps, *a.shape[1:]), 0, 1)
  batches = (micro(x0), jax.tree.map(micro, cond), jnp.arange(steps))

  def one(total, inputs):
    x, c, i = inputs
    (_, metrics), grads = grad_fn(params, x, c, jax.random.fold_in(loss_key, i))
    return jax.tree.map(jnp.add, total, grads), metrics

  zeros = jax.tree.map(jnp.zeros_like, params)
  total, metrics = jax.lax.scan(one, zeros, batches)
  return (jax.tree.map(lambda g: g / steps, total),
          jax.tree.map(lambda m: jnp.mean(m, axis=0), metrics))


def make_train_step(model, optimizer, flow_config, settings: StepSettings, total_steps: int,
                    ema_decay: float, lr_schedule, *, state_shardings=None, batch_sharding=None,
                    metrics_sharding=None, group_multiple: int = 1, nan_policy: str = "halt",
                    grad_accum_steps: int = 1):
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
                         lr_schedule=lr_schedule, group_multiple=group_multiple, nan_policy=nan_policy,
                         grad_accum_steps=grad_accum_steps)
  if state_shardings is None:
    return jax.jit(fn, donate_argnums=(0,))
  return jax.jit(fn, in_shardings=(state_shardings, batch_sharding),
                 out_shardings=(state_shardings, metrics_sharding), donate_argnums=(0,))

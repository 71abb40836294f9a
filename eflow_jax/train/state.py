"""TrainState (params, EMA params, optimizer state, step, rng) and its construction."""
from typing import Any

import flax
import jax
import jax.numpy as jnp
import optax

from eflow_jax.models.init import init_params
from eflow_jax.models.video_dit import VideoDiT


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

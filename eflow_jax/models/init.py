"""A VideoDiT's parameters from nothing: the zero inputs that trace `init`, and the init itself.

Training (train/step.py) and loading an export (pipeline.py, which checks every tensor's shape
against an abstract init) both need it, so it lives with the model rather than the trainer."""
import jax.numpy as jnp

from eflow_jax.models.video_dit import VideoDiT


def example_inputs(model: VideoDiT, example_shape, text_length: int = 1, batch: int = 1):
  """Zero inputs of the right shapes, used to trace `init`."""
  x = jnp.zeros((batch, *example_shape), jnp.float32)
  t = jnp.zeros((batch,), jnp.float32)
  return x, t, model.null_condition(batch, text_length)


def init_params(model: VideoDiT, rng, example_shape, text_length: int = 1):
  x, t, cond = example_inputs(model, example_shape, text_length)
  return model.init(rng, x, t, t, t, **cond)["params"]

"""Worker for tests/test_context_parallel.py: a small VideoDiT's outputs and gradients with each
clip's frames split over `context` host devices, against the same model on one device.

Prints one JSON line per case: the largest output difference and the largest gradient difference
relative to that gradient leaf's scale. Run with XLA_FLAGS=--xla_force_host_platform_device_count=8.
"""
import json
import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh

from eflow_jax import sharding
from eflow_jax.models.per_example import per_example_net
from eflow_jax.models.video_dit import VideoDiT

CASES = [  # (context, impl, drop_ratio, attention)
    (4, "reference", 0.0, "glga"), (4, "reference", 0.75, "glga"), (4, "pallas", 0.75, "glga"),
    (4, "pallas", 0.0, "window"), (4, "reference", 0.5, "softmax"), (8, "reference", 0.75, "glga"),
]


def loss_and_output(model, params, batch, drop):
  x, t, s, w, y, keys = batch
  net = per_example_net(model, params, drop)
  out = jax.vmap(lambda xi, ti, si, wi, yi, ki: net(xi, ti, si, {"y": yi, "drop_key": ki}, wi, False))(
      x, t, s, w, y, keys)
  # A fixed, position-dependent weighting so every output element reaches the gradient differently.
  return jnp.sum(out * jnp.cos(jnp.arange(out.size).reshape(out.shape))), out


def run_case(context, impl, drop, attention):
  frames = 8 if context <= 4 else 16             # ctx 8 with token drop needs 2 frames per shard
  model = VideoDiT(latent_channels=2, patch=(1, 2, 2), hidden=32, mlp_hidden=64, num_heads=2,
                   encoder_blocks=1, middle_blocks=3, decoder_blocks=1, attention=attention, softmax_every=3,
                   window_frames=2, num_classes=3, attention_impl=impl, window_block=16,
                   token_drop_group=(2, 2, 2))
  x = jax.random.normal(jax.random.key(0), (2, frames, 8, 8, 2))
  batch = (x, jnp.array([0.7, 0.3]), jnp.array([0.2, 0.1]), jnp.array([1.0, 2.0]), jnp.array([0, 2]),
           jax.random.split(jax.random.key(5), 2))
  params = model.init(jax.random.key(1), x[:1], *(a[:1] for a in batch[1:5]))["params"]
  # The zero-initialised heads would hide most gradients: move every parameter off its init.
  params = jax.tree.map(lambda p: p + 0.05 * jax.random.normal(jax.random.key(p.size), p.shape), params)
  mesh = Mesh(np.array(jax.devices()[:8]).reshape(8 // context, 1, context), sharding.MESH_AXES)
  results = []
  for m in (model, model.clone(context_mesh=mesh)):
    grad_fn = jax.jit(jax.value_and_grad(lambda p: loss_and_output(m, p, batch, drop), has_aux=True))
    results.append(grad_fn(params))
  ((_, out1), g1), ((_, out2), g2) = results
  grad = max(float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(a)) + 1e-30))
             for a, b in zip(jax.tree.leaves(g1), jax.tree.leaves(g2)))
  return dict(context=context, impl=impl, drop=drop, attention=attention, out=float(jnp.max(jnp.abs(out1 - out2))),
              out_scale=float(jnp.max(jnp.abs(out1))), grad=grad)


if __name__ == "__main__":
  chosen = [CASES[int(i)] for i in sys.argv[1:]] or CASES
  for case in chosen:
    print(json.dumps(run_case(*case)), flush=True)

"""Builds a config's model on CPU and runs the dense, token-dropped and weak forward passes.

    python -m eflow_jax.tools.forward_demo [configs/kinetics_b.py:runlocal]

A quick look at the network before training exists: parameter count, output statistics and the
wall time of each path (compiled once, then the median of 5 calls).
"""
import statistics
import sys
import time

import jax
import jax.numpy as jnp

from eflow_jax import config_lib
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.tools.param_count import count_params


def main(path: str = "configs/kinetics_b.py:runlocal"):
  config = config_lib.load_config(path)
  model = VideoDiT.from_config(config.model)
  T, H, W, C = config.video.latent_shape
  batch = 2
  x = jax.random.normal(jax.random.PRNGKey(0), (batch, T, H, W, C))
  t, s, w = jnp.full((batch,), 0.8), jnp.full((batch,), 0.2), jnp.full((batch,), 4.0)
  cond = model.null_condition(batch, text_length=config.data.text_length)
  params = jax.jit(lambda rng: model.init(rng, x, t, s, w, **cond)["params"])(jax.random.PRNGKey(1))
  print(f"{path}: {count_params(params) / 1e6:.2f}M parameters, latents {(batch, T, H, W, C)}, "
        f"attention={model.attention}, blocks {model.encoder_blocks}/{model.middle_blocks}/{model.decoder_blocks}")
  paths = {
      "dense": dict(),
      "75% token drop": dict(drop_ratio=0.75, rng=jax.random.PRNGKey(2)),
      "weak (middle skipped)": dict(weak=True),
  }
  for name, kwargs in paths.items():
    static = {k: v for k, v in kwargs.items() if k != "rng"}
    fn = jax.jit(lambda p, rng=None: model.apply({"params": p}, x, t, s, w, **cond, **static, rng=rng))
    out = fn(params, kwargs.get("rng")).block_until_ready()
    times = []
    for _ in range(5):
      start = time.perf_counter()
      fn(params, kwargs.get("rng")).block_until_ready()
      times.append(time.perf_counter() - start)
    print(f"  {name:22s} F shape {out.shape}  finite {bool(jnp.all(jnp.isfinite(out)))}  "
          f"{statistics.median(times) * 1e3:7.1f} ms")


if __name__ == "__main__":
  main(*sys.argv[1:2])

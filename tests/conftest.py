"""Shared test set-up: float32 CPU, a fast tiny model, and parameters made non-trivial.

Freshly initialised VideoDiT blocks are the identity (adaLN-Zero) and the head outputs zeros, so
tests that compare numbers first replace every parameter with random values.
"""
import json
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax
import jax.numpy as jnp
import pytest

# Train-step programs are large; the persistent cache lets tests that train several times in
# one session (resume, sample) compile each program once.
jax.config.update("jax_compilation_cache_dir", os.path.join("/tmp", f"eflow_jax_test_xla_cache_{os.getuid()}"))
jax.config.update("jax_persistent_cache_min_compile_time_secs", 1.0)
# On a GPU (JAX_PLATFORMS=cuda) float32 matmuls default to TF32, in XLA and in the Pallas Triton
# dots alike (~1e-3 relative); the tests' float32 tolerances are for true float32 products.
if os.environ["JAX_PLATFORMS"].split(",")[0] in ("cuda", "gpu", "rocm"):
  jax.config.update("jax_default_matmul_precision", "highest")

from eflow_jax.models.video_dit import VideoDiT

# The modules whose tests train for minutes run first: with `-n 2`, a long test left to the end
# keeps one worker busy while the other idles (longest first balances the two workers).
LONG_MODULES_FIRST = ("test_train.py", "test_sharded_training.py", "test_reliability.py",
                      "test_scan_remat_bf16.py", "test_pipeline.py")


def pytest_collection_modifyitems(config, items):
  del config
  rank = {name: i for i, name in enumerate(LONG_MODULES_FIRST)}
  items.sort(key=lambda item: rank.get(item.path.name, len(rank)))     # stable: a module keeps its order


def randomize(params, seed: int = 0, scale: float = 0.2):
  leaves, treedef = jax.tree.flatten(params)
  keys = jax.random.split(jax.random.PRNGKey(seed), len(leaves))
  return jax.tree.unflatten(treedef, [scale * jax.random.normal(k, l.shape, l.dtype)
                                      for k, l in zip(keys, leaves)])


def tiny_model(**overrides) -> VideoDiT:
  fields = dict(latent_channels=4, hidden=32, mlp_hidden=64, num_heads=2, encoder_blocks=1,
                middle_blocks=2, decoder_blocks=1, num_classes=10, attention="glga",
                softmax_every=3, window_frames=1, window_block=16)
  fields.update(overrides)
  return VideoDiT(**fields)


def model_inputs(batch=2, shape=(4, 8, 8, 4), seed=0):
  k1, k2 = jax.random.split(jax.random.PRNGKey(seed))
  x = jax.random.normal(k1, (batch, *shape))
  t = jax.random.uniform(k2, (batch,), minval=0.3, maxval=1.0)
  s = t * 0.5
  w = jnp.full((batch,), 3.0)
  return x, t, s, w


def init_params(model, x, t, s, w, seed=0, **cond):
  params = model.init(jax.random.PRNGKey(seed), x, t, s, w, **cond)["params"]
  return randomize(params, seed + 1)


def fake_sweep_run(calls: list, *, record_step: bool = False):
  """benchmarks/sweeps/ablation_sweep.run without subprocesses: records each command; a `--mode=sample`
  call leaves the GIF it would write, an eval call its report (class accuracy 0.5; with record_step
  also the step of --config.total_steps, 4000 without one)."""
  def run(cmd, log_path):
    calls.append(cmd)
    out = [a.split("=", 1)[1] for a in cmd if a.startswith("--output=")]
    if "--mode=sample" in cmd:
      from PIL import Image  # pylint: disable=g-import-not-at-top
      Image.new("L", (6, 4)).save(out[0] + ".gif")
    elif out:
      report = {"class_accuracy": 0.5}
      if record_step:
        steps = [int(a.split("=")[1]) for a in cmd if a.startswith("--config.total_steps=")]
        report["step"] = steps[0] if steps else 4000
      with open(out[0], "w") as f:
        json.dump(report, f)
    return 0
  return run

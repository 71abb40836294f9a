"""Prints each config's parameter count without allocating weights (`jax.eval_shape` of init).

    python -m eflow_jax.tools.param_count configs/kinetics.py:variant=B configs/t2v_480p.py ...

Parameters do not depend on the video geometry, so init is traced on the smallest valid input.
"""
import sys

import jax
import jax.numpy as jnp

from eflow_jax import config_lib
from eflow_jax.schema.model import PAPER_PARAMS
from eflow_jax.models.video_dit import VideoDiT


def abstract_params(model: VideoDiT):
  """ShapeDtypeStructs of the parameters; nothing is allocated."""
  pt, ph, pw = model.patch
  x = jnp.zeros((1, pt, 2 * ph, 2 * pw, model.latent_channels), model.dtype)
  t = jnp.zeros((1,), jnp.float32)
  cond = model.null_condition(1)
  init = lambda rng: model.init(rng, x, t, t, t, **cond)["params"]
  return jax.eval_shape(init, jax.random.PRNGKey(0))


def count_params(tree) -> int:
  return sum(leaf.size for leaf in jax.tree.leaves(tree))


def main(paths):
  for path in paths:
    config = config_lib.load_config(path)
    n = count_params(abstract_params(VideoDiT.from_config(config.model)))
    paper = PAPER_PARAMS.get(config.model_size)
    versus = f"  paper {paper / 1e6:7.0f}M  ratio {n / paper:.3f}" if paper else ""
    print(f"{path:28s} {config.model_size:5s} {n / 1e6:9.1f}M{versus}")


if __name__ == "__main__":
  main(sys.argv[1:] or ["configs/kinetics.py:variant=B", "configs/kinetics.py:variant=XL", "configs/kinetics.py:variant=XXL",
                        "configs/t2v_256p.py", "configs/t2v_480p.py"])

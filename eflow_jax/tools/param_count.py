"""Prints each config's parameter count without allocating weights (`jax.eval_shape` of init).

    python -m eflow_jax.tools.param_count [--overview] configs/kinetics.py:variant=B configs/t2v_480p.py ...

--overview also prints every parameter's path, shape and size (clu's parameter_overview, as a
training run writes to <workdir>/parameters.txt).

Parameters do not depend on the video geometry, so init is traced on the smallest valid input.
"""
import sys

import jax
import jax.numpy as jnp
from clu import parameter_overview

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
  return parameter_overview.count_parameters(tree)


def main(paths, overview: bool = False):
  for path in paths:
    config = config_lib.load_config(path)
    params = abstract_params(VideoDiT.from_config(config.model))
    n = count_params(params)
    paper = PAPER_PARAMS.get(config.model_size)
    versus = f"  paper {paper / 1e6:7.0f}M  ratio {n / paper:.3f}" if paper else ""
    print(f"{path:28s} {config.model_size:5s} {n / 1e6:9.1f}M{versus}")
    if overview:
      print(parameter_overview.get_parameter_overview(params, include_stats=False))


DEFAULT_PATHS = ["configs/kinetics.py:variant=B", "configs/kinetics.py:variant=XL", "configs/kinetics.py:variant=XXL",
                 "configs/t2v_256p.py", "configs/t2v_480p.py"]


def cli(argv) -> int:
  """One `param_count: error:` line and exit 2 for a misspelt flag (it was read as a config path) or a
  config that cannot be loaded, as main.py words them, instead of a 14-line traceback."""
  unknown = [a for a in argv if a.startswith("-") and a != "--overview"]
  if unknown:
    print(f"param_count: error: unknown flag {unknown[0]}; the only flag is --overview.", file=sys.stderr)
    return 2
  try:
    main([a for a in argv if a != "--overview"] or DEFAULT_PATHS, overview="--overview" in argv)
  except (FileNotFoundError, ValueError) as e:
    print(f"param_count: error: {e}", file=sys.stderr)
    return 2
  return 0


if __name__ == "__main__":
  sys.exit(cli(sys.argv[1:]))

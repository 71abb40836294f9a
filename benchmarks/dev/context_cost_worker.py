"""One point of benchmarks/dev/context_cost.py, in its own process: the EFlow-1.5B network's forward
and backward for one clip, lowered and compiled abstractly (no parameter is ever materialised) with
the clip's frames split over `context` host devices; prints one JSON line: compile times, the
compiled program's memory analysis and its collectives (benchmarks/dev/hlo_collectives.py).

    XLA_FLAGS=--xla_force_host_platform_device_count=N python benchmarks/dev/context_cost_worker.py \
        --grid=24,56,96 --context=N --attention=glga

The program is what a train step differentiates once per network pass: the per-example net of
models/per_example.py (as eflow_jax/train/step.py calls it, vmapped over the batch), a scalar loss of
its output, and the gradient with respect to every parameter; the objective's extra passes (the
target, guidance) are left out so that one pass's cost is read alone (`passes` in compile_point
repeats it, for the check that the parameter gradient is all-reduced once however many passes).
"""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax  # pylint: disable=g-import-not-at-top
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from benchmarks import scaffold
from benchmarks.dev import hlo_collectives
from eflow_jax import sharding
from eflow_jax.models import context_parallel
from eflow_jax.models.per_example import per_example_net
from eflow_jax.models.video_dit import VideoDiT

CONFIG = "configs/t2v_480p.py"       # EFlow-1.5B as shipped (model fields, dtype, scan_blocks, remat)


def build_model(config_path: str, attention: str, overrides: dict):
  """(model, text length): the shipped model, or the same model with every block full softmax."""
  config = scaffold.with_overrides(scaffold.load(config_path), {f"model.{k}": v for k, v in overrides.items()})
  model = VideoDiT.from_config(config.model)
  if attention == "softmax":
    model = model.clone(attention="softmax", softmax_every=0)
  elif attention != "glga":
    raise SystemExit(f"--attention must be glga (as shipped) or softmax (every block), got {attention!r}")
  return model, config.data.text_length


def abstract_inputs(model: VideoDiT, grid, text_length: int):
  """ShapeDtypeStructs of one clip's latents, times and text; the parameters' shapes by eval_shape."""
  latent = tuple(g * p for g, p in zip(grid, model.patch)) + (model.latent_channels,)
  x = jax.ShapeDtypeStruct((1,) + latent, jnp.float32)
  vec = jax.ShapeDtypeStruct((1,), jnp.float32)
  text = jax.ShapeDtypeStruct((1, text_length, model.text_dim), jnp.float32)
  mask = jax.ShapeDtypeStruct((1, text_length), jnp.int32)
  init = lambda xx, tt, te, ma: model.clone(context_mesh=None).init(jax.random.key(0), xx, tt, tt, tt, text=te,
                                                                     text_mask=ma)["params"]
  params = jax.eval_shape(init, x, vec, text, mask)
  return params, (x, vec, vec, vec, text, mask)


def gradient_program(model: VideoDiT, passes: int = 1):
  """(params, x, t, s, w, text, text_mask) -> (loss, d loss / d params) through the per-example net,
  called `passes` times (at times t, t/2, t/3, ...) as the objective calls one net several times."""
  def loss(params, x, t, s, w, text, text_mask):
    net = per_example_net(model, params)
    one = lambda xi, ti, si, wi, te, ma: net(xi, ti, si, {"text": te, "text_mask": ma}, wi, False)
    outs = [jax.vmap(one)(x, t / (i + 1), s, w, text, text_mask) for i in range(passes)]
    return sum(jnp.mean(jnp.square(out)) for out in outs)
  return jax.value_and_grad(loss)


def compile_point(grid, context: int, attention: str, overrides: dict, config_path: str = CONFIG,
                  passes: int = 1) -> dict:
  model, text_length = build_model(config_path, attention, overrides)
  context_parallel.check_context(context, grid, attention=model.attention, softmax_every=model.softmax_every,
                                 radius=model.window_frames * grid[1] * grid[2] // 2,
                                 group=model.token_drop_group)
  mesh = Mesh(np.array(jax.devices()[:context]).reshape(1, 1, context), sharding.MESH_AXES)
  if context > 1:
    model = model.clone(context_mesh=mesh)
  params, inputs = abstract_inputs(model, grid, text_length)
  replicated = NamedSharding(mesh, P())
  frames = NamedSharding(mesh, P(None, context_parallel.AXIS))
  in_shardings = (jax.tree.map(lambda _: replicated, params), frames) + (replicated,) * 5
  step = jax.jit(gradient_program(model, passes), in_shardings=in_shardings)
  t0 = time.perf_counter()
  lowered = step.lower(params, *inputs)
  t1 = time.perf_counter()
  compiled = lowered.compile()
  t2 = time.perf_counter()
  memory = compiled.memory_analysis()
  rows = hlo_collectives.collective_ops(compiled.as_text(), context)
  leaves = jax.tree.leaves(params)
  return dict(
      grid=list(grid), tokens=int(np.prod(grid)), context=context, attention=attention, overrides=overrides,
      passes=passes,
      lower_s=t1 - t0, compile_s=t2 - t1, max_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
      param_count=int(sum(np.prod(p.shape) for p in leaves)),
      memory={k: int(getattr(memory, k)) for k in ("argument_size_in_bytes", "output_size_in_bytes",
                                                   "temp_size_in_bytes", "alias_size_in_bytes")},
      collectives=hlo_collectives.summarize(rows),
      backward_collectives=hlo_collectives.summarize([r for r in rows if r["backward"]]),
      ops=[{k: r[k] for k in ("kind", "payload", "group", "executions", "backward")} for r in rows])


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--grid", required=True, help="token grid T,H,W (latent / patch)")
  parser.add_argument("--context", type=int, required=True)
  parser.add_argument("--attention", default="glga", help="glga (as shipped) | softmax (every block)")
  parser.add_argument("--config", default=CONFIG)
  parser.add_argument("--set", action="append", default=[], help="model field override KEY=VALUE")
  args = parser.parse_args(argv)
  if jax.device_count() < args.context:
    raise SystemExit(f"--context={args.context} needs that many devices; run with "
                     f"XLA_FLAGS=--xla_force_host_platform_device_count={args.context}")
  grid = tuple(int(g) for g in args.grid.split(","))
  print(json.dumps(compile_point(grid, args.context, args.attention, scaffold.parse_sets(args.set), args.config)),
        flush=True)


if __name__ == "__main__":
  main()

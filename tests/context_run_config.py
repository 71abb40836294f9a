"""tests/tiny_config.py made splittable over 4 context shards: a run config for
tests/test_context_parallel_training.py and benchmarks/dev/context_parallel_losses.py.

  XLA_FLAGS=--xla_force_host_platform_device_count=4 python -m eflow_jax.main \\
      --config=tests/context_run_config.py:steps=8,fm --config.mesh.context=4 --workdir=/tmp/x

8 frames at patch (1, 4, 4) are 8 latent token frames: 2 per shard at context 4, one whole
token-drop group (2, 2, 2) deep and wider than the window's halo of 1 frame, so both stages (SPRINT
token drop, then dense) split (models/context_parallel.py, check_context). The third block is
softmax, so the all-gather path trains too. Options: steps=N (default 8); lr=X for both stages
(default 3e-3: at tiny_config's 1e-4 the adaLN-Zero blocks stay so close to the identity that
attention barely reaches the loss, and a broken halo would hide in float32 rounding); fm (plain flow
matching: one cheap program per stage, for tests whose subject is the mesh, not the objective).
"""
import os

from eflow_jax import schema

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_config(arg=None):
  options = schema.parse_options(arg, __file__, flags=("fm",), values={"steps": 8, "lr": 3e-3})
  config = schema.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={options['steps']}"))
  config.data.frames = 8
  config.model.softmax_every = 3
  for stage in config.curriculum.values():
    stage.lr = options["lr"]
  if options["fm"]:
    config.flow.update(objective="fm", guidance_target="none")
    for stage in config.curriculum.values():
      stage.ratios.update(fm=1.0, scm=0.0, mva=0.0)
  return config

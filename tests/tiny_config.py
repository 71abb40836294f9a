"""A run config whose steps take milliseconds: for tests that train, in process or as a subprocess.

  python -m eflow_jax.main --config=tests/tiny_config.py:steps=12 --workdir=/tmp/x

Two curriculum stages (token drop, then dense + MVA at 80%), 16x16 Moving MNIST clips of 4 frames,
a 3-block 32-wide model. `steps=N` sets total_steps (default 6).
"""
import os

from eflow_jax import schema

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_config(arg=None):
  options = schema.parse_options(arg, __file__, values={"steps": 6})
  config = schema.load_config(os.path.join(REPO, "configs/kinetics.py:variant=B,runlocal"))
  config.model.update(hidden=32, mlp_hidden=64, num_heads=2, encoder_blocks=1, middle_blocks=1,
                      decoder_blocks=1, softmax_every=0, window_frames=1)
  config.data.update(batch_size=4, frames=4, size=16, digit_size=8, max_speed=2)
  config.model.patch = (1, 4, 4)
  config.total_steps = options["steps"]
  config.log_every = 1
  config.checkpoint.every_steps = 1000
  config.log_flops = False              # seconds of lowering per run, many runs per test session
  return config

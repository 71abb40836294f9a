"""EFlow-1.5B text-to-video, stage-1 geometry: 81 frames at 256x448 (paper App. C, stage 1).

Run:        python -m eflow_jax.main --config=configs/t2v_256p.py --workdir=runs/t2v
On a CPU:   python -m eflow_jax.main --config=configs/t2v_256p.py:runlocal --workdir=/tmp/t2v
Parameters: python -m eflow_jax.tools.param_count configs/t2v_256p.py
Latents: 21 x 32 x 56 (Wan 2.1 VAE) -> 21 x 16 x 28 = 9408 tokens; GLGA window m = 6 frames.
"""
from eflow_jax import config_lib


def get_config(arg=None):
  return config_lib.t2v_config(256, 448, arg)

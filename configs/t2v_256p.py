"""EFlow-1.5B text-to-video, the full recipe: 256p (stage 1), then 480p (stages 2-3) (paper App. C.2).

Run:        python -m eflow_jax.main --config=configs/t2v_256p.py --workdir=runs/t2v
On a CPU:   python -m eflow_jax.main --config=configs/t2v_256p.py:runlocal --workdir=/tmp/t2v
Parameters: python -m eflow_jax.tools.param_count configs/t2v_256p.py
Stage 1 latents: 21 x 32 x 56 (81 x 256 x 448 through the Wan 2.1 VAE) -> 9408 tokens; stages 2-3
read 480p shards (32760 tokens). GLGA window m = 6 frames.
"""
from eflow_jax import config_lib


def get_config(arg=None):
  options = config_lib.parse_options(arg, __file__, flags=("runlocal",))
  return config_lib.t2v_config(256, 448, from_256p=True, runlocal=options["runlocal"])

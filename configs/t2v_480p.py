"""EFlow-1.5B text-to-video at 480p only: stages 2-3 of the recipe (paper App. C.2; Fig. 4; Tab. 6).

Run:        python -m eflow_jax.main --config=configs/t2v_480p.py --workdir=runs/t2v
On a CPU:   python -m eflow_jax.main --config=configs/t2v_480p.py:runlocal --workdir=/tmp/t2v
Parameters: python -m eflow_jax.tools.param_count configs/t2v_480p.py
Latents: 21 x 60 x 104 (Wan 2.1 VAE) -> 21 x 30 x 52 = 32760 tokens; GLGA window m = 6 frames.
"""
from eflow_jax import config_lib


def get_config(arg=None):
  options = config_lib.parse_options(arg, __file__, flags=("runlocal",))
  return config_lib.t2v_config(480, 832, from_256p=False, runlocal=options["runlocal"])

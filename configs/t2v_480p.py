"""EFlow-1.5B text-to-video at 480p only: stages 2-3 of configs/t2v_256p.py (paper App. C.2; Fig. 4;
Tab. 6). The recipe lives in that file; this one is its `480p_only` option.

Run:        python -m eflow_jax.main --config=configs/t2v_480p.py --workdir=runs/t2v
On a CPU:   python -m eflow_jax.main --config=configs/t2v_480p.py:runlocal --workdir=/tmp/t2v
Latents: 21 x 60 x 104 (Wan 2.1 VAE) -> 21 x 30 x 52 = 32760 tokens; GLGA window m = 6 frames.
"""
import os

from eflow_jax import schema


def get_config(arg=None):
  options = schema.parse_options(arg, __file__, flags=("runlocal",))
  family = os.path.join(os.path.dirname(os.path.abspath(__file__)), "t2v_256p.py")
  return schema.load_config(f"{family}:480p_only{',runlocal' if options['runlocal'] else ''}")
